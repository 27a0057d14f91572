package io.gatehouse.domains;

import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The ownership state of domain claims (rows of {@code idp_domains}, which the registry adds and removes
 * with its providers) and the orgs' tokens.
 */
@Repository
class DomainClaimRows {
    private static final String SELECT = "select d.domain, d.org_id, d.idp_id, i.alias, d.status, d.method,"
            + " d.claimed_at, d.verified_at, d.include_subdomains, d.last_checked_at, d.last_result, t.token"
            + " from idp_domains d join identity_providers i on i.id = d.idp_id"
            + " left join domain_tokens t on t.org_id = d.org_id and t.domain = d.domain";
    private final JdbcClient jdbc;

    DomainClaimRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<DomainState> list(OrgId org) {
        ensureTokens(org);
        return jdbc.sql(SELECT + " where d.org_id = ? order by d.domain").param(org.value()).query(this::row).list();
    }

    Optional<DomainState> find(OrgId org, String domain) {
        ensureTokens(org);
        return jdbc.sql(SELECT + " where d.org_id = ? and d.domain = ?").params(org.value(), domain)
                .query(this::row).optional();
    }

    /** Every other org's claim on the domain. */
    List<DomainState> othersOn(String domain, OrgId org) {
        return jdbc.sql(SELECT + " where d.domain = ? and d.org_id <> ?").params(domain, org.value())
                .query(this::row).list();
    }

    /**
     * Marks the claim verified; 0 when the claim is gone. The unique index on {@code verified_domain}
     * refuses it (a DataIntegrityViolationException) when another org holds the domain verified.
     */
    int verify(OrgId org, String domain, String method, Instant at, boolean includeSubdomains, Optional<String> result) {
        return jdbc.sql("update idp_domains set status = 'verified', method = ?, verified_domain = domain,"
                        + " verified_at = case when status = 'verified' then verified_at else ? end,"
                        + " include_subdomains = ?, missing_since = null, check_attempts = 0, next_check_at = null,"
                        + " last_checked_at = coalesce(?, last_checked_at), last_result = coalesce(?, last_result)"
                        + " where org_id = ? and domain = ?")
                .params(method, Timestamp.from(at), includeSubdomains,
                        result.isPresent() ? Timestamp.from(at) : null, result.orElse(null), org.value(), domain)
                .update();
    }

    /** Notes a lookup that did not prove the domain. */
    void checked(OrgId org, String domain, Instant at, String result) {
        jdbc.sql("update idp_domains set last_checked_at = ?, last_result = ?, check_attempts = check_attempts + 1"
                        + " where org_id = ? and domain = ?")
                .params(Timestamp.from(at), result, org.value(), domain).update();
    }

    /**
     * Tokens for claims that have none (those older than ownership checks): made when first shown, once
     * (a concurrent insert of the same token row is a no-op through the where clause or the primary key).
     */
    private void ensureTokens(OrgId org) {
        List<String> missing = jdbc.sql("select d.domain from idp_domains d where d.org_id = ? and not exists"
                        + " (select 1 from domain_tokens t where t.org_id = d.org_id and t.domain = d.domain)")
                .param(org.value()).query(String.class).list();
        for (String domain : missing) {
            jdbc.sql("insert into domain_tokens (org_id, domain, token, created_at) select ?, ?, ?, ?"
                            + " where not exists (select 1 from domain_tokens where org_id = ? and domain = ?)")
                    .params(org.value(), domain, DomainChallenge.newToken(), Timestamp.from(Instant.now()), org.value(),
                            domain).update();
        }
    }

    private DomainState row(ResultSet rs, int n) throws SQLException {
        String domain = rs.getString("domain");
        return new DomainState(domain, new OrgId(rs.getString("org_id")), rs.getString("idp_id"), rs.getString("alias"),
                "verified".equals(rs.getString("status")) ? DomainState.Status.VERIFIED : DomainState.Status.PENDING,
                Optional.ofNullable(rs.getString("method")), rs.getTimestamp("claimed_at").toInstant(),
                instant(rs, "verified_at"), rs.getBoolean("include_subdomains"), instant(rs, "last_checked_at"),
                Optional.ofNullable(rs.getString("last_result")), DomainChallenge.of(domain, rs.getString("token")));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }
}
