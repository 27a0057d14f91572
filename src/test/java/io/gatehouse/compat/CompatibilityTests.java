package io.gatehouse.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestDiscoveryServer;
import io.gatehouse.testkit.TestIdpMetadata;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Each seed product's documented request, sent as its document shows (real certificates and
 * metadata in place of placeholders), answered as documented, and read back through the native API.
 */
abstract class CompatibilityTests extends ApiTest {
    private static final KeyAndCertificate SIGNING = TestCertificates.valid("compat-idp");
    private String org;
    private String key;
    private TestDiscoveryServer discovery;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("compat"));
        key = createKey(org, "idp_manager");
        discovery = new TestDiscoveryServer();
        discovery.serve(TestDiscoveryServer.standardDocument(discovery.issuer()));
    }

    @AfterEach
    void tearDown() {
        discovery.close();
    }

    private JsonNode nativeIdp(String alias) {
        Reply r = api.get("/api/orgs/" + org + "/identity-providers/" + alias, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    /** The sign-in exists: a login URL, and for SAML the SP metadata the IdP admin needs. */
    private void signInUrlExists(JsonNode idp) {
        String login = idp.get("login_url").asString();
        assertThat(login).endsWith("/sso/" + org + "/" + idp.get("alias").asString() + "/login");
        if ("saml".equals(idp.get("protocol").asString())) {
            Reply metadata = api.get("/sso/" + org + "/" + idp.get("alias").asString() + "/saml/metadata", null);
            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.text()).contains(idp.at("/sp/acs_url").asString());
        }
    }

    private Reply postJson(String path, String credential, String json, String... headers) {
        return api.send("POST", path, credential, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    // ---------------------------------------------------------------- Cognigy

    private static final String COGNIGY = "/compat/cognigy/v2.0/identityprovider/configure";

    private String cognigySamlRequest() {
        return """
                {"idpType": "saml",
                 "idpIssuer": "https://idp.acme-cognigy.com/saml",
                 "idpLoginEndpoint": "https://idp.acme-cognigy.com/sso",
                 "idpLogoutEndpoint": "https://idp.acme-cognigy.com/slo",
                 "idpCertificate": "%s",
                 "wantAuthnResponseSigned": true,
                 "decryptionPrivateKey": %s,
                 "idpDisableRequestedAuthnContext": true}
                """.formatted(TestCertificates.base64(SIGNING.certificate()),
                ApiClient.JSON.writeValueAsString(PrivateKeys.toPem(TestCertificates.valid("dec").privateKey())));
    }

    @Test
    void cognigySamlThenOidcWithTheApiKeyInHeaderAndQuery() {
        Reply saml = api.send("POST", COGNIGY, null, "application/json",
                cognigySamlRequest().getBytes(StandardCharsets.UTF_8), "X-API-Key", key);
        assertThat(saml.status()).as(saml.text()).isEqualTo(204);
        assertThat(saml.text()).isEmpty();
        JsonNode idp = nativeIdp("cognigy-saml");
        assertThat(idp.at("/saml/entity_id").asString()).isEqualTo("https://idp.acme-cognigy.com/saml");
        assertThat(idp.at("/saml/sso_url").asString()).isEqualTo("https://idp.acme-cognigy.com/sso");
        assertThat(idp.at("/saml/slo_url").asString()).isEqualTo("https://idp.acme-cognigy.com/slo");
        assertThat(idp.at("/saml/want_response_signed").asBoolean()).isTrue();
        assertThat(idp.at("/saml/disable_requested_authn_context").asBoolean()).isTrue();
        assertThat(idp.at("/saml/decryption_private_key").asString()).isEqualTo("**********");
        assertThat(idp.at("/certificates/0/fingerprint_sha256").asString())
                .isEqualTo(FingerprintAlgorithm.SHA256.fingerprint(SIGNING.certificate()));
        signInUrlExists(idp);

        // configuring again replaces the org's one Cognigy provider; OIDC replaces the SAML one
        String oidc = """
                {"idpType": "oidc", "idpIssuer": "%s", "idpClientId": "cognigy-client",
                 "idpClientSecret": "s3cret", "idpFrontChannelLogoutUrl": null,
                 "idpIdTokenSignedResponseAlg": "RS256", "idpTokenEndpointAuthMethod": "client_secret_post"}
                """.formatted(discovery.issuer());
        Reply second = api.send("POST", COGNIGY + "?api_key=" + key, null, "application/json",
                oidc.getBytes(StandardCharsets.UTF_8));
        assertThat(second.status()).as(second.text()).isEqualTo(204);
        JsonNode o = nativeIdp("cognigy-oidc");
        assertThat(o.at("/oidc/client_id").asString()).isEqualTo("cognigy-client");
        assertThat(o.at("/oidc/client_secret").asString()).isEqualTo("**********");
        assertThat(o.at("/oidc/token_endpoint_auth_method").asString()).isEqualTo("client_secret_post");
        assertThat(o.at("/oidc").has("front_channel_logout_url")).isFalse();
        assertThat(o.get("frontchannel_logout_uri").asString()).endsWith("/sso/" + org + "/cognigy-oidc/oidc/frontchannel-logout");
        // the document's default idpAdditionalScope, always requested
        assertThat(o.at("/oidc/scopes").toString()).contains("openid", "profile", "email", "offline_access");
        signInUrlExists(o);
        assertThat(api.get("/api/orgs/" + org + "/identity-providers/cognigy-saml", key).status()).isEqualTo(404);
    }

    @Test
    void cognigyEveryTokenEndpointAuthMethodAndIdTokenAlgorithmOfTheDocumentIsAccepted() {
        String[] methods = {"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
                "tls_client_auth", "self_signed_tls_client_auth", "none"};
        String[] algs = {"RS256", "RS384", "RS512", "HS256", "HS384", "HS512"};
        for (int i = 0; i < methods.length; i++) {
            String body = """
                    {"idpType": "oidc", "idpIssuer": "%s", "idpClientId": "c", "idpClientSecret": "s",
                     "idpTokenEndpointAuthMethod": "%s", "idpIdTokenSignedResponseAlg": "%s"}
                    """.formatted(discovery.issuer(), methods[i], algs[i % algs.length]);
            Reply r = postJson(COGNIGY, key, body);
            if (methods[i].contains("tls")) {
                // mutual TLS needs the client certificate, which Cognigy's document has no field for
                assertThat(r.status()).as(r.text()).isEqualTo(400);
                assertThat(r.json().at("/details").toString()).contains("client_certificate");
            } else {
                assertThat(r.status()).as(methods[i] + " " + r.text()).isEqualTo(204);
                assertThat(nativeIdp("cognigy-oidc").at("/oidc/token_endpoint_auth_method").asString())
                        .isEqualTo(methods[i]);
            }
        }
        for (String alg : algs) {
            Reply r = postJson(COGNIGY, key, """
                    {"idpType": "oidc", "idpIssuer": "%s", "idpClientId": "c", "idpClientSecret": "s",
                     "idpIdTokenSignedResponseAlg": "%s"}""".formatted(discovery.issuer(), alg));
            assertThat(r.status()).as(alg + " " + r.text()).isEqualTo(204);
        }
    }

    @Test
    void cognigyRefusesAFrontChannelLogoutUrlAndStoresNothing() {
        String body = """
                {"idpType": "oidc", "idpIssuer": "%s", "idpClientId": "c", "idpClientSecret": "s"%s}""";
        Reply refused = postJson(COGNIGY, key, body.formatted(discovery.issuer(),
                ", \"idpFrontChannelLogoutUrl\": \"https://idp.example.com/logout\""));
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("code").asString()).isEqualTo("1000");
        // Gatehouse serves front-channel logout itself: the message names where
        assertThat(refused.json().at("/details/idpFrontChannelLogoutUrl").asString())
                .contains("frontchannel_logout_uri");
        assertThat(api.get("/api/orgs/" + org + "/identity-providers/cognigy-oidc", key).status()).isEqualTo(404);
        // the twin without it is configured
        assertThat(postJson(COGNIGY, key, body.formatted(discovery.issuer(), "")).status()).isEqualTo(204);
    }

    @Test
    void cognigyDocumentedErrorsInCognigysShape() {
        Reply bad = postJson(COGNIGY, key, """
                {"idpType": "saml", "idpLoginEndpoint": "https://idp.example.com/sso",
                 "idpCertificate": "not a certificate"}""");
        assertThat(bad.status()).isEqualTo(400);
        JsonNode b = bad.json();
        assertThat(b.get("type").asString()).isEqualTo("Bad Request");
        assertThat(b.get("title").asString()).isEqualTo("Bad Request Error");
        assertThat(b.get("status").asInt()).isEqualTo(400);
        assertThat(b.get("code").asString()).isEqualTo("1000");
        assertThat(b.get("traceId").asString()).isEqualTo(bad.header("X-Trace-Id"));
        assertThat(b.get("instance").asString()).isEqualTo(COGNIGY);
        assertThat(b.at("/details/idpCertificate").asString()).contains("not a certificate");

        assertThat(postJson(COGNIGY, key, "{\"idpType\": \"ldap\"}").json().at("/details/idpType").asString())
                .contains("saml or oidc");
        assertThat(postJson(COGNIGY, key, "{\"idpType\": \"saml\", \"idpClientId\": \"x\"}").json()
                .at("/details/idpClientId").asString()).contains("not a field");
        assertThat(postJson(COGNIGY, key, "{\"idpType\": \"oidc\", \"idpIssuer\": \"%s\", \"idpClientId\": \"c\","
                .formatted(discovery.issuer()) + " \"idpClientSecret\": \"s\", \"idpIdTokenSignedResponseAlg\": \"ES256\"}")
                .status()).isEqualTo(400);

        Reply unauthorized = postJson(COGNIGY, null, cognigySamlRequest());
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.json().get("title").asString()).isEqualTo("Unauthorized Error");
        assertThat(unauthorized.json().get("code").asString()).isEqualTo("401");

        Reply forbidden = postJson(COGNIGY, createKey(org, "viewer"), cognigySamlRequest());
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("type").asString()).isEqualTo("Forbidden");

        String small = createOrg(uniqueOrgId("cog-quota"), true, 1);
        String smallKey = createKey(small, "idp_manager");
        assertThat(postJson(COGNIGY, smallKey, cognigySamlRequest()).status()).isEqualTo(204);
        Reply quota = postJson(COGNIGY, smallKey, """
                {"idpType": "oidc", "idpIssuer": "%s", "idpClientId": "c", "idpClientSecret": "s"}"""
                .formatted(discovery.issuer()));
        assertThat(quota.status()).as(quota.text()).isEqualTo(402);
        assertThat(quota.json().get("title").asString()).isEqualTo("Payment Required Error");

        Reply notFound = api.get("/compat/cognigy/v2.0/identityprovider/nothing", key);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().get("traceId").asString()).isNotBlank();
        Reply method = api.get(COGNIGY, key);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().get("title").asString()).isEqualTo("Method Not Allowed Error");
        Reply tooLarge = postJson(COGNIGY, key, "{\"idpType\": \"saml\", \"idpIssuer\": \"" + "x".repeat(1_100_000) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("title").asString()).isEqualTo("Payload Too Large Error");
        assertThat(countIdps(org)).isZero();
    }

    // ---------------------------------------------------------------- Keycloak-style

    private static final String GENERIC = "/compat/generic/api/identity-providers";

    @Test
    void genericOidcSampleAnswersWithMaskedConfigAndMapperCount() {
        Reply r = postJson(GENERIC, key, """
                {"alias": "okta-oidc", "display_name": "Okta", "provider_id": "oidc", "enabled": true,
                 "known_provider": "okta",
                 "oidc_config": {"authorization_url": "%1$s/authorize", "token_url": "%1$s/token",
                   "client_id": "0oa123", "client_secret": "s3cret", "user_info_url": "%1$s/userinfo",
                   "issuer": "%1$s", "default_scope": "openid email profile", "sync_mode": "INHERIT",
                   "validate_signature": true, "use_jwks_url": true, "pkce_enabled": false, "pkce_method": "S256"},
                 "mappers": [{"name": "first name", "identity_provider_mapper": "oidc-user-attribute-idp-mapper",
                   "id": "m1", "config": {"claim": "given_name", "user.attribute": "firstName"}},
                   {"name": "admins", "identity_provider_mapper": "oidc-role-idp-mapper",
                   "config": {"claim": "groups", "claim.value": "Admins", "role": "admin"}}]}
                """.formatted(discovery.issuer()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        JsonNode b = r.json();
        assertThat(b.get("alias").asString()).isEqualTo("okta-oidc");
        assertThat(b.get("display_name").asString()).isEqualTo("Okta");
        assertThat(b.get("provider_id").asString()).isEqualTo("oidc");
        assertThat(b.get("enabled").asBoolean()).isTrue();
        assertThat(b.get("known_provider").asString()).isEqualTo("okta");
        assertThat(b.get("internal_id").asString()).isNotBlank();
        assertThat(b.at("/config/client_secret").asString()).isEqualTo("**********");
        assertThat(b.at("/config/client_id").asString()).isEqualTo("0oa123");
        assertThat(b.at("/config/pkce_enabled").asBoolean()).isFalse();
        assertThat(b.get("mapper_count").asInt()).isEqualTo(2);
        assertThat(r.text()).doesNotContain("s3cret");
        assertThat(r.header("Location")).isEqualTo(GENERIC + "/okta-oidc");

        JsonNode idp = nativeIdp("okta-oidc");
        assertThat(idp.get("id").asString()).isEqualTo(b.get("internal_id").asString());
        assertThat(idp.at("/oidc/authorization_endpoint").asString()).isEqualTo(discovery.issuer() + "/authorize");
        assertThat(idp.at("/oidc/userinfo_endpoint").asString()).isEqualTo(discovery.issuer() + "/userinfo");
        assertThat(idp.at("/oidc/pkce").asString()).isEqualTo("disabled");
        assertThat(idp.at("/mappers/0/source").asString()).isEqualTo("given_name");
        assertThat(idp.at("/mappers/0/target").asString()).isEqualTo("given_name");
        assertThat(idp.at("/mappers/1/value_map/Admins").asString()).isEqualTo("admin");
        signInUrlExists(idp);
        assertThat(api.get(GENERIC + "/okta-oidc", key).json()).isEqualTo(b);
    }

    @Test
    void genericSamlSampleWithoutAnEntityIdIsAcceptedWithAWarning() {
        Reply r = postJson(GENERIC, key, """
                {"alias": "adfs", "display_name": "ADFS", "provider_id": "saml",
                 "saml_config": {"single_sign_on_service_url": "https://adfs.acme.com/adfs/ls/",
                   "single_logout_service_url": "https://adfs.acme.com/adfs/ls/?wa=wsignout1.0",
                   "name_id_policy_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                   "signing_certificate": "%s", "want_authn_requests_signed": true,
                   "post_binding_authn_request": true, "post_binding_response": true, "sync_mode": "FORCE"}}
                """.formatted(TestCertificates.base64(SIGNING.certificate())));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/config/sync_mode").asString()).isEqualTo("FORCE");
        JsonNode idp = nativeIdp("adfs");
        assertThat(idp.at("/saml/sso_binding").asString()).isEqualTo("post");
        assertThat(idp.at("/saml/sign_authn_requests").asBoolean()).isTrue();
        assertThat(idp.at("/saml/name_id_format").asString()).endsWith(":persistent");
        assertThat(idp.at("/provisioning/sync_mode").asString()).isEqualTo("force");
        assertThat(idp.get("warnings").toString()).contains("entity ID is not set");
        signInUrlExists(idp);
    }

    @Test
    void genericErrorsNameTheSeedsFields() {
        Reply missing = postJson(GENERIC, key, """
                {"alias": "x1", "display_name": "X", "provider_id": "oidc",
                 "oidc_config": {"issuer": "%s", "validate_signature": false}}""".formatted(discovery.issuer()));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.errorCodes()).containsExactly("oidc_config.validate_signature:not_allowed");
        Reply noClient = postJson(GENERIC, key, """
                {"alias": "x1", "display_name": "X", "provider_id": "oidc", "oidc_config": {"issuer": "%s"}}"""
                .formatted(discovery.issuer()));
        assertThat(noClient.errorCodes()).contains("oidc_config.client_id:required");
        Reply typo = postJson(GENERIC, key, """
                {"alias": "x2", "display_name": "X", "provider_id": "saml", "saml_config": {"sso_url": "x"}}""");
        assertThat(typo.errorCodes()).contains("saml_config.sso_url:unknown_field");
        Reply mapper = postJson(GENERIC, key, """
                {"alias": "x3", "display_name": "X", "provider_id": "oidc",
                 "oidc_config": {"issuer": "%s", "client_id": "c", "client_secret": "s"},
                 "mappers": [{"name": "m", "identity_provider_mapper": "script-mapper", "config": {}}]}"""
                .formatted(discovery.issuer()));
        assertThat(mapper.errorCodes()).containsExactly("mappers[0].identity_provider_mapper:invalid_value");
        String ok = """
                {"alias": "dup", "display_name": "X", "provider_id": "oidc",
                 "oidc_config": {"issuer": "%s", "client_id": "c", "client_secret": "s"}}""".formatted(discovery.issuer());
        assertThat(postJson(GENERIC, key, ok).status()).isEqualTo(201);
        Reply taken = postJson(GENERIC, key, ok);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("code").asString()).isEqualTo("alias_taken");
        assertThat(countIdps(org)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- Checkmarx

    /** A multipart/form-data body as curl -F sends it. */
    private static final class Form {
        private final String boundary = "----gatehouse" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Form field(String name, String value) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
            return this;
        }

        Form file(String name, String filename, byte[] content) {
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/x-x509-ca-cert\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        byte[] body() {
            write("--" + boundary + "--\r\n");
            return out.toByteArray();
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final String CHECKMARX = "/compat/checkmarx/cxrestapi/auth/SamlIdentityProviders";

    private Form checkmarxSample(byte[] certificate) {
        return new Form().file("CertificateFile", "idp.cer", certificate)
                .field("Active", "true").field("Name", "Acme Okta").field("Issuer", "http://www.okta.com/exk1")
                .field("LoginUrl", "https://acme.okta.com/app/cx/sso/saml")
                .field("LogoutUrl", "https://cx.acme.com/logged-out").field("ErrorUrl", "https://cx.acme.com/sso-error")
                .field("SignAuthnRequest", "true").field("AuthnRequestBinding", "HTTP-Post")
                .field("IsManualManagement", "false").field("DefaultTeamId", "5").field("DefaultRoleId", "2");
    }

    private Reply checkmarxPost(String credential, Form form) {
        return api.send("POST", CHECKMARX, credential, form.contentType(), form.body());
    }

    @Test
    void checkmarxMultipartWithACertificateFileAnswers201WithLocationAndNoBody() throws Exception {
        Reply r = checkmarxPost(key, checkmarxSample(SIGNING.certificate().getEncoded()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.text()).isEmpty();
        String location = r.header("Location");
        assertThat(location).startsWith(CHECKMARX + "/");

        Reply one = api.get(location, key);
        assertThat(one.status()).isEqualTo(200);
        JsonNode v = one.json();
        assertThat(v.get("name").asString()).isEqualTo("Acme Okta");
        assertThat(v.get("authnRequestBinding").asString()).isEqualTo("HTTP-Post");
        assertThat(v.get("isManualManagement").asBoolean()).isFalse();
        assertThat(v.get("defaultTeamId").asInt()).isEqualTo(5);
        assertThat(v.get("defaultRoleId").asInt()).isEqualTo(2);
        assertThat(v.get("certificateSubject").asString()).isEqualTo("CN=compat-idp");
        Reply all = api.get(CHECKMARX, key);
        assertThat(all.json().size()).isEqualTo(1);
        assertThat(all.json().get(0)).isEqualTo(v);

        JsonNode idp = nativeIdp("acme-okta");
        assertThat(idp.get("id").asString()).isEqualTo(location.substring(CHECKMARX.length() + 1));
        assertThat(idp.at("/saml/entity_id").asString()).isEqualTo("http://www.okta.com/exk1");
        assertThat(idp.at("/saml/sso_binding").asString()).isEqualTo("post");
        assertThat(idp.at("/saml/sign_authn_requests").asBoolean()).isTrue();
        assertThat(idp.get("logout_redirect_url").asString()).isEqualTo("https://cx.acme.com/logged-out");
        assertThat(idp.get("error_url").asString()).isEqualTo("https://cx.acme.com/sso-error");
        assertThat(idp.at("/provisioning/role_management").asString()).isEqualTo("idp");
        assertThat(idp.at("/provisioning/default_team").asString()).isEqualTo("5");
        assertThat(idp.at("/provisioning/default_role").asString()).isEqualTo("2");
        signInUrlExists(idp);

        // the same name again gets a fresh alias; a PEM file works too
        Reply second = checkmarxPost(key, checkmarxSample(TestCertificates.pem(SIGNING.certificate()).getBytes(StandardCharsets.UTF_8)));
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(nativeIdp("acme-okta-2").get("display_name").asString()).isEqualTo("Acme Okta");
    }

    @Test
    void checkmarxDocumentedErrors() throws Exception {
        Reply noFile = checkmarxPost(key, new Form().field("Name", "X").field("LoginUrl", "https://x.example.com/sso"));
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.json().get("messageDetails").asString()).contains("CertificateFile");
        assertThat(noFile.json().get("messageCode").isNumber()).isTrue();

        Reply garbage = checkmarxPost(key, checkmarxSample("not a certificate".getBytes(StandardCharsets.UTF_8)));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("messageDetails").asString()).contains("CertificateFile");

        Reply json = postJson(CHECKMARX, key, "{\"Name\": \"X\"}");
        assertThat(json.status()).isEqualTo(400);

        Reply unauthorized = checkmarxPost("wrong-key", checkmarxSample(SIGNING.certificate().getEncoded()));
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.json().has("messageDetails")).isTrue();

        Reply forbidden = checkmarxPost(createKey(org, "viewer"), checkmarxSample(SIGNING.certificate().getEncoded()));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().get("messageDetails").asString()).contains("Manage Authentication Providers");
        assertThat(countIdps(org)).isZero();
        assertThat(api.get(CHECKMARX + "/" + UUID.randomUUID(), key).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- Recomly

    private static final String RECOMLY = "/compat/recomly/app/sso/providers";

    private String recomlySamlRequest(String domains, String xml) {
        return """
                {"providerType": "SAML", "name": "Acme SAML", "domains": %s, "samlMetadataXml": %s}"""
                .formatted(domains, ApiClient.JSON.writeValueAsString(xml));
    }

    @Test
    void recomlySamlFromFederationMetadata() {
        String d1 = uniqueDomain();
        String d2 = uniqueDomain();
        String xml = TestIdpMetadata.okta("http://www.okta.com/exkRecomly", SIGNING.certificate());
        Reply r = postJson(RECOMLY, key, recomlySamlRequest("[\"" + d1 + "\", \"" + d2 + "\"]", xml));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        JsonNode b = r.json();
        assertThat(b.get("providerId").asString()).isNotBlank();
        assertThat(b.get("name").asString()).isEqualTo("Acme SAML");
        assertThat(b.get("providerType").asString()).isEqualTo("SAML");
        assertThat(b.get("enabled").asBoolean()).isTrue();
        assertThat(b.get("domains").toString()).isEqualTo("[\"" + d1 + "\",\"" + d2 + "\"]");
        assertThat(b.get("samlMetadataXml").asString()).isEqualTo(xml);
        assertThat(b.get("idpLogoutUrl").asString()).isEqualTo("https://acme.okta.com/app/acme_gatehouse/exk1/slo/saml");
        assertThat(b.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(b.get("updatedAt").asString()).isEqualTo(b.get("createdAt").asString());
        assertThat(b.get("cognitoProviderName").asString()).isEqualTo(org + "/acme-saml");
        JsonNode idp = nativeIdp("acme-saml");
        assertThat(idp.get("id").asString()).isEqualTo(b.get("providerId").asString());
        assertThat(idp.at("/saml/idp/entity_id").asString()).isEqualTo("http://www.okta.com/exkRecomly");
        signInUrlExists(idp);
    }

    @Test
    void recomlyOidcWithEveryEndpointAndTheLogoutUrlFromDiscovery() {
        String i = discovery.issuer();
        Reply r = postJson(RECOMLY, key, """
                {"providerType": "OIDC", "name": "Acme OIDC", "domains": ["%s"],
                 "oidc": {"issuer": "%s", "clientId": "0oabc123def456ghi789", "clientSecret": "your-client-secret",
                   "authorizationEndpoint": "%2$s/oauth2/v1/authorize", "tokenEndpoint": "%2$s/oauth2/v1/token",
                   "userInfoEndpoint": "%2$s/oauth2/v1/userinfo", "jwksUri": "%2$s/oauth2/v1/keys"}}"""
                .formatted(uniqueDomain(), i));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("providerType").asString()).isEqualTo("OIDC");
        assertThat(r.json().get("oidcIssuer").asString()).isEqualTo(i);
        assertThat(r.json().get("oidcClientId").asString()).isEqualTo("0oabc123def456ghi789");
        assertThat(r.json().get("idpLogoutUrl").asString()).isEqualTo(i + "/logout");
        assertThat(r.text()).doesNotContain("your-client-secret");
        JsonNode idp = nativeIdp("acme-oidc");
        assertThat(idp.at("/oidc/token_endpoint").asString()).isEqualTo(i + "/oauth2/v1/token");
        assertThat(idp.at("/oidc/client_secret").asString()).isEqualTo("**********");
        signInUrlExists(idp);
    }

    @Test
    void recomlyDocumentedErrors() {
        String xml = TestIdpMetadata.okta("http://www.okta.com/x", SIGNING.certificate());
        Reply six = postJson(RECOMLY, key, recomlySamlRequest("[\"a1.example.com\",\"a2.example.com\",\"a3.example.com\","
                + "\"a4.example.com\",\"a5.example.com\",\"a6.example.com\"]", xml));
        assertThat(six.status()).isEqualTo(400);
        assertThat(six.json().get("error").asString()).contains("domains");
        Reply none = postJson(RECOMLY, key, recomlySamlRequest("[]", xml));
        assertThat(none.status()).isEqualTo(400);
        Reply huge = postJson(RECOMLY, key, recomlySamlRequest("[\"" + uniqueDomain() + "\"]", xml + " ".repeat(50_001)));
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.json().get("error").asString()).contains("samlMetadataXml", "50000");
        String expired = TestIdpMetadata.okta("http://www.okta.com/x", TestCertificates.expired("old").certificate());
        Reply expiredCert = postJson(RECOMLY, key, recomlySamlRequest("[\"" + uniqueDomain() + "\"]", expired));
        assertThat(expiredCert.status()).isEqualTo(400);
        assertThat(expiredCert.json().get("error").asString()).contains("samlMetadataXml").contains("expired");
        Reply notXml = postJson(RECOMLY, key, recomlySamlRequest("[\"" + uniqueDomain() + "\"]", "<html/>"));
        assertThat(notXml.status()).isEqualTo(400);
        Reply oidcMissing = postJson(RECOMLY, key, """
                {"providerType": "OIDC", "name": "X", "domains": ["%s"], "oidc": {"issuer": "%s"}}"""
                .formatted(uniqueDomain(), discovery.issuer()));
        assertThat(oidcMissing.status()).isEqualTo(400);
        assertThat(oidcMissing.json().get("error").asString()).contains("oidc.clientId", "oidc.jwksUri");

        String noSso = createOrg(uniqueOrgId("rec-nosso"), false, 10);
        Reply plan = postJson(RECOMLY, createKey(noSso, "org_admin"), recomlySamlRequest("[\"" + uniqueDomain() + "\"]", xml));
        assertThat(plan.status()).isEqualTo(403);
        assertThat(plan.json().get("error").asString()).isNotBlank();
        Reply role = postJson(RECOMLY, createKey(org, "viewer"), recomlySamlRequest("[\"" + uniqueDomain() + "\"]", xml));
        assertThat(role.status()).isEqualTo(403);

        String used = uniqueDomain();
        assertThat(postJson(RECOMLY, key, recomlySamlRequest("[\"" + used + "\"]", xml)).status()).isEqualTo(201);
        String other = createOrg(uniqueOrgId("rec-other"));
        Reply taken = postJson(RECOMLY, createKey(other, "org_admin"), recomlySamlRequest("[\"" + used + "\"]", xml));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("error").asString()).contains(used);
        assertThat(countIdps(other)).isZero();
        assertThat(countIdps(org)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- Telnyx

    private static final String TELNYX = "/compat/telnyx/authentication_providers";

    @Test
    void telnyxSettingsByFingerprintAnswer200WithTheSpsUrls() {
        X509Certificate cert = SIGNING.certificate();
        String fingerprint = TelnyxEndpoint.colons(FingerprintAlgorithm.SHA256.fingerprint(cert));
        Reply r = postJson(TELNYX, key, """
                {"name": "Okta", "short_name": "myorg", "active": true,
                 "settings": {"idp_entity_id": "http://www.okta.com/exkTelnyx",
                   "idp_sso_target_url": "https://acme.okta.com/app/telnyx/sso/saml",
                   "idp_cert_fingerprint": "%s", "idp_cert_fingerprint_algorithm": "sha256"}}""".formatted(fingerprint));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode d = r.json().get("data");
        assertThat(d.get("record_type").asString()).isEqualTo("authentication_provider");
        assertThat(d.get("name").asString()).isEqualTo("Okta");
        assertThat(d.get("short_name").asString()).isEqualTo("myorg");
        assertThat(d.get("organization_id").asString()).isEqualTo(org);
        assertThat(d.get("active").asBoolean()).isTrue();
        assertThat(d.at("/settings/idp_cert_fingerprint").asString()).isEqualTo(fingerprint);
        assertThat(d.at("/settings/idp_cert_fingerprint_algorithm").asString()).isEqualTo("sha256");
        assertThat(d.at("/settings/idp_entity_id").asString()).isEqualTo("http://www.okta.com/exkTelnyx");
        assertThat(d.at("/settings/name_identifier_format").asString()).startsWith("urn:oasis:names:tc:SAML:");
        assertThat(d.get("created_at").asString()).endsWith("Z");
        JsonNode idp = nativeIdp("myorg");
        assertThat(d.get("id").asString()).isEqualTo(idp.get("id").asString());
        assertThat(d.at("/settings/assertion_consumer_service_url").asString()).isEqualTo(idp.at("/sp/acs_url").asString());
        assertThat(d.at("/settings/service_provider_entity_id").asString()).isEqualTo(idp.at("/sp/entity_id").asString());
        // short_name is the alias, so part of the login URL
        signInUrlExists(idp);

        // the algorithm defaults to sha1, as the document says
        Reply sha1 = postJson(TELNYX, key, """
                {"name": "Old", "short_name": "old-adfs",
                 "settings": {"idp_entity_id": "http://adfs.acme.com/adfs/services/trust",
                   "idp_sso_target_url": "https://adfs.acme.com/adfs/ls/",
                   "idp_cert_fingerprint": "%s"}}""".formatted(FingerprintAlgorithm.SHA1.fingerprint(cert)));
        assertThat(sha1.status()).as(sha1.text()).isEqualTo(200);
        assertThat(sha1.json().at("/data/settings/idp_cert_fingerprint_algorithm").asString()).isEqualTo("sha1");
        assertThat(nativeIdp("old-adfs").at("/saml/cert_fingerprint_algorithm").asString()).isEqualTo("sha1");
    }

    @Test
    void telnyxSettingsUrlFillsTheSettingsFromMetadata() throws Exception {
        byte[] xml = TestIdpMetadata.okta("http://www.okta.com/exkUrl", SIGNING.certificate())
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata", exchange -> {
            exchange.sendResponseHeaders(200, xml.length);
            exchange.getResponseBody().write(xml);
            exchange.close();
        });
        server.start();
        try {
            Reply r = postJson(TELNYX, key, """
                    {"name": "By URL", "short_name": "by-url", "settings_url": "http://127.0.0.1:%d/metadata"}"""
                    .formatted(server.getAddress().getPort()));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            JsonNode s = r.json().at("/data/settings");
            assertThat(s.get("idp_entity_id").asString()).isEqualTo("http://www.okta.com/exkUrl");
            assertThat(s.get("idp_sso_target_url").asString()).isEqualTo("https://acme.okta.com/app/acme_gatehouse/exk1/sso/saml");
            assertThat(s.get("idp_cert_fingerprint").asString())
                    .isEqualTo(TelnyxEndpoint.colons(FingerprintAlgorithm.SHA256.fingerprint(SIGNING.certificate())));
            assertThat(nativeIdp("by-url").at("/saml/metadata_url").asString()).endsWith("/metadata");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void telnyxErrorsAre422InTelnyxsShape() {
        Reply none = postJson(TELNYX, key, "{\"name\": \"X\", \"short_name\": \"x-none\"}");
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.json().at("/errors/0/source/pointer").asString()).isEqualTo("/settings");
        Reply bad = postJson(TELNYX, key, """
                {"name": "X", "short_name": "Not Valid!",
                 "settings": {"idp_entity_id": "e", "idp_sso_target_url": "https://x.example.com/sso",
                   "idp_cert_fingerprint": "zz", "idp_cert_fingerprint_algorithm": "md5"}}""");
        assertThat(bad.status()).isEqualTo(422);
        Map<String, String> pointers = new LinkedHashMap<>();
        bad.json().get("errors").forEach(e -> pointers.put(e.at("/source/pointer").asString(), e.get("code").asString()));
        assertThat(pointers).containsKeys("/short_name", "/settings/idp_cert_fingerprint_algorithm");
        String ok = """
                {"name": "X", "short_name": "taken",
                 "settings": {"idp_entity_id": "e", "idp_sso_target_url": "https://x.example.com/sso",
                   "idp_cert_fingerprint": "%s"}}""".formatted(FingerprintAlgorithm.SHA1.fingerprint(SIGNING.certificate()));
        assertThat(postJson(TELNYX, key, ok).status()).isEqualTo(200);
        Reply taken = postJson(TELNYX, key, ok);
        assertThat(taken.status()).isEqualTo(422);
        assertThat(taken.json().at("/errors/0/source/pointer").asString()).isEqualTo("/short_name");
        Reply unauthorized = postJson(TELNYX, null, ok);
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.json().at("/errors/0/code").asString()).isEqualTo("unauthorized");
        assertThat(countIdps(org)).isEqualTo(1);
    }

    @Test
    void thePlatformKeyNamesTheOrgAndOrgKeysStayInTheirOrg() {
        String body = """
                {"name": "P", "short_name": "platform-made",
                 "settings": {"idp_entity_id": "e", "idp_sso_target_url": "https://x.example.com/sso",
                   "idp_cert_fingerprint": "%s"}}""".formatted(FingerprintAlgorithm.SHA1.fingerprint(SIGNING.certificate()));
        assertThat(postJson("/compat/telnyx/authentication_providers", ADMIN, body).status()).isEqualTo(403);
        Reply r = postJson("/compat/telnyx/authentication_providers", ADMIN, body, "X-Gatehouse-Org", org);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/data/organization_id").asString()).isEqualTo(org);
    }
}
