package io.gatehouse.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.GatehouseInitializers.Guarded;
import io.gatehouse.testkit.OnGuardedH2;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestClock;
import io.gatehouse.testkit.TestSamlResponses;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every provider lookup at /oauth2/authorize (organization, identity_provider, login_hint) is
 * counted per client address: each answer tells whether an org or a domain uses Gatehouse and under
 * which names, so beyond the limit the address gets 429 with Retry-After and no answer.
 */
@OnGuardedH2
class DiscoveryLimitOnH2Test extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("discovery-limit-idp");
    private static final String REDIRECT = "https://app.example.com/callback";
    @Autowired
    TestClock clock;
    private String org;
    private String domain;
    private String clientId;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("discovery"));
        String key = createKey(org, "idp_manager");
        domain = uniqueDomain();
        Reply idp = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "okta", "display_name": "Acme Okta", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.acme.example/sso", "certificates": ["%s"]}}"""
                .formatted(domain, TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate()))));
        assertThat(idp.status()).as(idp.text()).isEqualTo(201);
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"Acme CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
    }

    private static String someClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "203.0." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Reply authorize(String client, String extra) {
        return api.get("/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid&state=s1" + extra, null, "X-Forwarded-For", client);
    }

    @Test
    void everyKindOfLookupCountsAndBeyondTheLimitNothingIsRevealed() {
        String prober = someClient();
        String[] lookups = {"&organization=" + org, "&identity_provider=" + enc(org + "/okta"),
                "&login_hint=" + enc("alice@" + domain), "&organization=" + uniqueOrgId("nobody"),
                "&login_hint=" + enc("bob@" + uniqueDomain())};
        assertThat(lookups).hasSize(Guarded.DISCOVERY_LOOKUPS);
        for (String lookup : lookups) {
            assertThat(authorize(prober, lookup).status()).as(lookup).isIn(200, 302);
        }
        for (String lookup : lookups) {
            Reply refused = authorize(prober, lookup);
            assertThat(refused.status()).as(lookup).isEqualTo(429);
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, Guarded.DISCOVERY_WINDOW.toSeconds());
            assertThat(refused.header("Location")).isNull();
            assertThat(refused.text()).doesNotContain(org, "Acme Okta", "idp.acme.example");
        }
        // the page that asks for the email looks nothing up: it is still served
        assertThat(authorize(prober, "").status()).isEqualTo(200);
        // the twin: another address is answered as before
        Reply other = authorize(someClient(), "&organization=" + org);
        assertThat(other.status()).isEqualTo(302);
        assertThat(other.header("Location")).startsWith("https://idp.acme.example/sso?");
        // the window passes: the prober is answered again
        clock.advance(Guarded.DISCOVERY_WINDOW.plusSeconds(1));
        assertThat(authorize(prober, "&organization=" + org).status()).isEqualTo(302);
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        String prefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":1:";
        for (int i = 0; i < Guarded.DISCOVERY_LOOKUPS; i++) {
            // a new address in the same /64 for every lookup
            assertThat(authorize(prefix + ":" + Integer.toHexString(i + 1), "&organization=" + org).status()).isEqualTo(302);
        }
        assertThat(authorize(prefix + ":ffff", "&organization=" + org).status()).isEqualTo(429);
        String otherPrefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":2::1";
        assertThat(authorize(otherPrefix, "&organization=" + org).status()).isEqualTo(302);
    }
}
