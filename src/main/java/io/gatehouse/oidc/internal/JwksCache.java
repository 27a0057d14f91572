package io.gatehouse.oidc.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.signin.RejectReason;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID providers' signing keys, per jwks_uri, fetched through the safe fetcher and fresh for
 * the answer's max-age (clamped to 5 minutes .. 24 hours). A token signed with an unknown key may
 * make the set be fetched again, at most once per {@link #REFETCH_INTERVAL} and URI, so that forged
 * tokens cannot make Gatehouse hammer a provider. Per node, safe to lose.
 *
 * <p>A provider's key set is replaced only by a better-or-equal one: entries that cannot be read are
 * skipped (and logged once, without key material); a fetch that fails, or that yields no usable key,
 * keeps the last good set (retried every {@link #REFETCH_INTERVAL}, for at most {@link #MAX_STALE});
 * and a key whose entry is still published under its kid but has become unreadable stays as it was
 * last read. Only a key the provider stops publishing leaves the set, as a rotation must.
 */
public final class JwksCache {
    public static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
    /** How long after its fetch the last good set stands in while the provider's JWKS cannot be had. */
    public static final Duration MAX_STALE = Duration.ofDays(7);
    private static final Duration MIN_TTL = Duration.ofMinutes(5);
    private static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private final SafeFetcher fetcher;
    private final Clock clock;
    private final Cache<URI, ProviderKeys> held = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000)
            .build();
    /** The unreadable entries already logged, by URI and fingerprint: each is reported once per node. */
    private final Cache<String, Boolean> reported = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(10_000).build();
    private final ConcurrentMap<URI, Instant> lastRefetch = new ConcurrentHashMap<>();

    /**
     * A provider's usable public keys: when they were read, until when they are fresh, the kids of
     * the entries that could not be read, and why the last attempt to replace them failed (if it did).
     */
    public record ProviderKeys(JWKSet keys, Set<String> unreadableKids, Instant fetchedAt, Instant freshUntil,
                               Optional<String> problem) {
        public ProviderKeys {
            unreadableKids = Set.copyOf(unreadableKids);
        }

        /** The same keys, kept although a fetch failed; tried again after {@code retryAt}. */
        ProviderKeys keptAfter(String failure, Instant retryAt) {
            return new ProviderKeys(keys, unreadableKids, fetchedAt, retryAt, Optional.of(failure));
        }
    }

    public JwksCache(SafeFetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /** The provider's keys: the held set while fresh, else fetched (or, if that fails, the last good set). */
    public Outcome<ProviderKeys> keys(URI jwksUri) {
        Instant now = clock.instant();
        Optional<ProviderKeys> last = lastGood(jwksUri, now);
        if (last.isPresent() && now.isBefore(last.get().freshUntil())) {
            return Outcome.passed(last.get());
        }
        return load(jwksUri, last, now);
    }

    /**
     * The key set fetched anew because a token names a key the held set lacks; empty when a
     * refetch of this URI happened within the interval.
     */
    public Optional<Outcome<ProviderKeys>> refetch(URI jwksUri) {
        Instant now = clock.instant();
        boolean[] allowed = {false};
        lastRefetch.compute(jwksUri, (uri, last) -> {
            if (last == null || !now.isBefore(last.plus(REFETCH_INTERVAL))) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        return allowed[0] ? Optional.of(load(jwksUri, lastGood(jwksUri, now), now)) : Optional.empty();
    }

    private Optional<ProviderKeys> lastGood(URI jwksUri, Instant now) {
        ProviderKeys keys = held.getIfPresent(jwksUri);
        if (keys != null && now.isAfter(keys.fetchedAt().plus(MAX_STALE))) {
            held.invalidate(jwksUri);
            return Optional.empty();
        }
        return Optional.ofNullable(keys);
    }

    private Outcome<ProviderKeys> load(URI jwksUri, Optional<ProviderKeys> last, Instant now) {
        Outcome<ProviderKeys> fetched = fetch(jwksUri, last, now);
        if (fetched instanceof Outcome.Refused<ProviderKeys> r) {
            if (last.isEmpty()) {
                return r;
            }
            LOG.warn("The JWKS at {} could not be used ({}); the keys fetched at {} stay in use", jwksUri, r.detail(),
                    last.get().fetchedAt());
            ProviderKeys kept = last.get().keptAfter("the JWKS could not be fetched anew (" + r.detail()
                    + "); the keys fetched at " + last.get().fetchedAt() + " are in use", now.plus(REFETCH_INTERVAL));
            held.put(jwksUri, kept);
            return Outcome.passed(kept);
        }
        held.put(jwksUri, ((Outcome.Passed<ProviderKeys>) fetched).value());
        return fetched;
    }

    private Outcome<ProviderKeys> fetch(URI jwksUri, Optional<ProviderKeys> last, Instant now) {
        FetchedDocument doc;
        try {
            doc = fetcher.fetch(jwksUri, "application/jwk-set+json, application/json");
        } catch (FetchException e) {
            return Outcome.refused(RejectReason.OIDC_JWKS_UNAVAILABLE,
                    "the JWKS at " + jwksUri + " could not be fetched: "
                    + e.reason().code() + " (" + e.getMessage() + ")");
        }
        JwksDocument read;
        try {
            read = JwksDocument.parse(doc.body());
        } catch (java.text.ParseException e) {
            return Outcome.refused(RejectReason.OIDC_JWKS_UNAVAILABLE, "the document at " + jwksUri
                    + " is not a JSON Web Key Set");
        }
        List<JWK> keys = new ArrayList<>(read.usable());
        Set<String> readKids = new HashSet<>();
        read.usable().forEach(k -> readKids.add(k.getKeyID()));
        Set<String> unreadableKids = new LinkedHashSet<>();
        for (JwksDocument.UnreadableEntry entry : read.unreadable()) {
            entry.kid().ifPresent(unreadableKids::add);
            // still published under its kid, yet unreadable now: the key read from it before stays
            List<JWK> before = entry.kid().filter(kid -> !readKids.contains(kid))
                    .flatMap(kid -> last.map(l -> l.keys().getKeys().stream().filter(k -> kid.equals(k.getKeyID()))
                            .toList()))
                    .orElse(List.of());
            keys.addAll(before);
            before.forEach(k -> readKids.add(k.getKeyID()));
            report(jwksUri, entry, !before.isEmpty());
        }
        if (read.usable().isEmpty()) {
            // nothing readable at all is a broken answer, not a provider that revoked every key
            return Outcome.refused(RejectReason.OIDC_JWKS_UNAVAILABLE, "the JWKS at " + jwksUri
                    + " has no usable RSA or EC public key" + (read.unreadable().isEmpty() ? ""
                    : " (" + read.unreadable().size() + " entries could not be read)"));
        }
        Duration ttl = doc.maxAge().map(a -> a.compareTo(MIN_TTL) < 0 ? MIN_TTL : a.compareTo(MAX_TTL) > 0 ? MAX_TTL : a)
                .orElse(DEFAULT_TTL);
        return Outcome.passed(new ProviderKeys(new JWKSet(keys), unreadableKids, now, now.plus(ttl), Optional.empty()));
    }

    private void report(URI jwksUri, JwksDocument.UnreadableEntry entry, boolean keptEarlierKey) {
        if (reported.asMap().putIfAbsent(jwksUri + " " + entry.fingerprint(), Boolean.TRUE) == null) {
            LOG.warn("The JWKS at {} has an entry that cannot be used and is skipped: entry {}{} {}{}", jwksUri,
                    entry.index(), entry.kid().map(k -> " (kid " + TokenClient.printable(k) + ")").orElse(""),
                    entry.why(), keptEarlierKey ? "; the key read earlier under this kid stays in use" : "");
        }
    }
}
