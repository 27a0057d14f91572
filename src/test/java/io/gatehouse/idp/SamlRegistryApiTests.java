package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.idp.saml.MetadataParseResult;
import io.gatehouse.idp.saml.SamlMetadataParser;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestIdpMetadata;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** SAML identity providers through the native API: every source, SP identity, keys and metadata. */
abstract class SamlRegistryApiTests extends ApiTest {
    private static final X509Certificate SIGNING = TestCertificates.valid("idp-signing").certificate();
    @org.springframework.beans.factory.annotation.Autowired
    private MetadataRefresher refresher;
    @org.springframework.beans.factory.annotation.Autowired
    private io.gatehouse.crypto.KeyPairPool keyPool;
    @org.springframework.beans.factory.annotation.Autowired
    private IdentityProviderStore store;
    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.jdbc.core.simple.JdbcClient jdbc;
    @org.springframework.beans.factory.annotation.Autowired
    private io.gatehouse.idp.saml.SpKeys spKeys;
    private String org;
    private String key;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("saml"));
        key = createKey(org, "idp_manager");
    }

    private String base() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    private ObjectNode fromMetadata(String alias, String xml) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", alias).put("protocol", "saml");
        body.putArray("domains").add(uniqueDomain());
        body.putObject("saml").put("metadata_xml", xml);
        return body;
    }

    @Test
    void registersOktaMetadataAndServesSpIdentity() {
        ObjectNode body = fromMetadata("okta", TestIdpMetadata.okta("http://www.okta.com/exk1", SIGNING));
        body.put("known_provider", "okta");
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        JsonNode idp = r.json();
        String sso = "https://sso.gatehouse.test/sso/" + org + "/okta";
        assertThat(idp.at("/sp/entity_id").asString()).isEqualTo(sso + "/saml/metadata");
        assertThat(idp.at("/sp/acs_url").asString()).isEqualTo(sso + "/saml/acs");
        assertThat(idp.at("/sp/metadata_url").asString()).isEqualTo(sso + "/saml/metadata");
        assertThat(idp.at("/sp/slo_url").asString()).isEqualTo(sso + "/saml/slo");
        assertThat(idp.at("/saml/idp/entity_id").asString()).isEqualTo("http://www.okta.com/exk1");
        assertThat(idp.at("/saml/idp/sso_url").asString()).isEqualTo("https://acme.okta.com/app/acme_gatehouse/exk1/sso/saml");
        assertThat(idp.at("/saml/want_response_signed").asBoolean()).isTrue();
        assertThat(idp.at("/certificates/0/fingerprint_sha256").asString())
                .isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(SIGNING));
        assertThat(idp.at("/certificates/0/not_after").asString()).isEqualTo(SIGNING.getNotAfter().toInstant().toString());
        assertThat(idp.get("warnings")).isEmpty();

        Reply metadata = api.get("/sso/" + org + "/okta/saml/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.header("Content-Type")).startsWith("application/samlmetadata+xml");
        assertThat(metadata.text()).contains("entityID=\"" + sso + "/saml/metadata\"")
                .contains("Location=\"" + sso + "/saml/acs\"").contains("use=\"signing\"").contains("use=\"encryption\"");
        Reply viaApi = api.get(base() + "/okta/sp-metadata", key);
        assertThat(viaApi.text()).isEqualTo(metadata.text());
        assertThat(api.get("/sso/" + org + "/nope/saml/metadata", null).status()).isEqualTo(404);
    }

    @Test
    void entraPresetSignsTheAssertionOnlyAndWarnsOfExpiry() {
        X509Certificate expiring = TestCertificates.expiringInDays("entra-old", 10).certificate();
        ObjectNode body = fromMetadata("entra", TestIdpMetadata.entra("t1", List.of(expiring, SIGNING), Optional.empty()));
        body.put("known_provider", "entra_id");
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/saml/want_response_signed").asBoolean()).isFalse();
        assertThat(r.json().at("/saml/want_assertions_signed").asBoolean()).isTrue();
        assertThat(r.json().at("/saml/sso_binding").asString()).isEqualTo("redirect");
        assertThat(r.json().get("certificates")).hasSize(2);
        assertThat(r.json().get("warnings").toString()).contains("expires on");
    }

    @Test
    void googlePresetExpectsASignedResponseAndWarnsOfMissingLogout() {
        ObjectNode body = fromMetadata("google", TestIdpMetadata.google("C01", SIGNING));
        body.put("known_provider", "google");
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/saml/want_response_signed").asBoolean()).isTrue();
        assertThat(r.json().at("/saml/want_assertions_signed").asBoolean()).isFalse();
        assertThat(r.json().get("warnings").toString()).contains("no single logout endpoint");
    }

    @Test
    void adfsAndKeycloakMetadataRegister() {
        X509Certificate encryption = TestCertificates.valid("adfs-enc").certificate();
        ObjectNode adfs = fromMetadata("adfs", TestIdpMetadata.adfs("adfs.acme.com", SIGNING, encryption));
        adfs.put("known_provider", "adfs");
        Reply a = api.post(base(), key, adfs);
        assertThat(a.status()).as(a.text()).isEqualTo(201);
        assertThat(a.json().at("/saml/disable_requested_authn_context").asBoolean()).isTrue();
        assertThat(a.json().get("certificates")).hasSize(1);
        Reply k = api.post(base(), key, fromMetadata("keycloak",
                TestIdpMetadata.keycloak("https://kc.acme.com/realms/acme", SIGNING)));
        assertThat(k.status()).as(k.text()).isEqualTo(201);
    }

    @Test
    void keycloakPresetExpectsTheSignedDocumentWithAnUnsignedAssertionInside() {
        ObjectNode body = fromMetadata("keycloak", TestIdpMetadata.keycloak("https://kc.acme.com/realms/acme", SIGNING));
        body.put("known_provider", "keycloak");
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/known_provider").asString()).isEqualTo("keycloak");
        assertThat(r.json().at("/saml/want_response_signed").asBoolean()).isTrue();
        assertThat(r.json().at("/saml/want_assertions_signed").asBoolean()).isFalse();
        // the preset fills only what the body leaves out
        ObjectNode own = fromMetadata("keycloak-own", TestIdpMetadata.keycloak("https://kc.acme.com/realms/own", SIGNING));
        own.put("known_provider", "keycloak");
        ((ObjectNode) own.get("saml")).put("want_assertions_signed", true);
        Reply o = api.post(base(), key, own);
        assertThat(o.status()).as(o.text()).isEqualTo(201);
        assertThat(o.json().at("/saml/want_assertions_signed").asBoolean()).isTrue();
        assertThat(o.json().at("/saml/want_response_signed").asBoolean()).isTrue();
    }

    @Test
    void metadataWithAnExpiredCertificateIsRefused() {
        X509Certificate expired = TestCertificates.expired("old").certificate();
        Reply r = api.post(base(), key, fromMetadata("expired", TestIdpMetadata.okta("https://idp", expired)));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.errorCodes()).containsExactly("saml.metadata_xml:certificate_expired");
        assertThat(r.json().at("/errors/0/message").asString()).contains("expired on");
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void xxeInMetadataIsRefusedAndNothingStored() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"&e;\"/>";
        Reply r = api.post(base(), key, fromMetadata("xxe", xxe));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.errorCodes()).containsExactly("saml.metadata_xml:metadata.doctype_not_allowed");
        assertThat(r.text()).doesNotContain("root:");
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void byHandWithSeveralCertificatesOrAFingerprint() {
        X509Certificate next = TestCertificates.valid("next").certificate();
        ObjectNode manual = ApiClient.object().put("alias", "manual").put("display_name", "Manual").put("protocol", "saml");
        manual.putObject("saml").put("entity_id", "https://idp.acme.com").put("sso_url", "https://idp.acme.com/sso")
                .put("slo_url", "https://idp.acme.com/slo").putArray("certificates")
                .add(TestCertificates.pem(SIGNING)).add(TestCertificates.base64(next));
        Reply r = api.post(base(), key, manual);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("certificates")).hasSize(2);
        assertThat(r.json().at("/saml/idp/slo_url").asString()).isEqualTo("https://idp.acme.com/slo");

        Reply f = api.post(base(), key, byFingerprint("fp", "https://idp2.acme.com", FingerprintAlgorithm.SHA1, SIGNING));
        assertThat(f.status()).as(f.text()).isEqualTo(201);
        assertThat(f.json().at("/saml/cert_fingerprint").asString()).isEqualTo(FingerprintAlgorithm.SHA1.fingerprint(SIGNING));
        assertThat(f.json().get("warnings").toString()).contains("SHA-1 fingerprint");

        ObjectNode sha1 = manual.deepCopy().put("alias", "manual-sha1");
        ((ObjectNode) sha1.get("saml")).putArray("certificates").add(TestCertificates.pem(TestCertificates.sha1Signed("old-adfs")));
        Reply s1 = api.post(base(), key, sha1);
        assertThat(s1.status()).as(s1.text()).isEqualTo(201);
        assertThat(s1.json().get("warnings").toString()).contains("signed with SHA-1");

        ObjectNode expired = manual.deepCopy().put("alias", "manual-expired");
        ((ObjectNode) expired.get("saml")).putArray("certificates").add(TestCertificates.pem(SIGNING))
                .add(TestCertificates.pem(TestCertificates.expired("gone").certificate()));
        Reply e = api.post(base(), key, expired);
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.errorCodes()).containsExactly("saml.certificates[1]:certificate_expired");
    }

    @Test
    void metadataUrlIsFetchedOnSaveAndRefreshedOnRequest() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(TestIdpMetadata.okta("https://idp.acme.com", SIGNING));
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/samlmetadata+xml");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metadata";
            ObjectNode body = ApiClient.object().put("alias", "by-url").put("display_name", "By URL").put("protocol", "saml");
            body.putObject("saml").put("metadata_url", url);
            Reply r = api.post(base(), key, body);
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(r.json().at("/saml/metadata_url").asString()).isEqualTo(url);
            assertThat(r.json().at("/saml/idp/fetched_at").asString()).isNotBlank();
            assertThat(fetches.get()).isEqualTo(1);

            // editing something else keeps the fetched description without fetching again
            assertThat(api.patch(base() + "/by-url", key, ApiClient.parse("{\"display_name\": \"Renamed\"}")).status())
                    .isEqualTo(200);
            assertThat(fetches.get()).isEqualTo(1);

            X509Certificate rotated = TestCertificates.valid("rotated").certificate();
            served.set(TestIdpMetadata.okta("https://idp.acme.com", rotated));
            Reply refreshed = api.send("POST", base() + "/by-url/refresh-metadata", key, null, null);
            assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
            assertThat(refreshed.json().at("/certificates/0/fingerprint_sha256").asString())
                    .isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(rotated));

            String byUrl = r.json().get("id").asString();
            assertThat(store.withMetadataUrl(100_000)).extracting(IdentityProvider::id).contains(byUrl);
            assertThat(api.patch(base() + "/by-url", key, ApiClient.object().set("saml", ApiClient.object()
                    .put("metadata_xml", TestIdpMetadata.okta("https://idp.acme.com", SIGNING)))).status()).isEqualTo(200);
            assertThat(store.withMetadataUrl(100_000)).extracting(IdentityProvider::id).doesNotContain(byUrl);

            Reply missing = api.post(base(), key, ApiClient.parse("""
                    {"alias": "missing", "display_name": "M", "protocol": "saml",
                     "saml": {"metadata_url": "%s/nothing-here"}}""".formatted(url.replace("/metadata", ""))));
            assertThat(missing.status()).isEqualTo(422);
            assertThat(missing.errorCodes()).containsExactly("saml.metadata_url:fetch.http_error");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void dueMetadataUrlsAreRefreshedOnScheduleAndAFailedFetchKeepsTheLastGoodCertificates() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(TestIdpMetadata.okta("https://idp.acme.com", SIGNING));
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata", exchange -> {
            byte[] bytes = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metadata";
            ObjectNode body = ApiClient.object().put("alias", "scheduled").put("display_name", "S").put("protocol", "saml");
            body.putObject("saml").put("metadata_url", url).put("metadata_refresh_seconds", 3600);
            assertThat(api.post(base(), key, body).status()).isEqualTo(201);

            X509Certificate rotated = TestCertificates.valid("rotated-on-schedule").certificate();
            served.set(TestIdpMetadata.okta("https://idp.acme.com", rotated));
            // not yet due: nothing changes
            refresher.refreshDueMetadata(Instant.now().plusSeconds(60), 10_000);
            assertThat(api.get(base() + "/scheduled", key).json().at("/certificates/0/fingerprint_sha256")
                    .asString()).isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(SIGNING));

            refresher.refreshDueMetadata(Instant.now().plusSeconds(3700), 10_000);
            assertThat(api.get(base() + "/scheduled", key).json().at("/certificates/0/fingerprint_sha256")
                    .asString()).isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(rotated));
            JsonNode refreshedEvent = event("identity_provider.metadata_refreshed");
            assertThat(refreshedEvent.at("/actor").asString()).isEqualTo("system:metadata-refresh");
            assertThat(refreshedEvent.at("/details/certificates_added/0").asString())
                    .isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(rotated));
            assertThat(refreshedEvent.at("/details/certificates_removed/0").asString())
                    .isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(SIGNING));

            status.set(500);
            refresher.refreshDueMetadata(Instant.now().plusSeconds(2 * 3700), 10_000);
            assertThat(api.get(base() + "/scheduled", key).json().at("/certificates/0/fingerprint_sha256")
                    .asString()).isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(rotated));
            assertThat(event("identity_provider.metadata_refresh_failed").at("/details/code").asString())
                    .isEqualTo("fetch.http_error");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aCertificateAboutToExpireIsAnnouncedOnceAsAnEvent() {
        X509Certificate soon = TestCertificates.expiringInDays("expiring-soon", 10).certificate();
        ObjectNode body = ApiClient.object().put("alias", "expiring").put("display_name", "E").put("protocol", "saml");
        body.putObject("saml").put("entity_id", "https://idp.expiring.example").put("sso_url", "https://idp.expiring.example/sso")
                .putArray("certificates").add(TestCertificates.pem(soon));
        assertThat(api.post(base(), key, body).status()).isEqualTo(201);
        refresher.warnOfExpiringCertificates(Instant.now(), 100_000);
        refresher.warnOfExpiringCertificates(Instant.now(), 100_000);
        JsonNode e = event("identity_provider.certificate_expiring");
        assertThat(e.at("/details/fingerprint_sha256").asString()).isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(soon));
        assertThat(e.at("/details/expired").asBoolean()).isFalse();
        Reply events = api.get("/api/orgs/" + org + "/events?limit=100", ADMIN);
        assertThat(events.text().split("certificate_expiring", -1)).hasSize(2);
    }

    @Test
    void theExpiryWatchLoadsOnlyProvidersWhoseCertificatesAreDue() {
        X509Certificate longLived = TestCertificates.valid("long-lived").certificate();
        ObjectNode body = ApiClient.object().put("alias", "long-lived").put("display_name", "L").put("protocol", "saml");
        body.putObject("saml").put("entity_id", "https://idp.long.example").put("sso_url", "https://idp.long.example/sso")
                .putArray("certificates").add(TestCertificates.pem(longLived));
        Reply created = api.post(base(), key, body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        Instant watchFrom = longLived.getNotAfter().toInstant().minus(java.time.Duration.ofDays(30));

        assertThat(store.certificateWatchDue(Instant.now(), 100_000)).extracting(IdentityProvider::id).doesNotContain(id);
        assertThat(store.certificateWatchDue(watchFrom.plusSeconds(1), 100_000)).extracting(IdentityProvider::id)
                .contains(id);

        // a row from before the watch had its column (the migration marks every SAML row due) is
        // looked at once, gets its real value, and raises nothing
        jdbc.sql("update identity_providers set certificate_watch_from = ? where id = ?")
                .params(java.sql.Timestamp.from(Instant.EPOCH), id).update();
        assertThat(store.certificateWatchDue(Instant.now(), 100_000)).extracting(IdentityProvider::id).contains(id);
        refresher.warnOfExpiringCertificates(Instant.now(), 100_000);
        assertThat(store.certificateWatchDue(Instant.now(), 100_000)).extracting(IdentityProvider::id).doesNotContain(id);
        assertThat(api.get("/api/orgs/" + org + "/events?limit=100", ADMIN).text()).doesNotContain("certificate_expiring");

        // trust by fingerprint pins no certificate: nothing to watch
        Reply fp = api.post(base(), key, byFingerprint("by-fp", "https://idp.fp.example", FingerprintAlgorithm.SHA256, longLived));
        assertThat(fp.status()).as(fp.text()).isEqualTo(201);
        assertThat(store.certificateWatchDue(Instant.parse("9999-01-01T00:00:00Z"), 100_000))
                .extracting(IdentityProvider::id).contains(id).doesNotContain(fp.json().get("id").asString());
    }

    /** A SAML provider trusting a certificate by its fingerprint (lower-case hex, no colons). */
    private static ObjectNode byFingerprint(String alias, String entityId, FingerprintAlgorithm algorithm,
                                            X509Certificate certificate) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", alias).put("protocol", "saml");
        body.putObject("saml").put("entity_id", entityId).put("sso_url", entityId + "/sso")
                .put("cert_fingerprint", algorithm.fingerprint(certificate).replace(":", "").toLowerCase(java.util.Locale.ROOT))
                .put("cert_fingerprint_algorithm", algorithm.wireName());
        return body;
    }

    private JsonNode event(String type) {
        Reply events = api.get("/api/orgs/" + org + "/events?limit=100", ADMIN);
        assertThat(events.status()).as(events.text()).isEqualTo(200);
        for (JsonNode e : events.json().get("items")) {
            if (e.get("type").asString().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event in " + events.text());
    }

    @Test
    void signAuthnRequestsFollowsTheMetadataUnlessTheAdminSetsIt() {
        // Keycloak's realm descriptor asks for signed requests; Okta's does not
        Reply keycloak = api.post(base(), key, fromMetadata("keycloak",
                TestIdpMetadata.keycloak("https://kc.acme.com/realms/acme", SIGNING)));
        assertThat(keycloak.status()).as(keycloak.text()).isEqualTo(201);
        assertThat(keycloak.json().at("/saml/sign_authn_requests").asBoolean()).isTrue();
        assertThat(keycloak.json().at("/saml/idp/want_authn_requests_signed").asBoolean()).isTrue();
        assertThat(api.get("/sso/" + org + "/keycloak/saml/metadata", null).text()).contains("AuthnRequestsSigned=\"true\"");
        assertThat(loginQuery("keycloak")).contains("SigAlg=", "Signature=");
        Reply okta = api.post(base(), key, fromMetadata("okta", TestIdpMetadata.okta("http://www.okta.com/exk1", SIGNING)));
        assertThat(okta.json().at("/saml/sign_authn_requests").asBoolean()).isFalse();
        assertThat(loginQuery("okta")).doesNotContain("Signature=");

        // a change elsewhere keeps following the metadata; an explicit value wins; null follows it again
        assertThat(api.patch(base() + "/keycloak", key, ApiClient.parse("{\"display_name\": \"Keycloak\"}")).json()
                .at("/saml/sign_authn_requests").asBoolean()).isTrue();
        Reply off = api.patch(base() + "/keycloak", key, ApiClient.parse("{\"saml\": {\"sign_authn_requests\": false}}"));
        assertThat(off.status()).as(off.text()).isEqualTo(200);
        assertThat(off.json().at("/saml/sign_authn_requests").asBoolean()).isFalse();
        assertThat(loginQuery("keycloak")).doesNotContain("Signature=");
        assertThat(api.patch(base() + "/keycloak", key, ApiClient.parse("{\"saml\": {\"sign_authn_requests\": null}}"))
                .json().at("/saml/sign_authn_requests").asBoolean()).isTrue();
        Reply on = api.patch(base() + "/okta", key, ApiClient.parse("{\"saml\": {\"sign_authn_requests\": true}}"));
        assertThat(on.json().at("/saml/sign_authn_requests").asBoolean()).isTrue();
        assertThat(loginQuery("okta")).contains("Signature=");
    }

    @Test
    void aProviderStoredBeforeTheMetadataDecidedFollowsItFromItsNextResolution() {
        Reply created = api.post(base(), key, fromMetadata("legacy",
                TestIdpMetadata.keycloak("https://kc.acme.com/realms/legacy", SIGNING)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        // as rows were stored until now: the flag always written (false by default), nothing resolved about it
        ObjectNode legacy = (ObjectNode) ApiClient.parse(jdbc.sql("select config from identity_providers where id = ?")
                .param(id).query(String.class).single());
        ((ObjectNode) legacy.get("saml")).put("sign_authn_requests", false);
        ((ObjectNode) legacy.at("/saml/resolved")).remove("want_authn_requests_signed");
        jdbc.sql("update identity_providers set config = ? where id = ?").params(legacy.toString(), id).update();

        Reply refreshed = api.post(base() + "/legacy/refresh-metadata", key, ApiClient.object());
        assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
        assertThat(refreshed.json().at("/saml/sign_authn_requests").asBoolean()).isTrue();
        assertThat(jdbc.sql("select config from identity_providers where id = ?").param(id).query(String.class)
                .single()).doesNotContain("\"sign_authn_requests\"");
    }

    /** The query of the redirect that starts a sign-in at the provider. */
    private String loginQuery(String alias) {
        Reply login = api.get("/sso/" + org + "/" + alias + "/login", null);
        assertThat(login.status()).as(login.text()).isEqualTo(302);
        return java.net.URI.create(login.header("Location")).getRawQuery();
    }

    @Test
    void patchSwitchesTheSourceAndKeepsTheRest() {
        assertThat(api.post(base(), key, fromMetadata("switch", TestIdpMetadata.okta("https://one", SIGNING))).status())
                .isEqualTo(201);
        ObjectNode patch = ApiClient.parse("""
                {"saml": {"entity_id": "https://two", "sso_url": "https://two/sso", "cert_fingerprint":
                 "%s", "cert_fingerprint_algorithm": "sha256", "clock_skew_seconds": 120}}"""
                .formatted(FingerprintAlgorithm.SHA256.fingerprint(SIGNING)));
        Reply r = api.patch(base() + "/switch", key, patch);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/saml/metadata_xml").isMissingNode()).isTrue();
        assertThat(r.json().at("/saml/idp/entity_id").asString()).isEqualTo("https://two");
        assertThat(r.json().at("/saml/clock_skew_seconds").asInt()).isEqualTo(120);
    }

    @Test
    void spKeysRotateWithTheNextKeyPublishedFirst() {
        assertThat(api.post(base(), key, fromMetadata("rotate", TestIdpMetadata.okta("https://idp", SIGNING))).status())
                .isEqualTo(201);
        Reply keys = api.get(base() + "/rotate/sp-keys", key);
        assertThat(keys.json().get("items")).hasSize(2);
        String activeSigning = keys.json().get("items").get(0).get("fingerprint_sha256").asString();

        Reply next = api.send("POST", base() + "/rotate/sp-keys/next", key, null, null);
        assertThat(next.status()).as(next.text()).isEqualTo(200);
        assertThat(next.json().get("items")).hasSize(4);
        String metadata = api.get("/sso/" + org + "/rotate/saml/metadata", null).text();
        assertThat(metadata.split("use=\"signing\"", -1)).hasSize(3);

        Reply activated = api.send("POST", base() + "/rotate/sp-keys/next/activate", key, null, null);
        assertThat(activated.status()).isEqualTo(200);
        List<String> statuses = new java.util.ArrayList<>();
        activated.json().get("items").forEach(i -> statuses.add(i.get("use").asString() + ":" + i.get("status").asString()));
        assertThat(statuses).containsExactlyInAnyOrder("signing:retired", "encryption:retired", "signing:active",
                "encryption:active");
        String after = api.get("/sso/" + org + "/rotate/saml/metadata", null).text();
        assertThat(after.split("use=\"signing\"", -1)).hasSize(2);
        assertThat(after).doesNotContain(activeSigning.replace(":", ""));
        assertThat(api.send("POST", base() + "/rotate/sp-keys/next/activate", key, null, null).status()).isEqualTo(409);

        MetadataParseResult ours = new SamlMetadataParser().parse(after, Optional.empty(), Instant.now());
        assertThat(ours).isInstanceOf(MetadataParseResult.Rejected.class);
    }

    @Test
    void aProviderCreatedWhileTheKeyPoolIsDryWaitsForItsKeysAndGetsThem() throws Exception {
        String one = createWhileThePoolIsDry("dry-one");
        String two = createWhileThePoolIsDry("dry-two");
        assertThat(spKeys.list(one)).isEmpty();
        assertThat(spKeys.waitingForKeys(1_000)).contains(one, two);

        // the background provisioner's step, driven here (the scheduled one may do it first)
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (spKeys.waitingForKeys(1_000).contains(one) && System.nanoTime() < deadline) {
            spKeys.provisionFromPool(one, Instant.now());
            Thread.sleep(100);
        }
        assertThat(spKeys.waitingForKeys(1_000)).doesNotContain(one);
        assertThat(spKeys.list(one)).extracting(k -> k.use() + ":" + k.status())
                .containsExactlyInAnyOrder("SIGNING:ACTIVE", "ENCRYPTION:ACTIVE");

        // whatever needs the keys first gets them: serving the metadata makes them on the spot
        Reply metadata = api.get("/sso/" + org + "/dry-two/saml/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.text()).contains("use=\"signing\"").contains("use=\"encryption\"");
        assertThat(spKeys.waitingForKeys(1_000)).doesNotContain(two);
        assertThat(spKeys.list(two)).hasSize(2);

        // a deleted provider leaves nothing waiting
        String three = createWhileThePoolIsDry("dry-three");
        assertThat(spKeys.waitingForKeys(1_000)).contains(three);
        assertThat(api.send("DELETE", base() + "/dry-three", key, null, null).status()).isEqualTo(204);
        assertThat(spKeys.waitingForKeys(1_000)).doesNotContain(three);
    }

    /**
     * Creates a SAML provider right after draining the key pool. The refill makes one key at a time
     * with a pause nine times as long as the generation after each, so a pair is rarely ready again
     * that soon; when one was (a slow request), the provider is deleted and made again.
     */
    private String createWhileThePoolIsDry(String alias) {
        for (int attempt = 0; attempt < 10; attempt++) {
            while (keyPool.poll().isPresent()) {
                // drained
            }
            Reply created = api.post(base(), key, fromMetadata(alias, TestIdpMetadata.okta("https://idp", SIGNING)));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asString();
            if (spKeys.list(id).isEmpty()) {
                return id;
            }
            assertThat(api.send("DELETE", base() + "/" + alias, key, null, null).status()).isEqualTo(204);
        }
        throw new AssertionError("the key pool was never dry when a provider was created");
    }
}
