package io.gatehouse.oidc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.oidc.OidcRejectReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The OpenID providers' signing keys, per jwks_uri, fetched through the safe fetcher and kept for
 * the answer's max-age (clamped to 5 minutes .. 24 hours). A token signed with an unknown key may
 * make the set be fetched again, at most once per {@link #REFETCH_INTERVAL} and URI, so that forged
 * tokens cannot make Gatehouse hammer a provider. Per node, safe to lose.
 */
public final class JwksCache {
    public static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    private static final Duration MIN_TTL = Duration.ofMinutes(5);
    private static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private final SafeFetcher fetcher;
    private final Clock clock;
    private final Cache<URI, Cached> cache = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000)
            .expireAfter(Expiry.<URI, Cached>creating((uri, cached) -> cached.ttl())).build();
    private final ConcurrentMap<URI, Instant> lastRefetch = new ConcurrentHashMap<>();

    private record Cached(JWKSet keys, Duration ttl) {
    }

    public JwksCache(SafeFetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /** The cached key set, fetched when absent. */
    public Outcome<JWKSet> keys(URI jwksUri) {
        Cached cached = cache.getIfPresent(jwksUri);
        return cached != null ? Outcome.passed(cached.keys()) : fetch(jwksUri);
    }

    /**
     * The key set fetched anew because a token names a key the cached set lacks; empty when a
     * refetch of this URI happened within the interval.
     */
    public Optional<Outcome<JWKSet>> refetch(URI jwksUri) {
        Instant now = clock.instant();
        boolean[] allowed = {false};
        lastRefetch.compute(jwksUri, (uri, last) -> {
            if (last == null || !now.isBefore(last.plus(REFETCH_INTERVAL))) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        return allowed[0] ? Optional.of(fetch(jwksUri)) : Optional.empty();
    }

    private Outcome<JWKSet> fetch(URI jwksUri) {
        FetchedDocument doc;
        try {
            doc = fetcher.fetch(jwksUri, "application/jwk-set+json, application/json");
        } catch (FetchException e) {
            return Outcome.refused(OidcRejectReason.JWKS_UNAVAILABLE, "the JWKS at " + jwksUri + " could not be fetched: "
                    + e.reason().code() + " (" + e.getMessage() + ")");
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(new String(doc.body(), StandardCharsets.UTF_8));
        } catch (java.text.ParseException e) {
            return Outcome.refused(OidcRejectReason.JWKS_UNAVAILABLE, "the document at " + jwksUri
                    + " is not a JSON Web Key Set");
        }
        // only public keys are ever used; a provider publishing private parts must not make us hold them
        JWKSet publicKeys = keys.toPublicJWKSet();
        Duration ttl = doc.maxAge().map(a -> a.compareTo(MIN_TTL) < 0 ? MIN_TTL : a.compareTo(MAX_TTL) > 0 ? MAX_TTL : a)
                .orElse(DEFAULT_TTL);
        cache.put(jwksUri, new Cached(publicKeys, ttl));
        return Outcome.passed(publicKeys);
    }
}
