package io.gatehouse.metadata;

import java.time.Duration;

/** Limits of remote fetching: private addresses allowed only in development, size, time, redirects. */
public record FetchPolicy(boolean allowPrivateNetwork, int maxBytes, Duration timeout, int maxRedirects) {
    public static FetchPolicy defaults(boolean allowPrivateNetwork) {
        return new FetchPolicy(allowPrivateNetwork, 1024 * 1024, Duration.ofSeconds(5), 5);
    }
}
