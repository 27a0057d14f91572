package io.gatehouse.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The limit on identity-provider lookups (an org, a provider, an email domain) per client address.
 * Someone enumerating which orgs and domains use Gatehouse mostly misses, and many people signing in
 * behind one NAT address mostly hit, so lookups that find nothing are limited strictly and lookups
 * that find a provider generously.
 * <p>
 * Whether a lookup may be answered is decided before it is made, so that a refusal never tells a
 * hit from a miss: an address that has used up its misses is refused every lookup, except those
 * whose answer it has already been given (a hit it made, or a provider a chooser showed it, in the
 * last {@link #REMEMBERED_FOR}). Repeating an answer teaches nothing; and so the users of an org
 * whose domain or name their address has already looked up keep signing in while someone behind
 * the same address runs out of misses. Memory is bounded: past {@link #MAX_REMEMBERED} answers the
 * least used are forgotten.
 */
public final class DiscoveryLimit {
    static final Duration REMEMBERED_FOR = Duration.ofHours(1);
    /** Answers remembered per node: an address and a lookup of a real name (a few hundred bytes at most). */
    static final int MAX_REMEMBERED = 20_000;
    private final RateLimit misses;
    private final RateLimit hits;
    private final ClientAddress clients;
    private final Cache<Answered, Boolean> answered;

    /** A lookup whose answer this client (per /64 for IPv6) was given. */
    private record Answered(InetAddress client, String lookup) {
    }

    DiscoveryLimit(RateLimit misses, RateLimit hits, Clock clock, ClientAddress clients) {
        this.misses = misses;
        this.hits = hits;
        this.clients = clients;
        this.answered = Caffeine.newBuilder().executor(Runnable::run)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfterWrite(REMEMBERED_FOR)
                .maximumSize(MAX_REMEMBERED)
                .build();
    }

    /**
     * The wait, when the request's client may not be answered this lookup now (it has used up its
     * hits, or its misses and it was not given this lookup's answer before); nothing is counted.
     */
    public Optional<Duration> admit(HttpServletRequest request, String lookup) {
        Optional<Duration> wait = hits.exhausted(request);
        if (wait.isPresent()) {
            return wait;
        }
        wait = misses.exhausted(request);
        if (wait.isPresent() && answered.getIfPresent(new Answered(client(request), lookup)) == null) {
            return wait;
        }
        return Optional.empty();
    }

    /**
     * Counts an admitted lookup once it is made: a miss when it revealed nothing; else a hit, and the
     * lookups whose answers it revealed (the one asked first) are remembered for this client.
     */
    public void answered(HttpServletRequest request, List<String> revealed) {
        if (revealed.isEmpty()) {
            misses.spend(request);
            return;
        }
        hits.spend(request);
        InetAddress client = client(request);
        for (String lookup : revealed) {
            answered.put(new Answered(client, lookup), Boolean.TRUE);
        }
    }

    private InetAddress client(HttpServletRequest request) {
        return RateLimit.key(clients.of(request));
    }
}
