package io.gatehouse.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.RawHttp;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestIdpMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input at the seeds' endpoints: the role is checked before the body is read, bodies that once
 * ended in a NullPointerException are refused in the seed's shape, and the native rules (issuer,
 * SSO URL, domains) reach every seed from their one place.
 */
abstract class CompatibilityBadInputTests extends ApiTest {
    private static final KeyAndCertificate SIGNING = TestCertificates.valid("compat-bad-input");
    private static final String COGNIGY = "/compat/cognigy/v2.0/identityprovider/configure";
    private static final String GENERIC = "/compat/generic/api/identity-providers";
    private static final String CHECKMARX = "/compat/checkmarx/cxrestapi/auth/SamlIdentityProviders";
    private static final String RECOMLY = "/compat/recomly/app/sso/providers";
    private static final String TELNYX = "/compat/telnyx/authentication_providers";
    private String org;
    private String manager;
    private String viewer;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("compat-bad"));
        manager = createKey(org, "idp_manager");
        viewer = createKey(org, "viewer");
    }

    private Reply postJson(String path, String credential, String json) {
        return api.send("POST", path, credential, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String multipartBoundary() {
        return "----gatehouse-bad-input";
    }

    /** A Checkmarx form with a name but no CertificateFile: invalid for the document. */
    private Reply checkmarxWithoutFile(String credential) {
        String body = "--" + multipartBoundary() + "\r\nContent-Disposition: form-data; name=\"Name\"\r\n\r\nX\r\n"
                + "--" + multipartBoundary() + "--\r\n";
        return api.send("POST", CHECKMARX, credential, "multipart/form-data; boundary=" + multipartBoundary(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aViewerIsRefusedWith403WhateverTheBody() {
        // each seed's invalid body: the manager's answer (the twin) shows that it is invalid
        Map<String, String> invalid = Map.of(
                COGNIGY, "{\"idpType\": \"ldap\"}",
                GENERIC, "{\"provider_id\": \"oidc\", \"oidc_config\": \"x\"}",
                RECOMLY, "{\"providerType\": \"OIDC\", \"oidc\": {}}",
                TELNYX, "{\"settings\": {}}");
        for (Map.Entry<String, String> e : invalid.entrySet()) {
            Reply asManager = postJson(e.getKey(), manager, e.getValue());
            assertThat(asManager.status()).as(e.getKey() + " " + asManager.text()).isIn(400, 422);
            for (String body : List.of(e.getValue(), "{", "")) {
                Reply asViewer = postJson(e.getKey(), viewer, body);
                assertThat(asViewer.status()).as(e.getKey() + " " + body + " " + asViewer.text()).isEqualTo(403);
            }
            Reply wrongType = api.send("POST", e.getKey(), viewer, "text/plain", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(wrongType.status()).as(e.getKey()).isEqualTo(403);
        }
        assertThat(postJson(COGNIGY, viewer, "{").json().get("type").asString()).isEqualTo("Forbidden");
        assertThat(postJson(GENERIC, viewer, "{").json().get("code").asString()).isEqualTo("forbidden");
        assertThat(postJson(RECOMLY, viewer, "{").json().get("code").asString()).isEqualTo("forbidden");
        assertThat(postJson(TELNYX, viewer, "{").json().at("/errors/0/code").asString()).isEqualTo("forbidden");

        assertThat(checkmarxWithoutFile(manager).status()).isEqualTo(400);
        Reply checkmarx = checkmarxWithoutFile(viewer);
        assertThat(checkmarx.status()).isEqualTo(403);
        assertThat(checkmarx.json().get("messageCode").asString()).startsWith("403");
        assertThat(postJson(CHECKMARX, viewer, "{}").status()).isEqualTo(403);
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void telnyxEmptySettingsAndRecomlyEmptyOidcAreRefusedInTheSeedsShape() {
        Reply telnyx = postJson(TELNYX, manager, "{\"settings\": {}}");
        assertThat(telnyx.status()).as(telnyx.text()).isEqualTo(422);
        List<String> pointers = new ArrayList<>();
        telnyx.json().get("errors").forEach(e -> pointers.add(e.at("/source/pointer").asString() + ":"
                + e.get("code").asString()));
        assertThat(pointers).contains("/name:required", "/short_name:required", "/settings/idp_entity_id:required",
                "/settings/idp_sso_target_url:required", "/settings/idp_cert_fingerprint:required");
        Reply recomly = postJson(RECOMLY, manager, "{\"providerType\": \"OIDC\", \"name\": \"X\", \"domains\": [\""
                + uniqueDomain() + "\"], \"oidc\": {}}");
        assertThat(recomly.status()).as(recomly.text()).isEqualTo(400);
        assertThat(recomly.json().get("code").asString()).isEqualTo("validation_failed");
        assertThat(recomly.json().get("error").asString()).contains("oidc.issuer", "oidc.jwksUri");
        // the twin: the same Telnyx settings filled in
        Reply filled = postJson(TELNYX, manager, telnyx("filled", "https://idp.example.com/sso"));
        assertThat(filled.status()).as(filled.text()).isEqualTo(200);
        assertThat(countIdps(org)).isEqualTo(1);
    }

    private static String telnyx(String shortName, String ssoUrl) {
        return """
                {"name": "T", "short_name": "%s",
                 "settings": {"idp_entity_id": "https://idp.example.com", "idp_sso_target_url": "%s",
                   "idp_cert_fingerprint": "%s"}}""".formatted(shortName, ssoUrl,
                FingerprintAlgorithm.SHA1.fingerprint(SIGNING.certificate()));
    }

    private static String genericSaml(String alias, String ssoUrl) {
        return """
                {"alias": "%s", "display_name": "G", "provider_id": "saml",
                 "saml_config": {"idp_entity_id": "https://idp.example.com", "single_sign_on_service_url": "%s",
                   "signing_certificate": "%s"}}""".formatted(alias, ssoUrl, TestCertificates.base64(SIGNING.certificate()));
    }

    private static String cognigySaml(String ssoUrl) {
        return """
                {"idpType": "saml", "idpIssuer": "https://idp.example.com", "idpLoginEndpoint": "%s",
                 "idpCertificate": "%s"}""".formatted(ssoUrl, TestCertificates.base64(SIGNING.certificate()));
    }

    @Test
    void theNativeRulesReachEverySeed() {
        String carried = "https://idp.example.com/sso?RelayState=x";
        Reply telnyx = postJson(TELNYX, manager, telnyx("relay", carried));
        assertThat(telnyx.status()).isEqualTo(422);
        assertThat(telnyx.json().at("/errors/0/source/pointer").asString()).isEqualTo("/settings/idp_sso_target_url");
        assertThat(telnyx.json().at("/errors/0/code").asString()).isEqualTo("binding_parameter_in_url");

        Reply generic = postJson(GENERIC, manager, genericSaml("relay", carried));
        assertThat(generic.status()).isEqualTo(422);
        assertThat(generic.errorCodes()).containsExactly("saml_config.single_sign_on_service_url:binding_parameter_in_url");
        Reply issuer = postJson(GENERIC, manager, """
                {"alias": "query-issuer", "display_name": "Q", "provider_id": "oidc",
                 "oidc_config": {"issuer": "https://idp.example.com?tenant=a", "client_id": "c", "client_secret": "s",
                   "authorization_url": "https://idp.example.com/a", "token_url": "https://idp.example.com/t",
                   "jwks_url": "https://idp.example.com/k"}}""");
        assertThat(issuer.status()).isEqualTo(422);
        assertThat(issuer.errorCodes()).containsExactly("oidc_config.issuer:invalid_issuer");

        Reply cognigy = postJson(COGNIGY, manager, cognigySaml(carried));
        assertThat(cognigy.status()).isEqualTo(400);
        assertThat(cognigy.json().at("/details").propertyNames()).containsExactly("idpLoginEndpoint");

        String xml = TestIdpMetadata.okta("http://www.okta.com/exkBadInput", SIGNING.certificate());
        Reply recomly = postJson(RECOMLY, manager, """
                {"providerType": "SAML", "name": "R", "domains": ["gmail.com"], "samlMetadataXml": %s}"""
                .formatted(io.gatehouse.testkit.ApiClient.JSON.writeValueAsString(xml)));
        assertThat(recomly.status()).isEqualTo(400);
        assertThat(recomly.json().get("error").asString()).startsWith("domains[0] ");
        assertThat(countIdps(org)).isZero();

        // the twins, without the carried parameter or the consumer domain
        assertThat(postJson(TELNYX, manager, telnyx("plain", "https://idp.example.com/sso")).status()).isEqualTo(200);
        assertThat(postJson(GENERIC, manager, genericSaml("plain-generic", "https://idp.example.com/sso")).status())
                .isEqualTo(201);
        assertThat(postJson(COGNIGY, manager, cognigySaml("https://idp.example.com/sso")).status()).isEqualTo(204);
        assertThat(postJson(RECOMLY, manager, """
                {"providerType": "SAML", "name": "R", "domains": ["%s"], "samlMetadataXml": %s}"""
                .formatted(uniqueDomain(), io.gatehouse.testkit.ApiClient.JSON.writeValueAsString(xml))).status())
                .isEqualTo(201);
        assertThat(countIdps(org)).isEqualTo(4);
    }

    @Test
    void aMalformedEscapeIs400InEachSeedsShape() {
        RawHttp raw = new RawHttp(port);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, java.util.function.Function<Reply, String>> codeOf = Map.of(
                COGNIGY, r -> r.json().get("type").asString(),
                GENERIC, r -> r.json().get("code").asString(),
                CHECKMARX, r -> r.json().get("messageCode").asString(),
                RECOMLY, r -> r.json().get("code").asString(),
                TELNYX, r -> r.json().at("/errors/0/code").asString());
        Map<String, String> expected = Map.of(COGNIGY, "Bad Request", GENERIC, "malformed_parameters",
                CHECKMARX, String.valueOf(400 * 100 + ErrorCode.MALFORMED_PARAMETERS.ordinal()),
                RECOMLY, "malformed_parameters", TELNYX, "malformed_parameters");
        for (String path : codeOf.keySet()) {
            Reply r = raw.send("POST", path + "?api_key=%zz", "application/json", body);
            assertThat(r.status()).as(path + " " + r.text()).isEqualTo(400);
            assertThat(codeOf.get(path).apply(r)).as(path).isEqualTo(expected.get(path));
            Reply twin = raw.send("POST", path + "?api_key=%25zz", "application/json", body);
            assertThat(twin.status()).as(path + " twin " + twin.text()).isEqualTo(401);
        }
    }

    /** A Checkmarx form as curl -F sends it, with the signing certificate and the given Issuer. */
    private Reply checkmarxWithIssuer(String issuer) throws Exception {
        String b = multipartBoundary();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("--" + b + "\r\nContent-Disposition: form-data; name=\"CertificateFile\"; filename=\"idp.cer\"\r\n"
                + "Content-Type: application/x-x509-ca-cert\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(SIGNING.certificate().getEncoded());
        for (String[] field : new String[][] {{"Name", "Cx " + java.util.UUID.randomUUID()},
                {"LoginUrl", "https://idp.example.com/sso"}, {"Issuer", issuer}}) {
            out.writeBytes(("\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1]).getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return api.send("POST", CHECKMARX, manager, "multipart/form-data; boundary=" + b, out.toByteArray());
    }

    @Test
    void aNulCharacterInAMultipartFieldIsRefused() throws Exception {
        // multipart fields do not pass the edge's parameter check; the model's reader refuses them
        Reply nul = checkmarxWithIssuer("https://idp.example.com/\u0000");
        assertThat(nul.status()).as(nul.text()).isEqualTo(400);
        assertThat(nul.json().get("messageDetails").asString()).startsWith("Issuer: ");
        assertThat(countIdps(org)).isZero();
        Reply twin = checkmarxWithIssuer("https://idp.example.com/");
        assertThat(twin.status()).as(twin.text()).isEqualTo(201);
    }
}
