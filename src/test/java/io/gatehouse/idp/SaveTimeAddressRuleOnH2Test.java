package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnGuardedH2;
import io.gatehouse.testkit.TestCertificates;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the API with production's rules: a provider whose URLs name a local address (in any of
 * the spellings the fetcher refuses) is refused when saved, with 422 and private_address, and
 * nothing is stored; the same provider with a public host is created.
 */
@OnGuardedH2
class SaveTimeAddressRuleOnH2Test extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("save-time-address-idp");
    private String org;
    private String key;

    @BeforeEach
    void org() {
        org = createOrg(uniqueOrgId("addresses"));
        key = createKey(org, "idp_manager");
    }

    private Reply saml(String alias, String ssoUrl) {
        return api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "%s", "display_name": "Acme", "protocol": "saml",
                 "saml": {"entity_id": "https://idp.acme.example/%s", "sso_url": "%s", "certificates": ["%s"]}}"""
                .formatted(alias, alias, ssoUrl, TestCertificates.base64(IDP.certificate()))));
    }

    @Test
    void urlsNamingLocalAddressesAreRefusedWhenSaved() {
        List<String> hosts = List.of("[64:ff9b::a9fe:a9fe]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[2002:a9fe:a9fe::]",
                "[::127.0.0.1]", "[::ffff:169.254.169.254]", "0.0.0.0", "0.1.2.3", "198.18.0.1", "198.19.7.7",
                "240.0.0.1", "255.255.255.255", "127.0.0.1", "10.0.0.1", "100.64.0.1", "[fd00::1]", "[fe80::1]",
                "2130706433", "localhost.", "metadata.google.internal", "intranet");
        int i = 0;
        for (String host : hosts) {
            Reply refused = saml("local" + i++, "https://" + host + "/sso");
            assertThat(refused.status()).as(host).isEqualTo(422);
            assertThat(refused.json().get("code").asString()).isEqualTo("validation_failed");
            assertThat(refused.errorCodes()).as(host).containsExactly("saml.sso_url:private_address");
        }
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void theSameProviderOnAPublicHostIsCreated() {
        for (String host : List.of("idp.acme.example", "93.184.216.34", "[64:ff9b::5db8:d822]", "[2002:5db8:d822::1]")) {
            Reply created = saml("public" + Math.abs(host.hashCode()), "https://" + host + "/sso");
            assertThat(created.status()).as(host + ": " + created.text()).isEqualTo(201);
        }
        assertThat(countIdps(org)).isEqualTo(4);
    }
}
