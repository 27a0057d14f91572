package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.WireEnum;
import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Optional;

/**
 * A setup link as stored (its secret never is): one org's, optionally one provider's ({@code alias}),
 * for {@code email} when the SaaS team named the recipient, valid until {@code expiresAt} unless revoked.
 */
public record SetupLink(String id, OrgId org, Optional<IdpAlias> alias, Optional<String> email, String createdBy,
                        Instant createdAt, Instant expiresAt, Optional<Instant> revokedAt,
                        Optional<Instant> firstUsedAt) {

    /** Where a link stands. */
    public enum Status implements WireEnum {
        ACTIVE("active"),
        EXPIRED("expired"),
        REVOKED("revoked");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }

    public Status status(Instant now) {
        if (revokedAt.isPresent()) {
            return Status.REVOKED;
        }
        return now.isBefore(expiresAt) ? Status.ACTIVE : Status.EXPIRED;
    }

    /** Who the link's holder is to the registry and the audit log: {@code setup-link:{id}}, in its org (and provider). */
    public Caller.SetupLink caller() {
        return new Caller.SetupLink(id, org, alias.map(IdpAlias::value));
    }
}
