package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Setup links: what a SaaS team hands a customer's IT admin instead of an API key. A link is one
 * org's (optionally one provider's), expires, can be revoked, and carries a 256-bit secret that is
 * shown once and stored as its SHA-256 (nothing to brute-force, so a plain hash is right, as for API
 * keys). {@link #resolve} is the one judge of a presented secret; its holder acts as
 * {@link SetupLink#caller()}, audited {@code setup-link:{id}}.
 */
@Service
public class SetupLinks {
    public static final int DEFAULT_HOURS = 168;
    public static final int MAX_HOURS = 720;
    /** Every secret starts so: secret scanners and log redaction recognize it. */
    public static final String SECRET_PREFIX = io.gatehouse.api.RedactedQuery.PATH_SECRET_PREFIX;
    /** Where the portal lives; a link is {@code {base}/setup/{secret}}. */
    public static final String PORTAL_PATH = "/setup/";
    private static final int MAX_SECRET = 200;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,253}$");
    private final SetupLinkStore store;
    private final Orgs orgs;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String baseUrl;

    SetupLinks(SetupLinkStore store, Orgs orgs, AuditLog audit, TransactionTemplate tx, Clock clock,
               GatehouseProperties properties) {
        this.store = store;
        this.orgs = orgs;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.baseUrl = properties.baseUrl();
    }

    /** A link just made, with its URL: the only moment its secret exists outside the recipient's hands. */
    public record Issued(SetupLink link, String url) {
        @Override
        public String toString() {
            return "Issued[" + link.id() + "]";
        }
    }

    /** {@code {expires_in_hours: 168 (1..720), alias?, email?}}, by an org admin or the platform key. */
    public Issued create(Caller caller, OrgId org, ObjectNode body) {
        caller.require(org, Permission.MANAGE_ORG);
        orgs.require(org);
        JsonFields f = JsonFields.of(body);
        int hours = f.integer("expires_in_hours", 1, MAX_HOURS).orElse(DEFAULT_HOURS);
        Optional<IdpAlias> alias = f.string("alias", 200).flatMap(a -> {
            Optional<IdpAlias> parsed = IdpAlias.parse(a);
            if (parsed.isEmpty()) {
                f.error("alias", "invalid_format", IdpAlias.FORMAT_RULE);
            }
            return parsed;
        });
        Optional<String> email = f.string("email", 320).map(String::strip).flatMap(e -> {
            if (!EMAIL.matcher(e).matches()) {
                f.error("email", "invalid_format", "must be an email address (name@domain)");
                return Optional.empty();
            }
            return Optional.of(e);
        });
        f.refuseUnknownFields();
        f.throwIfInvalid();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String secret = SECRET_PREFIX + RandomTokens.urlSafe(32);
        SetupLink link = new SetupLink("sl_" + HexFormat.of().formatHex(RandomTokens.bytes(10)), org, alias, email,
                caller.actor(), now, now.plus(Duration.ofHours(hours)), Optional.empty(), Optional.empty());
        tx.executeWithoutResult(s -> {
            if (!store.insert(link, Sha256.hex(secret))) {
                throw ProblemException.notFound("Organization " + org);
            }
            audit.configurationChanged(org, "setup_link.created", caller.actor(), link.id(), details(link));
        });
        return new Issued(link, baseUrl + PORTAL_PATH + secret);
    }

    /** The org's links, newest first, revoked and expired ones included; never a secret. */
    public List<SetupLink> list(Caller caller, OrgId org) {
        caller.require(org, Permission.MANAGE_ORG);
        orgs.require(org);
        return store.list(org);
    }

    /** Revokes the link: its secret and every portal session made from it stop working at once. */
    public void revoke(Caller caller, OrgId org, String id) {
        caller.require(org, Permission.MANAGE_ORG);
        tx.executeWithoutResult(s -> {
            if (!store.revoke(org, id, clock.instant())) {
                throw ProblemException.notFound("Setup link " + id);
            }
            audit.configurationChanged(org, "setup_link.revoked", caller.actor(), id,
                    TestSignInJson.JSON.createObjectNode());
        });
    }

    /**
     * The link a presented secret opens, or why none: unknown, expired or revoked. The secret is
     * looked up by its SHA-256 and the hashes compared in constant time, so neither the lookup nor
     * the comparison tells anything about the secret.
     */
    public SetupLinkResolution resolve(String secret, Instant now) {
        if (secret == null || secret.isEmpty() || secret.length() > MAX_SECRET) {
            return new SetupLinkResolution.Refused(SetupLinkRefusal.UNKNOWN);
        }
        String hash = Sha256.hex(secret);
        Optional<SetupLinkStore.Hashed> found = store.bySecretHash(hash)
                .filter(h -> MessageDigest.isEqual(h.hash().getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII)));
        if (found.isEmpty()) {
            return new SetupLinkResolution.Refused(SetupLinkRefusal.UNKNOWN);
        }
        SetupLinkResolution judged = judge(found.get().link(), Optional.empty(), Optional.empty(), now);
        if (judged instanceof SetupLinkResolution.Valid valid) {
            store.used(valid.link().id(), now);
        }
        return judged;
    }

    /** {@link #resolve}, for a use within {@code org} (and, when given, its provider {@code alias}). */
    public SetupLinkResolution resolve(String secret, OrgId org, Optional<String> alias, Instant now) {
        return switch (resolve(secret, now)) {
            case SetupLinkResolution.Refused refused -> refused;
            case SetupLinkResolution.Valid valid -> judge(valid.link(), Optional.of(org), alias, now);
        };
    }

    /**
     * The one rule on a link's use, in order: revoked, expired, another org's, another provider's
     * (for a link made for one).
     */
    static SetupLinkResolution judge(SetupLink link, Optional<OrgId> org, Optional<String> alias, Instant now) {
        SetupLinkRefusal refusal = switch (link.status(now)) {
            case REVOKED -> SetupLinkRefusal.REVOKED;
            case EXPIRED -> SetupLinkRefusal.EXPIRED;
            case ACTIVE -> null;
        };
        if (refusal == null && org.filter(o -> !o.equals(link.org())).isPresent()) {
            refusal = SetupLinkRefusal.OTHER_ORG;
        }
        if (refusal == null && link.alias().isPresent()
                && alias.filter(a -> !a.equals(link.alias().get().value())).isPresent()) {
            refusal = SetupLinkRefusal.OTHER_ALIAS;
        }
        return refusal == null ? new SetupLinkResolution.Valid(link) : new SetupLinkResolution.Refused(refusal);
    }

    private static ObjectNode details(SetupLink link) {
        ObjectNode o = TestSignInJson.JSON.createObjectNode();
        link.alias().ifPresent(a -> o.put("alias", a.value()));
        link.email().ifPresent(e -> o.put("email", e));
        o.put("expires_at", link.expiresAt().toString());
        return o;
    }
}
