package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.testkit.ApiClient;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The reader under production rules (no private-network fetching): https and public addresses only. */
class IdentityProviderReaderTest {
    private final IdentityProviderReader production = new IdentityProviderReader(false);
    private final IdentityProviderReader development = new IdentityProviderReader(true);

    private static ObjectNode oidc(String issuer) {
        return ApiClient.parse("""
                {"alias": "x1", "display_name": "X", "protocol": "oidc",
                 "oidc": {"issuer": "%s", "client_id": "c", "client_secret": "s",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"}}""".formatted(issuer));
    }

    private List<String> codes(IdentityProviderReader reader, ObjectNode body) {
        try {
            reader.read(body, Instant.now());
            return List.of();
        } catch (ProblemException e) {
            return e.errors().stream().map(f -> f.field() + ":" + f.code()).toList();
        }
    }

    @Test
    void httpsIsRequiredInProduction() {
        assertThat(codes(production, oidc("https://idp.example.com"))).isEmpty();
        assertThat(codes(production, oidc("http://idp.example.com"))).containsExactly("oidc.issuer:https_required");
        assertThat(codes(development, oidc("http://idp.example.com"))).isEmpty();
    }

    @Test
    void privateAndLoopbackAddressesAreRefusedInProduction() {
        for (String host : List.of("127.0.0.1", "localhost", "10.0.0.8", "192.168.1.1", "169.254.169.254", "[::1]",
                "[fd00::1]", "0.0.0.0", "100.64.0.1", "metadata.internal", "[64:ff9b::a9fe:a9fe]", "[2002:a00:1::1]",
                "[::10.0.0.1]", "[::ffff:10.0.0.1]", "198.18.0.1", "240.0.0.1", "0.1.2.3", "localhost.", "2130706433")) {
            assertThat(codes(production, oidc("https://" + host))).as(host)
                    .containsExactly("oidc.issuer:private_address");
            assertThat(codes(development, oidc("https://" + host))).as(host).isEmpty();
        }
    }

    @Test
    void publicAddressesInTheSameSpellingsAreAccepted() {
        for (String host : List.of("93.184.216.34", "[2606:2800:220:1::1]", "[64:ff9b::5db8:d822]", "[2002:5db8:d822::1]",
                "[::ffff:93.184.216.34]", "idp.example.com.")) {
            assertThat(codes(production, oidc("https://" + host))).as(host).isEmpty();
        }
    }

    @Test
    void samlBrowserUrlsFollowTheSameRule() {
        ObjectNode saml = ApiClient.parse("""
                {"alias": "s1", "display_name": "S", "protocol": "saml",
                 "saml": {"entity_id": "https://idp.example.com", "sso_url": "http://idp.example.com/sso",
                          "cert_fingerprint": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",
                          "cert_fingerprint_algorithm": "sha1"}}""");
        assertThat(codes(production, saml)).containsExactly("saml.sso_url:https_required");
        ((ObjectNode) saml.get("saml")).put("sso_url", "https://idp.example.com/sso");
        assertThat(codes(production, saml)).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ObjectNode body = ApiClient.parse("""
                {"alias": "", "display_name": 5, "protocol": "oidc", "bogus": true,
                 "oidc": {"issuer": "ftp://x", "token_endpoint_auth_method": "nope"}}""");
        assertThatThrownBy(() -> production.read(body, Instant.now()))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .contains("alias", "display_name", "bogus", "oidc.issuer", "oidc.client_id",
                                "oidc.token_endpoint_auth_method"));
    }
}
