package io.gatehouse.domains;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestDiscoveryServer;
import io.gatehouse.testkit.TestDnsServer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The background checks of domain claims, each round driven directly at a chosen instant, the lookups
 * answered by a real DNS server ({@link TestDnsServer}). The claims under test are moved a century ahead
 * (their claimed and next-check times), so that the application's own schedule, which runs on the real
 * time, never takes them, and each test starts at its own instant, past what earlier tests scheduled.
 */
abstract class DomainChecksTests extends ApiTest {
    private static final TestDnsServer DNS = TestDnsServer.shared();
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final AtomicLong STARTS = new AtomicLong();
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DomainChecks checks;
    @Autowired
    DomainClaimRows rows;
    @Autowired
    TxtRecordLookup lookup;
    @Autowired
    DomainOwnership ownership;
    @Autowired
    java.time.Clock clock;
    private TestDiscoveryServer discovery;
    private String org;
    private Instant t0;

    @BeforeEach
    void setUp() {
        discovery = new TestDiscoveryServer();
        org = createOrg(uniqueOrgId("chk"));
        t0 = Instant.now().plus(Duration.ofDays(36500 + 1000 * STARTS.incrementAndGet())).truncatedTo(ChronoUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        discovery.close();
    }

    /** A provider of the org with the domains, their claims made at {@code claimedAt} and due then. */
    private void claim(String alias, Instant claimedAt, String... domains) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Acme").put("protocol", "oidc");
        var list = body.putArray("domains");
        for (String d : domains) {
            list.add(d);
        }
        body.putObject("oidc").put("issuer", discovery.issuer()).put("client_id", "client-1")
                .put("client_secret", "s3cr3t-value-never-shown");
        Reply r = api.post("/api/orgs/" + org + "/identity-providers", ADMIN, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        for (String d : domains) {
            jdbc.sql("update idp_domains set claimed_at = ?, next_check_at = ? where org_id = ? and domain = ?")
                    .params(Timestamp.from(claimedAt), Timestamp.from(claimedAt), org, d).update();
        }
    }

    private String challengeName(String domain) {
        return "_gatehouse-challenge." + domain;
    }

    private void publish(String domain) {
        String token = jdbc.sql("select token from domain_tokens where org_id = ? and domain = ?").params(org, domain)
                .query(String.class).single();
        DNS.txt(challengeName(domain), TTL, "v=spf1 -all", "gatehouse-verification=" + token);
    }

    /** Rounds at {@code at} until one takes fewer than its bound: every claim due then was looked at. */
    private void roundsAt(Instant at) {
        int taken;
        do {
            taken = checks.runOnce(at);
        } while (taken == DomainChecks.ROUND_LIMIT);
    }

    record Row(String status, String method, Instant verifiedAt, Instant nextCheckAt, int attempts,
               Instant missingSince, String lastResult, Instant lastCheckedAt, String verifiedDomain) {
    }

    private Row row(String domain) {
        return jdbc.sql("select * from idp_domains where org_id = ? and domain = ?").params(org, domain)
                .query((rs, n) -> new Row(rs.getString("status"), rs.getString("method"), instant(rs, "verified_at"),
                        instant(rs, "next_check_at"), rs.getInt("check_attempts"), instant(rs, "missing_since"),
                        rs.getString("last_result"), instant(rs, "last_checked_at"), rs.getString("verified_domain")))
                .single();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private List<JsonNode> events(String type, String target) {
        Reply r = api.get("/api/orgs/" + org + "/events?category=configuration&limit=200", ADMIN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        r.json().get("items").forEach(e -> {
            if (e.get("type").asString().equals(type) && e.get("target").asString().equals(target)) {
                found.add(e);
            }
        });
        return found;
    }

    private Instant day(int n) {
        return t0.plus(Duration.ofDays(n));
    }

    @Test
    void aPendingDomainIsVerifiedOnceItsRecordAppears() {
        String domain = uniqueDomain();
        claim("okta", t0, domain);
        roundsAt(t0);
        Row missing = row(domain);
        assertThat(missing.status()).isEqualTo("pending");
        assertThat(missing.lastResult()).contains("NXDOMAIN");
        assertThat(missing.lastCheckedAt()).isEqualTo(t0);
        assertThat(missing.attempts()).isEqualTo(1);
        assertThat(missing.nextCheckAt()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
        // not due yet: the round leaves it alone
        roundsAt(t0.plus(Duration.ofMinutes(4)));
        assertThat(row(domain).attempts()).isEqualTo(1);

        publish(domain);
        Instant at = t0.plus(Duration.ofMinutes(5));
        roundsAt(at);
        Row verified = row(domain);
        assertThat(verified.status()).isEqualTo("verified");
        assertThat(verified.method()).isEqualTo("dns");
        assertThat(verified.verifiedAt()).isEqualTo(at);
        assertThat(verified.nextCheckAt()).as("re-checked daily").isEqualTo(at.plus(Duration.ofDays(1)));
        List<JsonNode> events = events("domain.verified", domain);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("actor").asString()).isEqualTo(DomainChecks.ACTOR);
        assertThat(events.getFirst().at("/details/method").asString()).isEqualTo("dns");
        // the failed background attempt left no event
        assertThat(events("domain.verification_failed", domain)).isEmpty();
        JsonNode listed = api.get("/api/orgs/" + org + "/domains", ADMIN).json().get("items").get(0);
        assertThat(listed.get("status").asString()).isEqualTo("verified");
    }

    @Test
    void theBackoffDoublesUpToAnHourAndIsHourlyForClaimsOlderThanADay() {
        String young = uniqueDomain();
        String old = uniqueDomain();
        claim("okta", t0, young, old);
        jdbc.sql("update idp_domains set claimed_at = ? where org_id = ? and domain = ?")
                .params(Timestamp.from(t0.minus(Duration.ofDays(2))), org, old).update();
        Instant at = t0;
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            roundsAt(at);
            Row r = row(young);
            assertThat(r.lastCheckedAt()).isEqualTo(at);
            assertThat(r.attempts()).isEqualTo(i + 1);
            waits.add(Duration.between(at, r.nextCheckAt()).toMinutes());
            at = r.nextCheckAt();
        }
        assertThat(waits).containsExactly(5L, 10L, 20L, 40L, 60L, 60L);
        assertThat(row(old).attempts()).as("checked in the first round only, then hourly").isGreaterThanOrEqualTo(1);
        assertThat(Duration.between(row(old).lastCheckedAt(), row(old).nextCheckAt())).isEqualTo(Duration.ofHours(1));
        assertThat(events("domain.verification_failed", young)).isEmpty();

        // a day after its claim the young one is looked at hourly too, whatever its count of attempts
        jdbc.sql("update idp_domains set check_attempts = 0 where org_id = ? and domain = ?").params(org, young).update();
        Instant later = t0.plus(Duration.ofDays(1)).plusSeconds(1);
        roundsAt(later);
        assertThat(row(young).nextCheckAt()).isEqualTo(later.plus(Duration.ofHours(1)));
    }

    /** A domain verified by a background round at {@code t0}. */
    private String verifiedDomain() {
        String domain = uniqueDomain();
        claim("okta", t0, domain);
        publish(domain);
        roundsAt(t0);
        assertThat(row(domain).status()).isEqualTo("verified");
        return domain;
    }

    @Test
    void aVerifiedDomainWhoseRecordIsGoneStaysVerifiedSixDaysAndIsPendingOnTheSeventh() {
        String domain = verifiedDomain();
        roundsAt(day(1));
        assertThat(row(domain).missingSince()).isNull();
        DNS.nxdomain(challengeName(domain));
        roundsAt(day(2));
        Row first = row(domain);
        assertThat(first.status()).isEqualTo("verified");
        assertThat(first.missingSince()).isEqualTo(day(2));
        assertThat(first.lastResult()).contains("NXDOMAIN");
        // said at once, a week ahead: which record, and when the domain stops routing unless it is back
        List<JsonNode> warned = events("domain.record_missing", domain);
        assertThat(warned).hasSize(1);
        assertThat(warned.getFirst().at("/details/pending_from").asString()).isEqualTo(day(9).toString());
        assertThat(warned.getFirst().at("/details/record").asString()).isEqualTo(challengeName(domain));
        assertThat(warned.getFirst().at("/details/found").asString()).contains("NXDOMAIN");
        for (int d = 3; d <= 8; d++) {
            roundsAt(day(d));
            assertThat(row(domain).status()).as("day %s of the miss", d - 2).isEqualTo("verified");
            assertThat(row(domain).missingSince()).isEqualTo(day(2));
        }
        assertThat(events("domain.verification_lost", domain)).isEmpty();
        assertThat(events("domain.record_missing", domain)).as("one warning per run of misses").hasSize(1);

        roundsAt(day(9));
        Row lost = row(domain);
        assertThat(lost.status()).isEqualTo("pending");
        assertThat(lost.verifiedDomain()).isNull();
        assertThat(lost.method()).isNull();
        assertThat(lost.verifiedAt()).as("once verified, never 'never verified'").isEqualTo(t0);
        assertThat(lost.missingSince()).isNull();
        List<JsonNode> events = events("domain.verification_lost", domain);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("actor").asString()).isEqualTo(DomainChecks.ACTOR);
        assertThat(events.getFirst().at("/details/missing_since").asString()).isEqualTo(day(2).toString());
        assertThat(events.getFirst().at("/details/found").asString()).contains("NXDOMAIN");
        JsonNode listed = api.get("/api/orgs/" + org + "/domains", ADMIN).json().get("items").get(0);
        assertThat(listed.get("status").asString()).isEqualTo("pending");

        // pending again, it is checked like any pending claim, and verified again when the record is back
        publish(domain);
        roundsAt(lost.nextCheckAt());
        assertThat(row(domain).status()).isEqualTo("verified");
        assertThat(events("domain.verified", domain)).hasSize(2);
    }

    @Test
    void aRecordBackWithinTheWeekEndsTheRunOfMisses() {
        String domain = verifiedDomain();
        DNS.noTxt(challengeName(domain));
        roundsAt(day(1));
        roundsAt(day(2));
        assertThat(row(domain).missingSince()).isEqualTo(day(1));
        publish(domain);
        roundsAt(day(3));
        assertThat(row(domain).missingSince()).isNull();
        // records without the org's value count as missing: a new run starts
        DNS.txt(challengeName(domain), TTL, "v=spf1 -all");
        roundsAt(day(4));
        assertThat(row(domain).missingSince()).isEqualTo(day(4));
        for (int d = 5; d <= 10; d++) {
            roundsAt(day(d));
        }
        assertThat(row(domain).status()).isEqualTo("verified");
        roundsAt(day(11));
        assertThat(row(domain).status()).isEqualTo("pending");
    }

    @Test
    void aDnsFailureIsNotAMissingRecord() {
        String domain = verifiedDomain();
        DNS.servfail(challengeName(domain));
        roundsAt(day(1));
        Row failed = row(domain);
        assertThat(failed.status()).isEqualTo("verified");
        assertThat(failed.missingSince()).isNull();
        assertThat(failed.lastResult()).contains("SERVFAIL");
        assertThat(failed.nextCheckAt()).as("looked at again sooner").isEqualTo(day(1).plus(Duration.ofHours(1)));
        for (int d = 2; d <= 10; d++) {
            roundsAt(day(d));
        }
        assertThat(row(domain).status()).isEqualTo("verified");
        assertThat(row(domain).missingSince()).isNull();
        assertThat(events("domain.verification_lost", domain)).isEmpty();

        // a failure within a run of misses neither ends nor restarts it
        DNS.nxdomain(challengeName(domain));
        roundsAt(day(11));
        DNS.servfail(challengeName(domain));
        roundsAt(day(12));
        assertThat(row(domain).missingSince()).isEqualTo(day(11));
    }

    @Test
    void claimsVerifiedByHandOrMigratedAreNotLookedAt() {
        String manual = uniqueDomain();
        String migrated = uniqueDomain();
        claim("okta", t0, manual, migrated);
        Reply r = api.post("/api/orgs/" + org + "/domains/" + manual + "/verify", ADMIN,
                ApiClient.object().put("method", "manual"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        jdbc.sql("update idp_domains set status = 'verified', method = 'migrated', verified_domain = domain,"
                + " verified_at = ?, next_check_at = null where org_id = ? and domain = ?")
                .params(Timestamp.from(t0), org, migrated).update();
        for (int d = 0; d <= 10; d++) {
            roundsAt(day(d));
        }
        for (String domain : List.of(manual, migrated)) {
            assertThat(DNS.queries(challengeName(domain))).isZero();
            assertThat(row(domain).status()).isEqualTo("verified");
            assertThat(row(domain).lastCheckedAt()).isNull();
        }
    }

    @Test
    void aRoundTakesAtMostItsBoundTheLongestDueFirstAndNoClaimTwice() {
        // a claim older than a day, as everything else in the database is: after this round, all are due an hour
        // or more after t0 at the earliest
        claim("okta", t0.minus(Duration.ofDays(2)), uniqueDomain());
        roundsAt(t0);
        String idp = jdbc.sql("select id from identity_providers where org_id = ? and alias = 'okta'").param(org)
                .query(String.class).single();
        List<String> domains = new ArrayList<>();
        for (int i = 0; i <= DomainChecks.ROUND_LIMIT; i++) {
            String d = uniqueDomain();
            domains.add(d);
            Timestamp due = Timestamp.from(t0.plusSeconds(60 + i));
            jdbc.sql("insert into idp_domains (domain, org_id, idp_id, status, claimed_at, next_check_at)"
                    + " values (?, ?, ?, 'pending', ?, ?)").params(d, org, idp, due, due).update();
            jdbc.sql("insert into domain_tokens (org_id, domain, token, created_at) values (?, ?, ?, ?)")
                    .params(org, d, DomainChallenge.newToken(), due).update();
        }
        Instant at = t0.plus(Duration.ofMinutes(30));
        assertThat(checks.runOnce(at)).isEqualTo(DomainChecks.ROUND_LIMIT);
        assertThat(row(domains.getLast()).lastCheckedAt()).as("the last due is left for the next round").isNull();
        assertThat(row(domains.getFirst()).lastCheckedAt()).isEqualTo(at);
        assertThat(checks.runOnce(at)).isEqualTo(1);
        assertThat(row(domains.getLast()).lastCheckedAt()).isEqualTo(at);
        assertThat(checks.runOnce(at)).isZero();

        // a claim taken by one round is not taken by another that read it at the same time
        Instant later = at.plus(Duration.ofHours(2));
        List<DomainClaimRows.Due> due = rows.due(later, 5);
        assertThat(due).isNotEmpty();
        assertThat(rows.take(due.getFirst(), later.plus(DomainChecks.TAKEN_FOR))).isTrue();
        assertThat(rows.take(due.getFirst(), later.plus(DomainChecks.TAKEN_FOR))).isFalse();
    }

    @Test
    void withVerificationOffTheChecksDoNothing() {
        String domain = uniqueDomain();
        claim("okta", t0, domain);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-env",
                Map.of("GATEHOUSE_DOMAIN_VERIFICATION", "off")));
        GatehouseProperties off = new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("gatehouse", GatehouseProperties.class);
        try (DomainChecks idle = new DomainChecks(rows, lookup, ownership, clock, off)) {
            assertThat(idle.runOnce(t0)).isZero();
        }
        assertThat(DNS.queries(challengeName(domain))).isZero();
        assertThat(row(domain).lastCheckedAt()).isNull();
        assertThat(row(domain).nextCheckAt()).isEqualTo(t0);
    }
}
