package io.gatehouse.domains;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Optional;

/**
 * An org's claim on an email domain through one of its providers, with its ownership state.
 *
 * @param method     how it was verified ({@code dns}, {@code manual}, {@code migrated}); empty while pending
 * @param lastResult what the last DNS check found, in words, when one ran
 */
public record DomainState(String domain, OrgId org, String idpId, String alias, Status status,
                          Optional<String> method, Instant claimedAt, Optional<Instant> verifiedAt,
                          boolean includeSubdomains, Optional<Instant> lastCheckedAt, Optional<String> lastResult,
                          DomainChallenge challenge) {

    /** Whether the org has proven the domain. */
    public enum Status {
        PENDING, VERIFIED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean verified() {
        return status == Status.VERIFIED;
    }
}
