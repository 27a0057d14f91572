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
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Provider lookups at /oauth2/authorize (organization, identity_provider, login_hint) are counted
 * per client address, those that find nothing strictly and those that find a provider generously:
 * a whole company behind one NAT address signs in, while someone enumerating orgs and domains is
 * stopped. Past a limit the address gets 429 with Retry-After and no answer, decided before the
 * lookup, so that the refusal tells no hit from a miss; only what the address was already told is
 * still answered.
 */
@OnGuardedH2
class DiscoveryLimitOnH2Test extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("discovery-limit-idp");
    private static final String REDIRECT = "https://app.example.com/callback";
    @Autowired
    TestClock clock;
    private String org;
    private String key;
    private String domain;
    private String clientId;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("discovery"));
        key = createKey(org, "idp_manager");
        domain = uniqueDomain();
        addIdp("okta", "Acme Okta", domain);
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"Acme CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
    }

    private void addIdp(String alias, String name, String idpDomain) {
        Reply idp = api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "%s", "display_name": "%s", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.acme.example/sso", "certificates": ["%s"]}}"""
                .formatted(alias, name, idpDomain, TestSamlResponses.IDP_ENTITY_ID + "/" + alias,
                        TestCertificates.base64(IDP.certificate()))));
        assertThat(idp.status()).as(idp.text()).isEqualTo(201);
    }

    private static String someClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "203.0." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Reply authorize(String client, String lookup) {
        return api.get("/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid&state=s1" + lookup, null, "X-Forwarded-For", client);
    }

    /** Answered: sent on to the identity provider. */
    private void assertSentToTheIdp(Reply reply) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(302);
        assertThat(reply.header("Location")).startsWith("https://idp.acme.example/sso?");
    }

    /** Refused before anything was looked up: 429, when to come back, and not a word of the answer. */
    private void assertRefused(Reply reply, Duration atMost) {
        assertThat(reply.status()).isEqualTo(429);
        assertThat(Long.parseLong(reply.header("Retry-After"))).isBetween(1L, atMost.toSeconds());
        assertThat(reply.header("Location")).isNull();
        assertThat(reply.text()).doesNotContain(org, "Acme Okta", "idp.acme.example", "could not find");
    }

    private String hit(int i) {
        return switch (i % 3) {
            case 0 -> "&organization=" + org;
            case 1 -> "&identity_provider=" + enc(org + "/okta");
            default -> "&login_hint=" + enc("user" + i + "@" + domain);
        };
    }

    private String miss(int i) {
        return switch (i % 3) {
            case 0 -> "&organization=" + uniqueOrgId("nobody");
            case 1 -> "&identity_provider=" + enc(org + "/nobody" + i);
            default -> "&login_hint=" + enc("bob@" + uniqueDomain());
        };
    }

    @Test
    void manyLookupsThatFindAProviderPassWhereAsManyMissesAreLimited() {
        int lookups = Guarded.DISCOVERY_MISSES * 3;
        assertThat(lookups).isLessThanOrEqualTo(Guarded.DISCOVERY_HITS);
        String company = someClient();
        for (int i = 0; i < lookups; i++) {
            assertSentToTheIdp(authorize(company, hit(i)));
        }
        String prober = someClient();
        for (int i = 0; i < Guarded.DISCOVERY_MISSES; i++) {
            // answered: the app is told there is no such provider, or the email page says so
            assertThat(authorize(prober, miss(i)).status()).isIn(200, 302);
        }
        for (int i = Guarded.DISCOVERY_MISSES; i < lookups; i++) {
            assertRefused(authorize(prober, miss(i)), Guarded.DISCOVERY_WINDOW);
        }
        // the page that asks for the email looks nothing up: it is still served
        assertThat(authorize(prober, "").status()).isEqualTo(200);
        // the window passes: the prober is answered again
        clock.advance(Guarded.DISCOVERY_WINDOW.plusSeconds(1));
        assertThat(authorize(prober, miss(0)).status()).isEqualTo(302);
    }

    @Test
    void pastTheMissesOnlyWhatTheAddressWasAlreadyToldIsAnswered() {
        String office = someClient();
        assertSentToTheIdp(authorize(office, "&login_hint=" + enc("alice@" + domain)));
        for (int i = 0; i < Guarded.DISCOVERY_MISSES; i++) {
            assertThat(authorize(office, miss(i)).status()).isIn(200, 302);
        }
        // another user of the same domain is sent on as alice was: the address learns nothing new
        assertSentToTheIdp(authorize(office, "&login_hint=" + enc("Carol@" + domain.toUpperCase())));
        // a lookup it was never answered is refused, a hit as much as a miss: the refusal tells neither
        assertRefused(authorize(office, "&organization=" + org), Guarded.DISCOVERY_WINDOW);
        assertRefused(authorize(office, "&identity_provider=" + enc(org + "/okta")), Guarded.DISCOVERY_WINDOW);
        assertRefused(authorize(office, miss(0)), Guarded.DISCOVERY_WINDOW);
        // the twin: another address is answered as before
        assertSentToTheIdp(authorize(someClient(), "&organization=" + org));
    }

    @Test
    void aChoosersProvidersStayOpenToTheAddressThatWasShownThem() {
        addIdp("entra", "Acme Entra", uniqueDomain());
        String office = someClient();
        Reply chooser = authorize(office, "&organization=" + org);
        assertThat(chooser.status()).isEqualTo(200);
        assertThat(chooser.text()).contains("Acme Okta", "Acme Entra");
        for (int i = 0; i < Guarded.DISCOVERY_MISSES; i++) {
            assertThat(authorize(office, miss(i)).status()).isIn(200, 302);
        }
        // the chooser's links, and the chooser itself, still work
        assertSentToTheIdp(authorize(office, "&identity_provider=" + enc(org + "/entra")));
        assertThat(authorize(office, "&organization=" + org).status()).isEqualTo(200);
        assertRefused(authorize(office, "&identity_provider=" + enc(org + "/other")), Guarded.DISCOVERY_WINDOW);
    }

    @Test
    void lookupsThatFindAProviderAreLimitedToo() {
        String client = someClient();
        for (int i = 0; i < Guarded.DISCOVERY_HITS; i++) {
            assertSentToTheIdp(authorize(client, hit(i)));
        }
        // past the hits, nothing is answered, not even what the address was told before
        assertRefused(authorize(client, hit(0)), Guarded.DISCOVERY_WINDOW);
        assertRefused(authorize(client, miss(0)), Guarded.DISCOVERY_WINDOW);
        clock.advance(Guarded.DISCOVERY_WINDOW.plusSeconds(1));
        assertSentToTheIdp(authorize(client, hit(0)));
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        String prefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":1:";
        for (int i = 0; i < Guarded.DISCOVERY_MISSES; i++) {
            // a new address in the same /64 for every lookup
            assertThat(authorize(prefix + ":" + Integer.toHexString(i + 1), miss(i)).status()).isIn(200, 302);
        }
        assertRefused(authorize(prefix + ":ffff", miss(0)), Guarded.DISCOVERY_WINDOW);
        String otherPrefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)) + ":2::1";
        assertThat(authorize(otherPrefix, miss(0)).status()).isEqualTo(302);
    }
}
