package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.BadInputs;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.RawHttp;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestIdpMetadata;
import io.gatehouse.testkit.TestOpenIdProvider;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Property-based: whatever arrives at the JSON API, the SAML ACS or the OIDC callback, Gatehouse
 * answers it without a 5xx. Inputs are valid requests mutated at random (QuickTheories, a fixed
 * seed per property, so CI replays the same inputs every run), random bytes, and real signed SAML
 * responses and real OIDC sign-ins bent out of shape. A failure names the request it sent.
 */
@OnH2
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoServerErrorPropertiesOnH2Test extends ApiTest {
    /** Fixed: the same inputs every run; change it (or set QT_SEED) to explore others. */
    private static final long SEED = 20_261_207L;
    private static final int TRIES = 300;
    private static final KeyAndCertificate IDP = TestCertificates.valid("fuzz-idp");
    private static final String SAML_ALIAS = "fuzz-saml";
    private static final String OIDC_ALIAS = "fuzz-oidc";
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestOpenIdProvider op;
    private String org;
    private String key;
    private String spare;

    private static QuickTheory theory() {
        return qt().withFixedSeed(SEED).withExamples(TRIES).withShrinkCycles(40);
    }

    @BeforeEach
    void setUpOnce() {
        if (org != null) {
            return;
        }
        op = new TestOpenIdProvider();
        org = createOrg(uniqueOrgId("fuzz"), true, 1_000);
        key = createKey(org, "org_admin");
        spare = createOrg(uniqueOrgId("fuzz-spare"));
        ObjectNode saml = validSaml();
        saml.put("alias", SAML_ALIAS);
        assertThat(api.post(idps(), key, saml).status()).isEqualTo(201);
        op.client("fuzz-client", "client_secret_basic");
        ObjectNode oidc = ApiClient.parse("""
                {"alias": "%s", "display_name": "Fuzz OIDC", "protocol": "oidc",
                 "oidc": {"issuer": "%s", "client_id": "%s", "client_secret": "%s"}}"""
                .formatted(OIDC_ALIAS, op.issuer(), op.clientId(), op.clientSecret()));
        Reply r = api.post(idps(), key, oidc);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    @AfterAll
    void stopProvider() {
        if (op != null) {
            op.close();
        }
    }

    private String idps() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    /** The statuses a property's tries were answered with, to show that its inputs reach both outcomes. */
    private final Map<Integer, Integer> statuses = new java.util.TreeMap<>();

    /** The property itself: no 5xx, and if there is one, the request that caused it. */
    private void noServerError(Reply r, String request, byte[] body) {
        statuses.merge(r.status(), 1, Integer::sum);
        String sent = body == null ? "" : new String(body, 0, Math.min(body.length, 2_000), StandardCharsets.UTF_8);
        assertThat(r.status()).as("%s\n%s\n-> %s", request, sent, r.text()).isLessThan(500);
    }

    /**
     * The generators are no good if every try ends the same way: some must get through (2xx or a
     * redirect) and some must be refused, or the property tested nothing.
     */
    private void bothOutcomesWereReached() {
        assertThat(statuses.keySet()).as("statuses %s", statuses).anyMatch(s -> s < 400);
        assertThat(statuses.keySet()).as("statuses %s", statuses).anyMatch(s -> s >= 400);
        statuses.clear();
    }

    // ------------------------------------------------------------------ bodies to start from

    private static ObjectNode validOidc() {
        String dead = BadInputs.DEAD_URL;
        return ApiClient.parse("""
                {"alias": "good-oidc", "display_name": "Good", "protocol": "oidc",
                 "oidc": {"issuer": "%1$s/op", "client_id": "c", "client_secret": "s",
                          "authorization_endpoint": "%1$s/a", "token_endpoint": "%1$s/t", "jwks_uri": "%1$s/k",
                          "scopes": ["openid", "email"], "pkce": "S256"},
                 "mappers": [{"name": "m", "type": "role", "source": "groups", "value_map": {"Admins": "admin"}}],
                 "provisioning": {"mode": "jit", "sync_mode": "import", "role_management": "manual"},
                 "error_url": "%1$s/error"}""".formatted(dead));
    }

    private static ObjectNode validSaml() {
        return ApiClient.parse("""
                {"alias": "good-saml", "display_name": "Good SAML", "protocol": "saml",
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.fuzz.example/sso",
                          "certificates": ["%s"], "want_assertions_signed": true, "clock_skew_seconds": 60}}"""
                .formatted(TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate())));
    }

    private static ObjectNode validSamlMetadata() {
        ObjectNode body = ApiClient.parse("{\"alias\": \"good-metadata\", \"display_name\": \"M\", \"protocol\": \"saml\"}");
        body.putObject("saml").put("metadata_xml", TestIdpMetadata.okta("http://www.okta.com/fuzz", IDP.certificate()));
        return body;
    }

    // ------------------------------------------------------------------ the JSON API

    @Test
    void identityProviderCreateAndUpdate() {
        // updates go to providers of their own, so that the sign-in properties keep theirs intact
        List<ObjectNode> bases = List.of(validOidc(), validSaml(), validSamlMetadata());
        List<String> updated = List.of("update-oidc", "update-saml", "update-metadata");
        for (int i = 0; i < bases.size(); i++) {
            ObjectNode body = bases.get(i).deepCopy().put("alias", updated.get(i));
            Reply r = api.post(idps(), key, body);
            assertThat(r.status()).as(r.text()).isIn(201, 409);
        }
        theory().forAll(integers().between(0, bases.size() - 1), integers().between(0, 2), BadInputs.mutations())
                .checkAssert((base, operation, mutations) -> {
                    ObjectNode start = bases.get(base).deepCopy();
                    if (operation == 0) {
                        start.putArray("domains").add(uniqueDomain());
                    } else {
                        start.put("alias", updated.get(base));
                    }
                    byte[] body = BadInputs.apply(start, mutations);
                    String target = idps() + (operation == 0 ? "" : "/" + updated.get(base));
                    Reply r = switch (operation) {
                        case 0 -> api.send("POST", target, key, "application/json", body);
                        case 1 -> api.send("PUT", target, key, "application/json", body);
                        default -> api.send("PATCH", target, key, "application/merge-patch+json", body);
                    };
                    noServerError(r, List.of("POST", "PUT", "PATCH").get(operation) + " " + target, body);
                    if (operation == 0 && r.status() == 201) {
                        api.delete(idps() + "/" + r.json().get("alias").asString(), key);
                    }
                });
        bothOutcomesWereReached();
    }

    @Test
    void orgsApiKeysApplicationsAndUsers() {
        List<ObjectNode> bases = List.of(
                ApiClient.parse("{\"id\": \"fuzz-org\", \"name\": \"F\", \"sso_enabled\": true, \"max_identity_providers\": 3}"),
                ApiClient.parse("{\"name\": \"F2\", \"sso_enabled\": false, \"max_identity_providers\": 5}"),
                ApiClient.parse("{\"name\": \"k\", \"role\": \"viewer\"}"),
                ApiClient.parse("{\"name\": \"App\", \"redirect_uris\": [\"https://app.fuzz.example/cb\"],"
                        + " \"allowed_orgs\": [\"" + org + "\"], \"public_client\": false, \"id_token_signed_response_alg\": \"RS256\"}"),
                ApiClient.parse("{\"active\": false}"));
        theory().forAll(integers().between(0, bases.size() - 1), BadInputs.mutations()).checkAssert((target, mutations) -> {
            byte[] body = BadInputs.apply(bases.get(target), mutations);
            Reply r = switch (target) {
                case 0 -> api.send("POST", "/api/orgs", ADMIN, "application/json", body);
                case 1 -> api.send("PATCH", "/api/orgs/" + spare, ADMIN, "application/merge-patch+json", body);
                case 2 -> api.send("POST", "/api/orgs/" + spare + "/api-keys", ADMIN, "application/json", body);
                case 3 -> api.send("POST", "/api/applications", ADMIN, "application/json", body);
                default -> api.send("PATCH", "/api/orgs/" + org + "/users/" + mutations.getFirst().name()
                        .replaceAll("[^A-Za-z0-9-]", ""), key, "application/merge-patch+json", body);
            };
            noServerError(r, "target " + target, body);
            if (target == 0 && r.status() == 201) {
                api.delete("/api/orgs/" + r.json().get("id").asString(), ADMIN);
            } else if (target == 3 && r.status() == 201) {
                api.delete("/api/applications/" + r.json().get("client_id").asString(), ADMIN);
            }
        });
        bothOutcomesWereReached();
    }

    @Test
    void rawBodiesAtEveryJsonEndpoint() {
        List<String> paths = List.of(idps(), idps() + "/update-oidc", "/api/orgs", "/api/orgs/" + spare,
                "/api/orgs/" + spare + "/api-keys", "/api/applications", "/compat/generic/api/identity-providers",
                "/compat/telnyx/authentication_providers", "/compat/cognigy/v2.0/identityprovider/configure",
                "/compat/recomly/app/sso/providers");
        theory().forAll(integers().between(0, paths.size() - 1), BadInputs.rawBody(),
                        Generate.pick(List.of("application/json", "application/merge-patch+json", "text/plain",
                                "application/json; charset=utf-16", "application/x-www-form-urlencoded")))
                .checkAssert((path, body, type) -> {
                    String method = paths.get(path).endsWith("/update-oidc") || paths.get(path).endsWith(spare) ? "PATCH" : "POST";
                    String credential = paths.get(path).startsWith("/api/orgs/" + org) || paths.get(path).startsWith("/compat")
                            ? key : ADMIN;
                    Reply r = api.send(method, paths.get(path), credential, type, body,
                            "X-Gatehouse-Org", org);
                    noServerError(r, method + " " + paths.get(path) + " (" + type + ")", body);
                });
        // random bytes are refused one way or another; that they are never a 5xx is the property
        statuses.clear();
    }

    @Test
    void compatibilityEndpoints() {
        String certificate = TestCertificates.base64(IDP.certificate());
        String dead = BadInputs.DEAD_URL;
        Map<String, ObjectNode> bases = new LinkedHashMap<>();
        bases.put("/compat/telnyx/authentication_providers", ApiClient.parse("""
                {"name": "T", "short_name": "telnyx-fuzz", "active": true,
                 "settings": {"idp_entity_id": "https://idp.fuzz.example", "idp_sso_target_url": "https://idp.fuzz.example/sso",
                   "idp_cert_fingerprint": "%s", "idp_cert_fingerprint_algorithm": "sha1"}}"""
                .formatted(io.gatehouse.crypto.FingerprintAlgorithm.SHA1.fingerprint(IDP.certificate()))));
        bases.put("/compat/recomly/app/sso/providers", ApiClient.parse("""
                {"providerType": "OIDC", "name": "Recomly Fuzz", "enabled": true, "domains": ["recomly-fuzz.example.com"],
                 "oidc": {"issuer": "%1$s", "clientId": "c", "clientSecret": "s", "authorizationEndpoint": "%1$s/a",
                   "tokenEndpoint": "%1$s/t", "userInfoEndpoint": "%1$s/u", "jwksUri": "%1$s/k"}}""".formatted(dead)));
        bases.put("/compat/cognigy/v2.0/identityprovider/configure", ApiClient.parse("""
                {"idpType": "saml", "idpIssuer": "https://idp.fuzz.example", "idpLoginEndpoint": "https://idp.fuzz.example/sso",
                 "idpCertificate": "%s", "wantAuthnResponseSigned": true}""".formatted(certificate)));
        bases.put("/compat/generic/api/identity-providers", ApiClient.parse("""
                {"alias": "generic-fuzz", "display_name": "G", "provider_id": "saml",
                 "saml_config": {"idp_entity_id": "https://idp.fuzz.example", "single_sign_on_service_url":
                   "https://idp.fuzz.example/sso", "signing_certificate": "%s", "post_binding_authn_request": true},
                 "mappers": [{"name": "e", "identity_provider_mapper": "saml-user-attribute-idp-mapper",
                   "config": {"attribute.name": "mail", "user.attribute": "email"}}]}""".formatted(certificate)));
        List<String> paths = List.copyOf(bases.keySet());
        String viewer = createKey(org, "viewer");
        theory().forAll(integers().between(0, paths.size() - 1), BadInputs.mutations(), integers().between(0, 9))
                .checkAssert((path, mutations, who) -> {
                    byte[] body = BadInputs.apply(bases.get(paths.get(path)), mutations);
                    Reply r = api.send("POST", paths.get(path), who == 0 ? viewer : key, "application/json", body);
                    noServerError(r, "POST " + paths.get(path), body);
                    // what was made is removed again, so that the next try can make it anew
                    api.get(idps() + "?limit=200", key).json().path("items").forEach(idp -> {
                        String alias = idp.get("alias").asString();
                        if (!alias.startsWith("fuzz-") && !alias.startsWith("update-")) {
                            api.delete(idps() + "/" + alias, key);
                        }
                    });
                });
        bothOutcomesWereReached();
    }

    // ------------------------------------------------------------------ the SAML ACS

    /** A started SAML sign-in: its AuthnRequest's ID and the RelayState to come back with. */
    private record Started(String requestId, String relayState) {
    }

    private Started startSaml() {
        Reply login = api.get("/sso/" + org + "/" + SAML_ALIAS + "/login", null);
        assertThat(login.status()).as(login.text()).isEqualTo(302);
        Map<String, String> query = query(URI.create(login.header("Location")).getRawQuery());
        String xml = TestSignInBrowser.inflate(Base64.getDecoder().decode(query.get("SAMLRequest")));
        String id = TestSamlResponses.parse(xml).getDocumentElement().getAttribute("ID");
        return new Started(id, query.get("RelayState"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    /** How the SAMLResponse is made: from nothing, or from a real signed response. */
    private enum ResponseShape { RANDOM_TEXT, RANDOM_BASE64, MUTATED_XML, VALID_DEFLATED, VALID }

    /** How the RelayState is made. */
    private enum RelayShape { REAL, MUTATED, RANDOM, ABSENT }

    /** A text edit of the signed XML: what to do, where (modulo its length), how much, with what. */
    private record XmlEdit(int kind, int where, int length, String insert) {
        String applyTo(String xml) {
            int at = where % (xml.length() + 1);
            int end = Math.min(xml.length(), at + length);
            return switch (kind) {
                case 0 -> xml.substring(0, at) + xml.substring(end);
                case 1 -> xml.substring(0, end) + xml.substring(at, end) + xml.substring(end);
                case 2 -> xml.substring(0, at) + insert + xml.substring(at);
                default -> xml.substring(0, at) + insert + xml.substring(end);
            };
        }
    }

    private static final List<String> XML_SNIPPETS = List.of("<", ">", "\"", "&", "&amp;", "&#0;", "&#x110000;",
            "<!--x-->", "<![CDATA[x]]>", "<?pi x?>", "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">]>",
            "<!ENTITY e SYSTEM \"" + BadInputs.DEAD_URL + "/e\">", "xmlns:saml2=\"urn:x\"", " ID=\"dup\"",
            "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"x\"/>",
            "<saml2:AuthnStatement xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>",
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>", "\u0000", "\uD800", "😀", " ", "\n",
            "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "not-a-date");

    private static Gen<XmlEdit> xmlEdit() {
        return integers().between(0, 3).zip(integers().between(0, 20_000), integers().between(0, 400),
                Generate.frequency(Pair.of(2, Generate.pick(XML_SNIPPETS)), Pair.of(1, BadInputs.text())), XmlEdit::new);
    }

    private String acsUrl() {
        return api.get(idps() + "/" + SAML_ALIAS, key).json().at("/sp/acs_url").asString();
    }

    @Test
    void samlAcsWithRandomAndMutatedResponses() {
        String acs = acsUrl();
        String spEntityId = api.get(idps() + "/" + SAML_ALIAS, key).json().at("/sp/entity_id").asString();
        RawHttp raw = new RawHttp(port);
        theory().forAll(Generate.enumValues(ResponseShape.class).zip(Generate.enumValues(RelayShape.class), Pair::of),
                        lists().of(xmlEdit()).ofSizeBetween(1, 3), BadInputs.text(), integers().between(0, 9))
                .checkAssert((shapes, edits, random, encoding) -> {
                    ResponseShape shape = shapes._1;
                    RelayShape relay = shapes._2;
                    Started started = startSaml();
                    String valid = TestSamlResponses.okta(IDP, started.requestId(), Instant.now()).destination(acs)
                            .recipient(acs).audiences(spEntityId).xml();
                    String samlResponse = switch (shape) {
                        case RANDOM_TEXT -> random;
                        case RANDOM_BASE64 -> Base64.getEncoder().encodeToString(random.getBytes(StandardCharsets.UTF_8));
                        case MUTATED_XML -> {
                            String xml = valid;
                            for (XmlEdit e : edits) {
                                xml = e.applyTo(xml);
                            }
                            yield TestSamlResponses.base64(xml);
                        }
                        case VALID_DEFLATED -> Base64.getEncoder().encodeToString(TestSignInBrowser.deflate(valid));
                        case VALID -> TestSamlResponses.base64(valid);
                    };
                    String relayState = switch (relay) {
                        case REAL -> started.relayState();
                        case MUTATED -> edits.getFirst().applyTo(started.relayState());
                        case RANDOM -> random;
                        case ABSENT -> null;
                    };
                    // one try in ten sends the form as it is, unencoded: stray %, & and = included
                    boolean encoded = encoding > 0;
                    String form = "SAMLResponse=" + (encoded ? URLEncoder.encode(samlResponse, StandardCharsets.UTF_8) : samlResponse)
                            + (relayState == null ? "" : "&RelayState="
                            + (encoded ? URLEncoder.encode(relayState, StandardCharsets.UTF_8) : relayState));
                    byte[] body = form.getBytes(StandardCharsets.UTF_8);
                    String acsPath = "/sso/" + org + "/" + SAML_ALIAS + "/saml/acs";
                    Reply r = encoded ? api.send("POST", acsPath, null, "application/x-www-form-urlencoded", body)
                            : raw.send("POST", acsPath, "application/x-www-form-urlencoded", body);
                    noServerError(r, "ACS " + shape + " " + relay + (encoded ? "" : " unencoded"), body);
                });
        bothOutcomesWereReached();
    }

    // ------------------------------------------------------------------ the OIDC callback

    /** Where the callback's state and code come from. */
    private enum CallbackShape { RANDOM, REAL_STATE, REAL_STATE_AND_CODE }

    private static final List<String> CALLBACK_PARAMETERS = List.of("code", "state", "error", "error_description",
            "error_uri", "iss", "session_state", "id_token", "access_token", "response", "scope");

    /** Login at Gatehouse, then (if asked) the provider's authorize hop: the callback's real parameters. */
    private Map<String, String> startOidc(boolean withCode) {
        Reply login = api.get("/sso/" + org + "/" + OIDC_ALIAS + "/login", null);
        assertThat(login.status()).as(login.text()).isEqualTo(302);
        URI authorize = URI.create(login.header("Location"));
        if (!withCode) {
            return Map.of("state", query(authorize.getRawQuery()).get("state"));
        }
        try {
            HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(authorize).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
            return query(URI.create(answer.headers().firstValue("Location").orElseThrow()).getRawQuery());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oidcCallbackWithRandomParameters() {
        Gen<Pair<String, String>> parameter = Generate.frequency(
                Pair.of(4, Generate.pick(CALLBACK_PARAMETERS)), Pair.of(1, BadInputs.text()))
                .zip(BadInputs.text(), Pair::of);
        RawHttp raw = new RawHttp(port);
        theory().forAll(Generate.enumValues(CallbackShape.class), lists().of(parameter).ofSizeBetween(0, 5),
                        integers().between(0, 9), integers().between(0, 9))
                .checkAssert((shape, parameters, flags, where) -> {
                    boolean replace = flags % 2 == 0;
                    // one try in five sends the query as it is, unencoded
                    boolean encoded = flags < 8;
                    Map<String, String> params = new LinkedHashMap<>(switch (shape) {
                        case RANDOM -> Map.<String, String>of();
                        case REAL_STATE -> startOidc(false);
                        case REAL_STATE_AND_CODE -> startOidc(true);
                    });
                    for (Pair<String, String> p : parameters) {
                        if (replace || !params.containsKey(p._1)) {
                            params.put(p._1, p._2);
                        }
                    }
                    // mostly the OIDC provider; sometimes a SAML one, or none
                    String alias = where == 0 ? SAML_ALIAS : where == 1 ? "nobody" : OIDC_ALIAS;
                    StringBuilder q = new StringBuilder();
                    params.forEach((k, v) -> q.append(q.isEmpty() ? "" : "&")
                            .append(encoded ? URLEncoder.encode(k, StandardCharsets.UTF_8) : k).append('=')
                            .append(encoded ? URLEncoder.encode(v, StandardCharsets.UTF_8) : v));
                    // unencoded, line breaks would end the request line itself: that is not the callback's input
                    String query = encoded ? q.toString() : q.toString().replaceAll("[\r\n]", "");
                    String path = "/sso/" + org + "/" + alias + "/oidc/callback" + (query.isEmpty() ? "" : "?" + query);
                    Reply r = encoded ? api.get(path, null) : raw.get(path, null);
                    noServerError(r, "GET " + path, null);
                });
        bothOutcomesWereReached();
    }
}
