package io.gatehouse.idp;

import java.time.Instant;
import java.util.Optional;

/**
 * What test sign-ins have proved of a provider: its latest successful one, and whether it tested the
 * current configuration. Kept beside the provider, not in it: a test changes no configuration.
 */
public record ProviderTests(Optional<Succeeded> lastSucceeded, long currentRevision) {
    /** A test sign-in that succeeded, against configuration revision {@code revision}. */
    public record Succeeded(long revision, Instant at) {
    }

    /** Whether a test sign-in succeeded against the current configuration. */
    public boolean currentConfigurationTested() {
        return lastSucceeded.filter(s -> s.revision() == currentRevision).isPresent();
    }

    /** A test succeeded once, but the configuration has changed since. */
    public boolean outdated() {
        return lastSucceeded.isPresent() && !currentConfigurationTested();
    }
}
