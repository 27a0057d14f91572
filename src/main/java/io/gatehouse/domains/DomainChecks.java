package io.gatehouse.domains;

import io.gatehouse.api.ProblemException;
import io.gatehouse.config.GatehouseProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Looks at domain claims' TXT records in the background, once a minute taking what is due: pending claims
 * with backing off (5, 10, 20, 40 minutes, then hourly; hourly at once for claims older than a day), which
 * become verified when their record appears; claims verified by DNS daily, which return to pending when
 * their record has been missing for {@link #LOST_AFTER} in a row. Verification itself, with its rules and
 * events, stays in {@link DomainOwnership}.
 */
@Component
class DomainChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DomainChecks.class);
    static final String ACTOR = "system:domain-checks";
    /** Claims looked at per round, so that a large table never holds up a node. */
    static final int ROUND_LIMIT = 100;
    static final Duration FIRST_BACKOFF = Duration.ofMinutes(5);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** Past this age a pending claim is looked at hourly: its owner is not waiting at the page any more. */
    static final Duration YOUNG = Duration.ofDays(1);
    /** How long a verified claim's record may be missing, in a row, before the claim is pending again. */
    static final Duration LOST_AFTER = Duration.ofDays(7);
    /** A lookup that could not tell (DNS down) is repeated sooner than the daily re-check. */
    static final Duration AFTER_FAILED_LOOKUP = Duration.ofHours(1);
    /**
     * How long a claim taken by a round is left alone by the others: past it a round that died mid-check
     * (a node stopped) is taken over.
     */
    static final Duration TAKEN_FOR = Duration.ofMinutes(5);

    private final DomainClaimRows rows;
    private final TxtRecordLookup lookup;
    private final DomainOwnership ownership;
    private final Clock clock;
    private final boolean enabled;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("domain-checks").factory());

    DomainChecks(DomainClaimRows rows, TxtRecordLookup lookup, DomainOwnership ownership, Clock clock,
                 GatehouseProperties properties) {
        this.rows = rows;
        this.lookup = lookup;
        this.ownership = ownership;
        this.clock = clock;
        // with verification off every claim is verified on creation (by hand): nothing to look at
        this.enabled = properties.domainVerificationRequired();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (enabled) {
            scheduler.scheduleWithFixedDelay(this::runQuietly, 60, 60, TimeUnit.SECONDS);
        }
    }

    private void runQuietly() {
        try {
            runOnce(clock.instant());
        } catch (RuntimeException e) {
            // a database hiccup must not end the schedule; the next round tries again (the class only: a
            // message could carry a row's values)
            LOG.warn("Domain check round failed: {}", e.getClass().getSimpleName());
        }
    }

    /** One round: the claims due at {@code now}, at most {@link #ROUND_LIMIT}; how many were looked up. */
    int runOnce(Instant now) {
        if (!enabled) {
            return 0;
        }
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        int looked = 0;
        for (DomainClaimRows.Due due : rows.due(at, ROUND_LIMIT)) {
            if (!rows.take(due, at.plus(TAKEN_FOR))) {
                continue;
            }
            looked++;
            try {
                // the lookup runs outside any transaction: it may take seconds
                TxtAnswer answer = lookup.lookup(due.claim().challenge().name());
                if (due.claim().verified()) {
                    recheckVerified(due, answer, at);
                } else {
                    checkPending(due, answer, at);
                }
            } catch (RuntimeException e) {
                // one claim's trouble does not hold up the others; taken, it is looked at again after TAKEN_FOR
                LOG.warn("Domain check of a claim of org {} failed: {}", due.claim().org().value(),
                        e.getClass().getSimpleName());
            }
        }
        return looked;
    }

    private void checkPending(DomainClaimRows.Due due, TxtAnswer answer, Instant at) {
        DomainState claim = due.claim();
        String found;
        if (claim.challenge().provenBy(answer)) {
            try {
                ownership.verifiedByCheck(claim, at, ACTOR);
                return;
            } catch (ProblemException e) {
                // another org holds the domain, or a younger claim of theirs blocks it (the detail says until
                // when); gone (404): the provider dropped the domain meanwhile, and the update below finds no row
                found = e.getMessage();
            }
        } else {
            found = DomainOwnership.words(answer, claim.challenge());
        }
        // no event per failed attempt (they would flood the log): the claim's last check shows what was found
        rows.notProven(claim, at, found, at.plus(backoff(claim, due.checkAttempts() + 1, at)));
    }

    /**
     * How long after its {@code attempt}th failed check a pending claim is looked at again: doubling from
     * {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}; the maximum once the claim is older than {@link #YOUNG}.
     */
    static Duration backoff(DomainState claim, int attempt, Instant at) {
        if (claim.claimedAt().plus(YOUNG).isBefore(at)) {
            return MAX_BACKOFF;
        }
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 10));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /**
     * A claim verified by DNS (only those are due: a claim verified by hand or migrated has no record to look
     * at). A lookup that could not tell (SERVFAIL, a timeout) is not a missing record: the DNS being down is
     * not the record being gone, so it neither starts nor ends a run of misses.
     */
    private void recheckVerified(DomainClaimRows.Due due, TxtAnswer answer, Instant at) {
        DomainState claim = due.claim();
        String words = DomainOwnership.words(answer, claim.challenge());
        if (claim.challenge().provenBy(answer)) {
            rows.recheckedVerified(claim, at, "the TXT record " + claim.challenge().name()
                    + " holds the verification value", Optional.empty(), at.plus(DomainClaimRows.RECHECK_VERIFIED));
            return;
        }
        if (answer instanceof TxtAnswer.Failed) {
            rows.recheckedVerified(claim, at, words, due.missingSince(), at.plus(AFTER_FAILED_LOOKUP));
            return;
        }
        // missing, or records at the name without this org's value: either way the proof is gone
        if (due.missingSince().isEmpty()) {
            ownership.recordMissing(claim, answer, at, at.plus(LOST_AFTER), at.plus(DomainClaimRows.RECHECK_VERIFIED),
                    ACTOR);
            return;
        }
        Instant since = due.missingSince().get();
        if (!since.plus(LOST_AFTER).isAfter(at)) {
            ownership.verificationLost(claim, since, answer, at, at.plus(MAX_BACKOFF), ACTOR);
            return;
        }
        rows.recheckedVerified(claim, at, words, Optional.of(since), at.plus(DomainClaimRows.RECHECK_VERIFIED));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
