package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.GatehouseInitializers.Guarded;
import io.gatehouse.testkit.OnGuardedH2;
import io.gatehouse.testkit.TestClock;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Wrong API keys are counted per client address: after the allowed number, every key from that
 * address is refused with 429 and Retry-After until the window ends, a right one too; other
 * addresses are not affected. The client address is X-Forwarded-For's only when the peer is a
 * trusted proxy (here 127.0.0.1; connections from 127.0.0.2 are an untrusted peer).
 */
@OnGuardedH2
class ApiKeyFailureLimitOnH2Test extends ApiTest {
    @Autowired
    TestClock clock;
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

    private static String wrongKey() {
        return "gh_wrong" + ThreadLocalRandom.current().nextLong();
    }

    @Test
    void afterTheAllowedWrongKeysEvenTheRightKeyIsRefusedUntilTheWindowEnds() {
        String attacker = someClient();
        String neighbour = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            Reply wrong = getOrg(api, wrongKey(), attacker);
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.json().get("code").asString()).isEqualTo("unauthorized");
        }
        Reply locked = getOrg(api, key, attacker);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.header("Content-Type")).startsWith("application/problem+json");
        assertThat(locked.json().get("code").asString()).isEqualTo("too_many_requests");
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, Guarded.API_KEY_FAILURE_WINDOW.toSeconds());
        assertThat(getOrg(api, ADMIN, attacker).status()).as("the platform key too").isEqualTo(429);

        // another address is not affected, and its own wrong key is only a 401
        assertThat(getOrg(api, key, neighbour).status()).isEqualTo(200);
        assertThat(getOrg(api, wrongKey(), neighbour).status()).isEqualTo(401);

        // half the window on, still locked, and told to wait for the rest; once it has passed, let in again
        java.time.Duration half = Guarded.API_KEY_FAILURE_WINDOW.dividedBy(2);
        clock.advance(half);
        Reply stillLocked = getOrg(api, key, attacker);
        assertThat(stillLocked.status()).isEqualTo(429);
        assertThat(Long.parseLong(stillLocked.header("Retry-After"))).isBetween(1L, half.toSeconds());
        clock.advance(half.plusSeconds(1));
        assertThat(getOrg(api, key, attacker).status()).isEqualTo(200);
    }

    @Test
    void aRightKeyBetweenGuessesDoesNotResetTheCount() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES - 1; i++) {
            assertThat(getOrg(api, wrongKey(), client).status()).isEqualTo(401);
            assertThat(getOrg(api, key, client).status()).isEqualTo(200);
        }
        assertThat(getOrg(api, wrongKey(), client).status()).isEqualTo(401);
        assertThat(getOrg(api, key, client).status()).isEqualTo(429);
    }

    @Test
    void requestsWithoutAKeyAreNotCountedAsGuesses() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES + 2; i++) {
            assertThat(getOrg(api, null, client).status()).isEqualTo(401);
        }
        assertThat(getOrg(api, key, client).status()).isEqualTo(200);
    }

    @Test
    void forgedEntriesLeftOfTheTrustedProxysEntryDoNotChangeTheClient() {
        String client = someClient();
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            // the client writes whatever it likes on the left; the proxy (127.0.0.1) appended the right-most entry
            assertThat(getOrg(api, wrongKey(), someClient() + ", " + client).status()).isEqualTo(401);
        }
        assertThat(getOrg(api, key, someClient() + ", " + client).status()).isEqualTo(429);
        assertThat(getOrg(api, key, client).status()).isEqualTo(429);
        // with the client behind a second trusted hop, the walk goes on past it: the client is still found
        assertThat(api.get("/api/orgs/" + org, key, "X-Forwarded-For", client, "X-Forwarded-For", "127.0.0.1")
                .status()).isEqualTo(429);
    }

    @Test
    void xForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        ApiClient untrusted = new ApiClient(port, InetAddress.getByName("127.0.0.2"));
        // each request claims another client; the peer 127.0.0.2 is not a trusted proxy, so all are 127.0.0.2
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(untrusted, wrongKey(), someClient()).status()).isEqualTo(401);
        }
        assertThat(getOrg(untrusted, key, someClient()).status()).isEqualTo(429);
        // the twin: the same claims through the trusted proxy are believed, each a client of its own
        for (int i = 0; i < Guarded.API_KEY_FAILURES; i++) {
            assertThat(getOrg(api, wrongKey(), someClient()).status()).isEqualTo(401);
        }
        assertThat(getOrg(api, key, someClient()).status()).isEqualTo(200);
        clock.advance(Guarded.API_KEY_FAILURE_WINDOW);
        assertThat(getOrg(untrusted, key, someClient()).status()).isEqualTo(200);
    }
}
