package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.GatehouseInitializers.Guarded;
import io.gatehouse.testkit.OnGuardedH2;
import io.gatehouse.testkit.TestClock;
import java.net.InetAddress;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Wrong API keys are counted per client address: past the allowed number, a wrong key from that
 * address is answered 429 with Retry-After instead of 401 until the window ends, while a right key
 * is honoured throughout (many clients may share the address) and resets nothing; other addresses
 * are not affected. The client address is X-Forwarded-For's only when the peer is a trusted proxy
 * (here 127.0.0.1; connections from 127.0.0.2 are an untrusted peer).
 */
@OnGuardedH2
class ApiKeyFailureLimitOnH2Test extends ApiTest {
    @Autowired
    TestClock clock;
    @Autowired
    JdbcClient jdbc;
    private String org;
    private String key;

    @BeforeEach
    void org() {
        org = createOrg(uniqueOrgId("limits"));
        key = createKey(org, "viewer");
    }

    /** A client address of its own for each test, so that tests never share a window. */
    private static String someClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }

    private Reply getOrg(ApiClient client, String apiKey, String forwardedFor) {
        return client.get("/api/orgs/" + org, apiKey, "X-Forwarded-For", forwardedFor);
    }

    /** A wrong key of the issued form: it takes the database lookup a real key takes. */
    private static String wrongKey() {
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        return "gh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static void assertLimited(Reply reply, java.time.Duration atMost) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(429);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        assertThat(reply.json().get("code").asString()).isEqualTo("too_many_requests");
        assertThat(Long.parseLong(reply.header("Retry-After"))).isBetween(1L, atMost.toSeconds());
    }

    @Test
    void pastTheAllowedWrongKeysAWrongKeyIs429ButARightKeyIsStillHonoured() {
        String client = someClient();
        String neighbour = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            Reply wrong = getOrg(api, wrongKey(), client);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("code").asString()).isEqualTo("unauthorized");
        }
        assertLimited(getOrg(api, wrongKey(), client), Guarded.API_KEY_FAILURE_WINDOW);
        // the same address's right keys, an org's and the platform's, are answered as ever
        Reply right = getOrg(api, key, client);
        assertThat(right.status()).isEqualTo(200);
        assertThat(right.json().get("id").asString()).isEqualTo(org);
        assertThat(getOrg(api, ADMIN, client).status()).isEqualTo(200);
        // ...and leave the address limited: a wrong key after them is still 429
        assertLimited(getOrg(api, wrongKey(), client), Guarded.API_KEY_FAILURE_WINDOW);

        // another address is not affected: its wrong key is only a 401
        assertThat(getOrg(api, wrongKey(), neighbour).status()).isEqualTo(401);

        // half the window on, still limited, and told to wait for the rest; once it has passed, 401 again
        java.time.Duration half = Guarded.API_KEY_FAILURE_WINDOW.dividedBy(2);
        clock.advance(half);
        assertLimited(getOrg(api, wrongKey(), client), half);
        assertThat(getOrg(api, key, client).status()).isEqualTo(200);
        clock.advance(half.plusSeconds(1));
        assertThat(getOrg(api, wrongKey(), client).status()).isEqualTo(401);
    }

    @Test
    void aRightKeyBetweenWrongOnesDoesNotResetTheCount() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(api, wrongKey(), client).status()).isEqualTo(401);
            assertThat(getOrg(api, key, client).status()).isEqualTo(200);
        }
        assertLimited(getOrg(api, wrongKey(), client), Guarded.API_KEY_FAILURE_WINDOW);
        assertThat(getOrg(api, key, client).status()).isEqualTo(200);
    }

    @Test
    void requestsWithoutAKeyAreNotCountedAsWrongKeys() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES + 2; i++) {
            assertThat(getOrg(api, null, client).status()).isEqualTo(401);
        }
        assertThat(getOrg(api, wrongKey(), client).status()).isEqualTo(401);
    }

    @Test
    void valuesThatNoKeyWasIssuedInAreRefusedWithoutAskingTheDatabase() {
        String client = someClient();
        jdbc.sql("set query_statistics true").update();
        long lookups = keyLookups();
        String[] junk = {"gh_short", "not-a-key", "gh_" + "A".repeat(44), "gh_" + "*".repeat(43), "Basic dXNlcjpwYXNz"};
        for (String value : junk) {
            assertThat(getOrg(api, value, someClient()).status()).as(value).isEqualTo(401);
        }
        assertThat(keyLookups()).isEqualTo(lookups);
        // they count as wrong keys all the same
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(api, "not-a-key", client).status()).isEqualTo(401);
        }
        assertLimited(getOrg(api, "not-a-key", client), Guarded.API_KEY_FAILURE_WINDOW);
        // the twin: a wrong key of the issued form is looked up
        assertThat(getOrg(api, wrongKey(), someClient()).status()).isEqualTo(401);
        assertThat(keyLookups()).isGreaterThan(lookups);
    }

    /** How often H2 has run the key lookup since query statistics were switched on. */
    private long keyLookups() {
        // the pattern as a parameter: written into the statement, this query would count itself
        return jdbc.sql("select coalesce(sum(execution_count), 0) from information_schema.query_statistics"
                        + " where sql_statement like ?").param("select k.* from api_keys k join orgs%")
                .query(Long.class).single();
    }

    @Test
    void forgedEntriesLeftOfTheTrustedProxysEntryDoNotChangeTheClient() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            // the client writes whatever it likes on the left; the proxy (127.0.0.1) appended the right-most entry
            assertThat(getOrg(api, wrongKey(), someClient() + ", " + client).status()).isEqualTo(401);
        }
        assertLimited(getOrg(api, wrongKey(), someClient() + ", " + client), Guarded.API_KEY_FAILURE_WINDOW);
        assertLimited(getOrg(api, wrongKey(), client), Guarded.API_KEY_FAILURE_WINDOW);
        // with the client behind a second trusted hop, the walk goes on past it: the client is still found
        assertLimited(api.get("/api/orgs/" + org, wrongKey(), "X-Forwarded-For", client, "X-Forwarded-For", "127.0.0.1"),
                Guarded.API_KEY_FAILURE_WINDOW);
    }

    @Test
    void xForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        ApiClient untrusted = new ApiClient(port, InetAddress.getByName("127.0.0.2"));
        // each request claims another client; the peer 127.0.0.2 is not a trusted proxy, so all are 127.0.0.2
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(untrusted, wrongKey(), someClient()).status()).isEqualTo(401);
        }
        assertLimited(getOrg(untrusted, wrongKey(), someClient()), Guarded.API_KEY_FAILURE_WINDOW);
        // a client sharing that address (behind the same NAT, say) still gets in with its right key
        assertThat(getOrg(untrusted, key, someClient()).status()).isEqualTo(200);
        // the twin: the same claims through the trusted proxy are believed, each a client of its own
        for (int i = 0; i <= Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(api, wrongKey(), someClient()).status()).isEqualTo(401);
        }
        clock.advance(Guarded.API_KEY_FAILURE_WINDOW);
        assertThat(getOrg(untrusted, wrongKey(), someClient()).status()).isEqualTo(401);
    }
}
