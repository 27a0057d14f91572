package io.gatehouse.idp;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A provider's status and the configuration it is on. {@code revision} counts configuration changes
 * (1 at creation; a change of status or a metadata refresh is none); {@code configuredAt} is when the
 * current revision was made; {@code activeRevision} is the last revision the provider was active
 * with, so that turning an unchanged provider back on needs nothing proved again.
 */
public record Lifecycle(ProviderStatus status, long revision, Instant configuredAt, OptionalLong activeRevision) {
    public Lifecycle {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(configuredAt, "configuredAt");
        Objects.requireNonNull(activeRevision, "activeRevision");
        if (status == ProviderStatus.ACTIVE) {
            activeRevision = OptionalLong.of(revision);
        }
    }

    /** A new provider's first configuration. */
    public static Lifecycle created(ProviderStatus status, Instant now) {
        return new Lifecycle(status, 1, now, OptionalLong.empty());
    }

    public boolean active() {
        return status == ProviderStatus.ACTIVE;
    }

    /** The same configuration under another status. */
    public Lifecycle withStatus(ProviderStatus next) {
        return new Lifecycle(next, revision, configuredAt, activeRevision);
    }

    /** The next configuration revision, made now, under {@code next}. */
    public Lifecycle reconfigured(ProviderStatus next, Instant now) {
        return new Lifecycle(next, revision + 1, now, activeRevision);
    }

    /** Whether the provider was active with its current configuration (so turning it on again proves nothing new). */
    public boolean wasActiveWithThisConfiguration() {
        return activeRevision.isPresent() && activeRevision.getAsLong() == revision;
    }
}
