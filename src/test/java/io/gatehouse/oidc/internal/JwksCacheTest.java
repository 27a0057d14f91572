package io.gatehouse.oidc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.gatehouse.metadata.FetchPolicy;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.TestClock;
import io.gatehouse.testkit.TestOpenIdProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The key set's life over time, against the test provider's real JWKS endpoint: what a failed,
 * empty or partly unreadable fetch leaves in use, once the held set is no longer fresh.
 */
class JwksCacheTest {
    private static final Duration PAST_FRESHNESS = Duration.ofHours(2);
    private final TestOpenIdProvider op = new TestOpenIdProvider();
    private final TestClock clock = TestClock.stoppedAt(Instant.parse("2030-01-01T10:00:00Z"));
    private final SafeFetcher fetcher = new SafeFetcher(FetchPolicy.defaults(true));
    private final JwksCache cache = new JwksCache(fetcher, clock);
    private final URI jwks = URI.create(op.jwksUri());
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void listen() {
        log.start();
        ((Logger) LoggerFactory.getLogger(JwksCache.class)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(JwksCache.class)).detachAppender(log);
        op.close();
        fetcher.close();
    }

    private static JwksCache.ProviderKeys passed(Outcome<JwksCache.ProviderKeys> outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Passed.class);
        return ((Outcome.Passed<JwksCache.ProviderKeys>) outcome).value();
    }

    private static List<String> kids(JwksCache.ProviderKeys keys) {
        return keys.keys().getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static Map<String, Object> withoutExponent(Map<String, Object> entry) {
        Map<String, Object> broken = new LinkedHashMap<>(entry);
        broken.remove("e");
        return broken;
    }

    @Test
    void aFailedFetchKeepsTheLastGoodSetAndRetriesOncePerInterval() {
        JwksCache.ProviderKeys good = passed(cache.keys(jwks));
        assertThat(kids(good)).contains(op.rsaKey().getKeyID());
        op.jwksStatus(500);
        clock.advance(PAST_FRESHNESS);
        JwksCache.ProviderKeys kept = passed(cache.keys(jwks));
        assertThat(kids(kept)).isEqualTo(kids(good));
        assertThat(kept.problem()).hasValueSatisfying(p -> assertThat(p).contains("http_error", "are in use"));
        assertThat(op.jwksRequests()).isEqualTo(2);
        // while it fails, the provider is asked again at most once per interval
        passed(cache.keys(jwks));
        assertThat(op.jwksRequests()).isEqualTo(2);
        clock.advance(JwksCache.REFETCH_INTERVAL);
        passed(cache.keys(jwks));
        assertThat(op.jwksRequests()).isEqualTo(3);
        // the provider recovers: its answer is the set again
        op.jwksStatus(200);
        clock.advance(JwksCache.REFETCH_INTERVAL);
        assertThat(passed(cache.keys(jwks)).problem()).isEmpty();
    }

    @Test
    void withoutALastGoodSetAFailedFetchIsARefusal() {
        op.jwksStatus(500);
        Outcome<JwksCache.ProviderKeys> first = cache.keys(jwks);
        assertThat(first).isInstanceOfSatisfying(Outcome.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RejectReason.OIDC_JWKS_UNAVAILABLE));
        op.jwksStatus(200);
        passed(cache.keys(jwks));
    }

    @Test
    void theLastGoodSetStandsInForAWeekAtMost() {
        passed(cache.keys(jwks));
        op.jwksStatus(500);
        clock.advance(JwksCache.MAX_STALE.minusMinutes(1));
        passed(cache.keys(jwks));
        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.keys(jwks)).isInstanceOf(Outcome.Refused.class);
    }

    @Test
    void aFetchWithoutAnyUsableKeyKeepsTheLastGoodSet() {
        JwksCache.ProviderKeys good = passed(cache.keys(jwks));
        op.jwksEntries(entries -> entries.stream().map(JwksCacheTest::withoutExponent)
                .map(e -> e.get("kty").equals("EC") ? Map.<String, Object>of("kty", "EC", "kid", "bad") : e).toList());
        clock.advance(PAST_FRESHNESS);
        JwksCache.ProviderKeys kept = passed(cache.keys(jwks));
        assertThat(kids(kept)).isEqualTo(kids(good));
        assertThat(kept.problem()).hasValueSatisfying(p -> assertThat(p).contains("no usable RSA or EC public key"));
        // an empty set is no better
        op.jwksEntries(entries -> List.of());
        clock.advance(JwksCache.REFETCH_INTERVAL);
        assertThat(kids(passed(cache.keys(jwks)))).isEqualTo(kids(good));
        assertThat(op.jwksRequests()).isEqualTo(3);
    }

    @Test
    void aKeyStaysWhileItsEntryIsPublishedUnreadableAndLeavesWhenItIsNoLongerPublished() {
        String rsa = op.rsaKey().getKeyID();
        passed(cache.keys(jwks));
        op.jwksEntries(entries -> entries.stream().map(e -> rsa.equals(e.get("kid")) ? withoutExponent(e) : e).toList());
        clock.advance(PAST_FRESHNESS);
        JwksCache.ProviderKeys partly = passed(cache.keys(jwks));
        assertThat(kids(partly)).contains(rsa);
        assertThat(partly.unreadableKids()).containsExactly(rsa);
        assertThat(partly.problem()).isEmpty();
        // the twin: a provider that stops publishing the key rotates it out
        op.jwksEntries(entries -> entries.stream().filter(e -> !rsa.equals(e.get("kid"))).toList());
        assertThat(cache.refetch(jwks)).hasValueSatisfying(o -> assertThat(kids(passed(o))).doesNotContain(rsa));
    }

    @Test
    void anUnreadableEntryIsLoggedOnceAndWithoutItsKeyMaterial() {
        RSAKey other = TestOpenIdProvider.attackerKey();
        Map<String, Object> broken = withoutExponent(other.toPublicJWK().toJSONObject());
        String modulus = (String) broken.get("n");
        op.jwksEntries(entries -> {
            List<Map<String, Object>> served = new ArrayList<>(entries);
            served.add(broken);
            served.add(Map.of("kty", "EC", "kid", "off-curve", "crv", "P-256", "x", "AQAB", "y", "AQAB"));
            return served;
        });
        JwksCache.ProviderKeys keys = passed(cache.keys(jwks));
        assertThat(kids(keys)).contains(op.rsaKey().getKeyID()).doesNotContain(other.getKeyID(), "off-curve");
        assertThat(keys.unreadableKids()).containsExactlyInAnyOrder(other.getKeyID(), "off-curve");
        clock.advance(JwksCache.REFETCH_INTERVAL);
        passed(cache.refetch(jwks).orElseThrow());
        clock.advance(PAST_FRESHNESS);
        passed(cache.keys(jwks));
        assertThat(op.jwksRequests()).isEqualTo(3);
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).filteredOn(l -> l.contains(other.getKeyID())).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("off-curve")).hasSize(1);
        assertThat(String.join("\n", lines)).doesNotContain(modulus, "AQAB");
    }
}
