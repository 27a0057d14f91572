package io.gatehouse.domains;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.idp.EmailDomain;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.RegistryChanged;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who owns which email domain: an org's claim (a domain listed on one of its providers) is pending until
 * the DNS TXT record {@code _gatehouse-challenge.{domain}} holds {@code gatehouse-verification={token}}, or
 * the platform key verifies it by hand. One org at a time holds a domain verified. Routing and provisioning
 * do not look at the state yet (they still follow every claim, the first one winning); that comes next.
 */
@Service
public class DomainOwnership {
    /** How long a pending, never-verified claim blocks another org that proves the domain. */
    public static final Duration STALE_AFTER = Duration.ofDays(14);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DomainClaimRows rows;
    private final TxtRecordLookup lookup;
    private final IdentityProviders registry;
    private final Orgs orgs;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    DomainOwnership(DomainClaimRows rows, TxtRecordLookup lookup, IdentityProviders registry, Orgs orgs,
                    AuditLog audit, TransactionTemplate tx, Clock clock, ApplicationEventPublisher events) {
        this.rows = rows;
        this.lookup = lookup;
        this.registry = registry;
        this.orgs = orgs;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /** How a verification is asked for. */
    public sealed interface Proof {
        /** Look the TXT record up now. */
        record Dns() implements Proof {
        }

        /** The platform operator vouches for the org (audited). */
        record Manual() implements Proof {
        }
    }

    /** The org's domains with their state; a setup link sees its provider's only. */
    public List<DomainState> list(Caller caller, OrgId org) {
        caller.require(org, Permission.READ);
        orgs.require(org);
        return rows.list(org).stream().filter(d -> caller.sees(d.alias())).toList();
    }

    /**
     * Verifies the org's claim on {@code domain}: by DNS (422 {@code domain_not_verified} saying what was
     * found when the record does not prove it) or by hand (platform key). {@code includeSubdomains}, when
     * given, sets whether the verified domain also covers its subdomains (never by default). Another org's
     * pending claim that is older than {@link #STALE_AFTER} and was never verified is released; a younger
     * one, or another org's verified claim, is 409 {@code domain_taken}.
     */
    public DomainState verify(Caller caller, OrgId org, String domain, Proof proof, Optional<Boolean> includeSubdomains) {
        caller.require(org, Permission.MANAGE_IDENTITY_PROVIDERS);
        if (proof instanceof Proof.Manual) {
            caller.requirePlatform();
        }
        String name = normalized(domain);
        DomainState claim = rows.find(org, name).filter(d -> caller.sees(d.alias()))
                .orElseThrow(() -> noClaim(org, name));
        boolean subdomains = includeSubdomains.orElse(claim.includeSubdomains());
        Optional<String> found = Optional.empty();
        if (proof instanceof Proof.Dns) {
            // the lookup runs outside any transaction: it may take seconds
            TxtAnswer answer = lookup.lookup(claim.challenge().name());
            Instant at = now();
            if (!claim.challenge().provenBy(answer)) {
                String words = words(answer, claim.challenge());
                tx.executeWithoutResult(s -> {
                    rows.checked(org, name, at, words);
                    ObjectNode details = JSON.createObjectNode().put("domain", name).put("result", answer.code().name()
                            .toLowerCase(java.util.Locale.ROOT)).put("found", words);
                    audit.configurationChanged(org, "domain.verification_failed", caller.actor(), name, details);
                });
                throw new ProblemException(ErrorCode.DOMAIN_NOT_VERIFIED, "The TXT record " + claim.challenge().name()
                        + " does not prove the domain: " + words + ". Add a TXT record " + claim.challenge().name()
                        + " with the value " + claim.challenge().value() + " and try again");
            }
            found = Optional.of("the TXT record " + claim.challenge().name() + " holds the verification value");
        }
        markVerified(claim, found.isPresent() ? "dns" : "manual", subdomains, found, now(), caller.actor());
        return rows.find(org, name).orElseThrow(() -> ProblemException.notFound("Domain " + domain));
    }

    /**
     * What a background check does with a lookup that proves the claim: the same rules as {@link #verify}
     * (stale claims released, one verified claim per domain, the event), with the system as the actor.
     *
     * @throws ProblemException {@code domain_taken} when another org holds the domain, 404 when the claim is gone
     */
    void verifiedByCheck(DomainState claim, Instant at, String actor) {
        markVerified(claim, "dns", claim.includeSubdomains(), Optional.of("the TXT record " + claim.challenge().name()
                + " holds the verification value"), at, actor);
    }

    /**
     * A verified claim whose record has been missing since {@code missingSince}: pending again, never silently
     * (event {@code domain.verification_lost} with what the last lookup found). {@code verified_at} stays: the
     * claim was once verified, so it is not the "never verified" kind that {@link #STALE_AFTER} releases.
     * False when the claim was no longer verified by DNS (changed meanwhile).
     */
    /**
     * The first miss of a verified claim's record: noted on the claim and said in an event at once, with the
     * day the claim returns to pending if the record stays away, so that the org hears of it a week ahead.
     */
    void recordMissing(DomainState claim, TxtAnswer answer, Instant at, Instant lostAt, Instant next, String actor) {
        String words = words(answer, claim.challenge());
        tx.executeWithoutResult(s -> {
            rows.recheckedVerified(claim, at, words, Optional.of(at), next);
            ObjectNode details = JSON.createObjectNode().put("domain", claim.domain())
                    .put("identity_provider", claim.alias()).put("pending_from", lostAt.toString())
                    .put("result", answer.code().name().toLowerCase(java.util.Locale.ROOT)).put("found", words)
                    .put("record", claim.challenge().name()).put("value", claim.challenge().value());
            audit.configurationChanged(claim.org(), "domain.record_missing", actor, claim.domain(), details);
        });
    }

    boolean verificationLost(DomainState claim, Instant missingSince, TxtAnswer answer, Instant at, Instant next,
                             String actor) {
        String words = words(answer, claim.challenge());
        boolean lost = Boolean.TRUE.equals(tx.execute(s -> {
            if (rows.unverify(claim, at, words, next) == 0) {
                return false;
            }
            ObjectNode details = JSON.createObjectNode().put("domain", claim.domain())
                    .put("identity_provider", claim.alias()).put("missing_since", missingSince.toString())
                    .put("result", answer.code().name().toLowerCase(java.util.Locale.ROOT)).put("found", words);
            audit.configurationChanged(claim.org(), "domain.verification_lost", actor, claim.domain(), details);
            return true;
        }));
        if (lost) {
            events.publishEvent(new RegistryChanged(claim.org()));
        }
        return lost;
    }

    /**
     * Marks the claim verified in one transaction with the release of other orgs' stale claims and the
     * event; then tells the registry which orgs' routing changed.
     */
    private void markVerified(DomainState claim, String how, boolean subdomains, Optional<String> result, Instant at,
                              String actor) {
        OrgId org = claim.org();
        String name = claim.domain();
        List<OrgId> released = new ArrayList<>();
        try {
            tx.executeWithoutResult(s -> {
                // the own row first: its unique verified_domain decides between orgs verifying at once
                if (rows.verify(org, name, how, at, subdomains, result) == 0) {
                    throw noClaim(org, name);
                }
                for (DomainState other : rows.othersOn(name, org)) {
                    if (other.verified()) {
                        throw taken(name, "is verified by another organization");
                    }
                    Instant releasable = other.claimedAt().plus(STALE_AFTER);
                    if (other.verifiedAt().isPresent() || releasable.isAfter(at)) {
                        throw taken(name, "is claimed by another organization, whose claim can be released from "
                                + releasable.truncatedTo(ChronoUnit.SECONDS) + " on if it is still not verified then");
                    }
                    registry.releaseDomain(other.org(), other.idpId(), new EmailDomain(name), at);
                    audit.configurationChanged(other.org(), "domain.released", "system:domain-ownership", name,
                            JSON.createObjectNode().put("domain", name).put("identity_provider", other.alias()));
                    released.add(other.org());
                }
                ObjectNode details = JSON.createObjectNode().put("domain", name).put("method", how)
                        .put("include_subdomains", subdomains).put("identity_provider", claim.alias());
                if (!claim.verified()) {
                    audit.configurationChanged(org, "domain.verified", actor, name, details);
                } else if (subdomains != claim.includeSubdomains()) {
                    audit.configurationChanged(org, "domain.updated", actor, name, details);
                }
            });
        } catch (DataIntegrityViolationException | TransientDataAccessException e) {
            // another org's verification of the domain committed first, or held its rows past the lock timeout (H2),
            // or the database broke a deadlock between the two (PostgreSQL): the one that went through owns it
            throw taken(name, "was verified by another organization at the same moment");
        }
        released.forEach(o -> events.publishEvent(new RegistryChanged(o)));
        events.publishEvent(new RegistryChanged(org));
    }

    /**
     * The org holds no claim on the domain: 409 when another org holds it verified (its own claim may just
     * have been released by that verification; creating a provider with the domain would say as much),
     * else 404.
     */
    private ProblemException noClaim(OrgId org, String domain) {
        if (rows.othersOn(domain, org).stream().anyMatch(DomainState::verified)) {
            return taken(domain, "is verified by another organization");
        }
        return ProblemException.notFound("Domain " + domain + " of organization " + org);
    }

    private static ProblemException taken(String domain, String why) {
        return new ProblemException(ErrorCode.DOMAIN_TAKEN, "The domain " + domain + " " + why);
    }

    /** What the lookup found, in words for an admin (never the other records' full text beyond a few). */
    static String words(TxtAnswer answer, DomainChallenge challenge) {
        return switch (answer) {
            case TxtAnswer.Found f -> {
                boolean nearMiss = f.values().stream().anyMatch(v -> v.strip().startsWith("gatehouse-verification="));
                yield f.values().size() + " TXT record(s) at " + challenge.name() + ", none with the expected value"
                        + (nearMiss ? " (a gatehouse-verification record holds another token: this org's token is"
                        + " the one shown in verification.value)" : "");
            }
            case TxtAnswer.Missing m -> m.reason();
            case TxtAnswer.Failed f -> f.reason();
        };
    }

    private static String normalized(String domain) {
        return EmailDomain.comparable(domain).orElseThrow(() -> ProblemException.notFound("Domain " + domain));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
