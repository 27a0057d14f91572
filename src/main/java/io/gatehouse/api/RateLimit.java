package io.gatehouse.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * At most {@code limit} events per client address in a window that starts with the address's first
 * event; then the address waits for the window's end. IPv6 clients count per /64, the block one
 * subscriber holds (otherwise a client would change address with every request). Memory is bounded:
 * beyond {@code maxAddresses} the least recently seen addresses are forgotten first.
 */
public final class RateLimit {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ClientAddress clients;
    private final Cache<InetAddress, Window> windows;

    /** One address's window: when it started and how many events it has seen. */
    private record Window(Instant start, int events) {
    }

    public RateLimit(int limit, Duration window, Clock clock, ClientAddress clients, int maxAddresses) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a positive limit and window");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.clients = clients;
        // Caffeine's own expiry (real time) only frees memory; the windows themselves follow the clock
        this.windows = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxAddresses)
                .expireAfterWrite(window).build();
    }

    /** Counts one event of the request's client; the wait, when that event is beyond the limit. */
    public Optional<Duration> spend(HttpServletRequest request) {
        Instant now = clock.instant();
        Window w = windows.asMap().compute(key(clients.of(request)),
                (k, old) -> old == null || !now.isBefore(old.start().plus(window)) ? new Window(now, 1)
                        : new Window(old.start(), old.events() + 1));
        return w.events() > limit ? Optional.of(waitUntilEnd(w, now)) : Optional.empty();
    }

    /** The wait, when the request's client has used up its window (nothing is counted). */
    public Optional<Duration> exhausted(HttpServletRequest request) {
        Instant now = clock.instant();
        Window w = windows.getIfPresent(key(clients.of(request)));
        if (w == null || !now.isBefore(w.start().plus(window)) || w.events() < limit) {
            return Optional.empty();
        }
        return Optional.of(waitUntilEnd(w, now));
    }

    /** The Retry-After value for a wait: whole seconds, rounded up, so that a client waiting that long is let in. */
    public static String retryAfter(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Long.toString(Math.max(1, seconds));
    }

    private Duration waitUntilEnd(Window w, Instant now) {
        return Duration.between(now, w.start().plus(window));
    }

    /** The address an event is counted under: itself, or for IPv6 its /64. */
    static InetAddress key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address;
    }
}
