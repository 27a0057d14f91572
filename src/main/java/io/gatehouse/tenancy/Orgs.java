package io.gatehouse.tenancy;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The organizations: creation, plan changes, lookup and the plan checks other capabilities ask for. */
@Service
public class Orgs {
    private final JdbcClient jdbc;
    private final Clock clock;
    /** Orgs recently read with SSO in their plan (see {@link #requireRecent}); yes answers only. */
    private final Cache<OrgId, Org> withSso = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(5)).build();

    Orgs(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Org create(OrgId id, String name, boolean ssoEnabled, int maxIdentityProviders) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        try {
            jdbc.sql("insert into orgs (id, name, sso_enabled, max_identity_providers, created_at, updated_at)"
                            + " values (?, ?, ?, ?, ?, ?)")
                    .params(id.value(), name, ssoEnabled, maxIdentityProviders, Timestamp.from(now), Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new ProblemException(ErrorCode.ORG_EXISTS, "An organization with id " + id + " already exists");
        }
        return new Org(id, name, ssoEnabled, maxIdentityProviders, now, now);
    }

    public Optional<Org> find(OrgId id) {
        return jdbc.sql("select * from orgs where id = ?").param(id.value()).query(Orgs::row).optional();
    }

    public Org require(OrgId id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("Organization " + id));
    }

    /**
     * The org for an early look ahead of a decision taken again under {@link #lock}: an org read
     * with SSO in its plan is kept a few seconds. A stale yes costs nothing (the transaction checks
     * again); a no is never kept, and a change on this node is forgotten at once.
     */
    public Org requireRecent(OrgId id) {
        Org cached = withSso.getIfPresent(id);
        if (cached != null) {
            return cached;
        }
        Org org = require(id);
        if (org.ssoEnabled()) {
            withSso.put(id, org);
        }
        return org;
    }

    /**
     * Takes one identity-provider place of the org's quota, if its plan has SSO and a place is free,
     * in one statement that also locks the org's row for the rest of the transaction (so creations
     * in one org queue here, on every node). False when it did not: {@link #lock} then tells why.
     * The transaction's rollback gives the place back.
     */
    public boolean claimIdentityProviderPlace(OrgId id) {
        return jdbc.sql("update orgs set identity_provider_count = identity_provider_count + 1 where id = ?"
                        + " and sso_enabled = true and identity_provider_count < max_identity_providers")
                .param(id.value()).update() == 1;
    }

    /** Gives back the place of a deleted identity provider (in the transaction that deletes it). */
    public void releaseIdentityProviderPlace(OrgId id) {
        jdbc.sql("update orgs set identity_provider_count = identity_provider_count - 1 where id = ?"
                + " and identity_provider_count > 0").param(id.value()).update();
    }

    /** Locks the org's row for the rest of the transaction: serializes quota checks per org. */
    public Org lock(OrgId id) {
        return jdbc.sql("select * from orgs where id = ? for update").param(id.value()).query(Orgs::row)
                .optional().orElseThrow(() -> ProblemException.notFound("Organization " + id));
    }

    public List<Org> list(Optional<String> afterId, int limit) {
        return jdbc.sql("select * from orgs where id > ? order by id limit ?")
                .params(afterId.orElse(""), limit).query(Orgs::row).list();
    }

    public Org update(Org org) {
        withSso.invalidate(org.id());
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbc.sql("update orgs set name = ?, sso_enabled = ?, max_identity_providers = ?, updated_at = ? where id = ?")
                .params(org.name(), org.ssoEnabled(), org.maxIdentityProviders(), Timestamp.from(now), org.id().value())
                .update();
        return new Org(org.id(), org.name(), org.ssoEnabled(), org.maxIdentityProviders(), org.createdAt(), now);
    }

    public boolean delete(OrgId id) {
        withSso.invalidate(id);
        boolean deleted = jdbc.sql("delete from orgs where id = ?").param(id.value()).update() > 0;
        if (deleted) {
            // its identity providers went with it: routing tables must drop its domains
            jdbc.sql("insert into registry_changes (org_id, changed_at) values (?, ?)")
                    .params(id.value(), java.sql.Timestamp.from(java.time.Instant.now())).update();
        }
        return deleted;
    }

    private static Org row(ResultSet rs, int n) throws SQLException {
        return new Org(new OrgId(rs.getString("id")), rs.getString("name"), rs.getBoolean("sso_enabled"),
                rs.getInt("max_identity_providers"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
