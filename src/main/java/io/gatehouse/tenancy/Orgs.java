package io.gatehouse.tenancy;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
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
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbc.sql("update orgs set name = ?, sso_enabled = ?, max_identity_providers = ?, updated_at = ? where id = ?")
                .params(org.name(), org.ssoEnabled(), org.maxIdentityProviders(), Timestamp.from(now), org.id().value())
                .update();
        return new Org(org.id(), org.name(), org.ssoEnabled(), org.maxIdentityProviders(), org.createdAt(), now);
    }

    public boolean delete(OrgId id) {
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
