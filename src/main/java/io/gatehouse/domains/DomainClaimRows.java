package io.gatehouse.domains;

import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
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
    /** How long a claim verified by DNS goes before its record is looked at again. */
    static final Duration RECHECK_VERIFIED = Duration.ofDays(1);
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
        // a claim verified by DNS is looked at again a day later; one verified by hand has no record to look at
        Timestamp next = "dns".equals(method) ? Timestamp.from(at.plus(RECHECK_VERIFIED)) : null;
        return jdbc.sql("update idp_domains set status = 'verified', method = ?, verified_domain = domain,"
                        + " verified_at = case when status = 'verified' then verified_at else ? end,"
                        + " include_subdomains = ?, missing_since = null, check_attempts = 0, next_check_at = ?,"
                        + " last_checked_at = coalesce(?, last_checked_at), last_result = coalesce(?, last_result)"
                        + " where org_id = ? and domain = ?")
                .params(method, Timestamp.from(at), includeSubdomains, next,
                        result.isPresent() ? Timestamp.from(at) : null, result.map(DomainClaimRows::fitted).orElse(null),
                        org.value(), domain)
                .update();
    }

    /**
     * A claim due for a background check, with what the schedule knows of it.
     *
     * @param nextCheckAt  when it became due (empty: due since it was made)
     * @param missingSince when a verified claim's record was first found missing, in the current run of misses
     */
    record Due(DomainState claim, Optional<Instant> nextCheckAt, Optional<Instant> missingSince, int checkAttempts) {
    }

    /**
     * Pending claims and claims verified by DNS whose next check is due at {@code now}, the longest due first.
     * Claims verified by hand or migrated are never due: there is no record of theirs to look at.
     */
    List<Due> due(Instant now, int limit) {
        return jdbc.sql("select d.next_check_at, d.missing_since, d.check_attempts, " + SELECT.substring(7)
                        + " where (d.status = 'pending' or (d.status = 'verified' and d.method = 'dns'))"
                        + " and (d.next_check_at is null or d.next_check_at <= ?)"
                        // a claim without a token (older than ownership checks) has no record anyone could publish
                        + " and t.token is not null"
                        + " order by d.next_check_at nulls first, d.domain, d.org_id limit ?")
                .params(Timestamp.from(now), limit)
                .query((rs, n) -> new Due(row(rs, n), instant(rs, "next_check_at"), instant(rs, "missing_since"),
                        rs.getInt("check_attempts"))).list();
    }

    /**
     * Takes a due claim for one check by moving its next check to {@code until}, if no other round (on this
     * node or another) moved it since it was read; false when one did.
     */
    boolean take(Due due, Instant until) {
        DomainState c = due.claim();
        String status = c.status() == DomainState.Status.VERIFIED ? "verified" : "pending";
        if (due.nextCheckAt().isEmpty()) {
            return jdbc.sql("update idp_domains set next_check_at = ? where org_id = ? and domain = ? and status = ?"
                            + " and next_check_at is null")
                    .params(Timestamp.from(until), c.org().value(), c.domain(), status).update() == 1;
        }
        return jdbc.sql("update idp_domains set next_check_at = ? where org_id = ? and domain = ? and status = ?"
                        + " and next_check_at = ?")
                .params(Timestamp.from(until), c.org().value(), c.domain(), status,
                        Timestamp.from(due.nextCheckAt().get())).update() == 1;
    }

    /** Notes a background lookup that did not prove a pending claim, and when to look again. */
    void notProven(DomainState claim, Instant at, String result, Instant next) {
        jdbc.sql("update idp_domains set last_checked_at = ?, last_result = ?, check_attempts = check_attempts + 1,"
                        + " next_check_at = ? where org_id = ? and domain = ? and status = 'pending'")
                .params(Timestamp.from(at), fitted(result), Timestamp.from(next), claim.org().value(), claim.domain())
                .update();
    }

    /**
     * Notes a background lookup of a verified claim: the record there ({@code missingSince} empty), missing since
     * then, or the lookup failed (the count of misses left as it was).
     */
    void recheckedVerified(DomainState claim, Instant at, String result, Optional<Instant> missingSince, Instant next) {
        jdbc.sql("update idp_domains set last_checked_at = ?, last_result = ?, missing_since = ?, next_check_at = ?"
                        + " where org_id = ? and domain = ? and status = 'verified' and method = 'dns'")
                .params(Timestamp.from(at), fitted(result), missingSince.map(Timestamp::from).orElse(null),
                        Timestamp.from(next), claim.org().value(), claim.domain()).update();
    }

    /**
     * Returns a claim verified by DNS to pending ({@code verified_at} kept); 0 when it is no longer one.
     */
    int unverify(DomainState claim, Instant at, String result, Instant next) {
        return jdbc.sql("update idp_domains set status = 'pending', method = null, verified_domain = null,"
                        + " missing_since = null, check_attempts = 0, last_checked_at = ?, last_result = ?,"
                        + " next_check_at = ? where org_id = ? and domain = ? and status = 'verified' and method = 'dns'")
                .params(Timestamp.from(at), fitted(result), Timestamp.from(next), claim.org().value(), claim.domain())
                .update();
    }

    /** Notes a lookup that did not prove the domain. */
    void checked(OrgId org, String domain, Instant at, String result) {
        jdbc.sql("update idp_domains set last_checked_at = ?, last_result = ?, check_attempts = check_attempts + 1"
                        + " where org_id = ? and domain = ?")
                .params(Timestamp.from(at), fitted(result), org.value(), domain).update();
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

    /** What was found, cut to the 500 characters {@code last_result} keeps (a TXT answer may be far longer). */
    private static String fitted(String result) {
        return result.length() <= 500 ? result : result.substring(0, 499) + "…";
    }
}
