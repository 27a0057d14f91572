package io.gatehouse.idp;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.Secret;
import io.gatehouse.idp.IdpDraft.ProtocolDraft;
import io.gatehouse.idp.saml.SpKeys;
import io.gatehouse.tenancy.Org;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import com.google.common.util.concurrent.Striped;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity-provider registry: the only writer of identity providers. Every path in (native
 * API, compatibility endpoints, setup page) goes through {@link #create}, {@link #replace} or
 * {@link #patch}, so every rule is applied once, here and in the reader.
 */
@Service
public class IdentityProviders {
    private final IdentityProviderStore store;
    private final Orgs orgs;
    private final AuditLog audit;
    private final SourceResolver resolver;
    private final SpKeys spKeys;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final IdentityProviderReader reader;
    private final GatehouseProperties properties;
    private final Striped<Lock> creationLocks = Striped.lock(64);
    private final org.springframework.context.ApplicationEventPublisher events;

    IdentityProviders(IdentityProviderStore store, Orgs orgs, AuditLog audit, SourceResolver resolver, SpKeys spKeys,
                      TransactionTemplate tx, Clock clock, GatehouseProperties properties,
                      org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.orgs = orgs;
        this.audit = audit;
        this.resolver = resolver;
        this.spKeys = spKeys;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
        this.reader = new IdentityProviderReader(properties.privateNetworkFetchAllowed());
    }

    public String baseUrl() {
        return properties.baseUrl();
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Creates a provider: {@code active} unless the request says {@code "status": "draft"} (or
     * {@code "enabled": false}: inactive); through a setup link, always a draft.
     */
    public IdentityProvider create(Caller caller, OrgId orgId, ObjectNode body) {
        return create(caller, orgId, body, DomainRule.PROOF_DECIDES);
    }

    /** Which other claims on a new provider's domains stand in its way. */
    public enum DomainRule {
        /** A verified claim of another org, or another provider of the same org: pending claims elsewhere do not. */
        PROOF_DECIDES,
        /** Any claim at all, pending too (compatibility APIs whose seed documents "domain already in use"). */
        ANY_CLAIM
    }

    /** {@link #create(Caller, OrgId, ObjectNode)} under the given rule for domains claimed elsewhere. */
    public IdentityProvider create(Caller caller, OrgId orgId, ObjectNode body, DomainRule domainRule) {
        caller.require(orgId, Permission.MANAGE_IDENTITY_PROVIDERS);
        // the org and its plan are checked under lock in the transaction; this early look only spares
        // a fetch of metadata for an org that does not exist or has no SSO
        requireSso(orgs.requireRecent(orgId));
        Instant now = now();
        IdpDraft draft = reader.read(body, now);
        requireReachable(caller, orgId, draft.alias());
        ProviderStatus status = initialStatus(caller, draft);
        String id = UUID.randomUUID().toString();
        IdpSecrets secrets = secretsForCreate(draft);
        ProtocolSettings settings = resolve(draft, Optional.empty(), now);
        IdentityProvider idp = new IdentityProvider(id, orgId, draft.alias(), draft.displayName(),
                Lifecycle.created(status, now), draft.knownProvider(), draft.domains(), settings, draft.mappers(),
                draft.provisioning(), draft.errorUrl(), draft.logoutRedirectUrl(), secrets, now, now, 1);
        // what needs no database is made ready before the org's lock: the lock is held for the
        // statements alone, since creations in one org wait for each other there
        IdentityProviderStore.PreparedRow row = store.prepare(idp);
        AuditLog.PendingEvent event = audit.configurationChange(orgId, "identity_provider.created", caller.actor(),
                idp.alias().value(), IdentityProviderJson.requestView(idp));
        // creations in one org queue here first: the database's row lock still guards the quota across
        // nodes, but waiting on a JVM lock is far cheaper than the database's lock polling
        Lock orgLock = creationLocks.get(orgId.value());
        orgLock.lock();
        try {
            IdentityProvider created = tx.execute(s -> insertChecked(orgId, row, event, now, domainRule));
            events.publishEvent(new RegistryChanged(orgId));
            return created;
        } catch (DuplicateKeyException e) {
            // the transaction is dead (PostgreSQL aborts it): work out which rule lost, outside it
            throw duplicate(idp);
        } finally {
            orgLock.unlock();
        }
    }

    /**
     * The rules in their order (org exists, plan has SSO, alias free, quota, domains free), with the
     * common case in three statements: the quota place is claimed (locking the org's row), then the
     * alias and the domains are checked. Only a refused claim reads the org to say why.
     */
    private IdentityProvider insertChecked(OrgId orgId, IdentityProviderStore.PreparedRow row,
                                           AuditLog.PendingEvent event, Instant now, DomainRule domainRule) {
        IdentityProvider idp = row.idp();
        // a refused claim reads the org under its lock to say why
        Optional<Org> refused = orgs.claimIdentityProviderPlace(orgId) ? Optional.empty()
                : Optional.of(orgs.lock(orgId));
        refused.ifPresent(IdentityProviders::requireSso);
        IdentityProviderStore.Conflicts conflicts = store.conflicts(orgId, idp.alias(), idp.domains());
        if (conflicts.aliasTaken()) {
            throw aliasTaken(idp.alias());
        }
        if (refused.isPresent()) {
            throw new ProblemException(ErrorCode.QUOTA_EXCEEDED, "The plan allows "
                    + refused.get().maxIdentityProviders() + " identity providers and all are in use");
        }
        requireDomainsFree(idp, conflicts.domainOwners(), domainRule);
        store.insert(row);
        if (idp.settings() instanceof SamlSettings) {
            spKeys.assignFromPool(idp.id(), now);
        }
        audit.record(event);
        return idp;
    }

    public IdentityProvider get(Caller caller, OrgId org, String alias) {
        caller.require(org, alias, Permission.READ);
        return find(org, alias);
    }

    /** Every provider of the org speaking the protocol (an org has a handful: its quota bounds them). */
    public List<IdentityProvider> all(Caller caller, OrgId org, Protocol protocol) {
        caller.require(org, Permission.READ);
        orgs.require(org);
        return store.list(org, IdentityProviderStore.Filter.protocol(protocol), Optional.empty(), 10_000).stream()
                .filter(idp -> caller.sees(idp.alias().value())).toList();
    }

    /** By the provider's id (compatibility APIs address providers by id); another org's id is 404. */
    public IdentityProvider getById(Caller caller, OrgId org, String id) {
        caller.require(org, Permission.READ);
        return store.findById(id).filter(idp -> idp.org().equals(org) && caller.sees(idp.alias().value()))
                .orElseThrow(() -> ProblemException.notFound("Identity provider " + id));
    }

    public record Page(List<IdentityProvider> items, Optional<String> lastAlias) {
    }

    public Page list(Caller caller, OrgId org, IdentityProviderStore.Filter filter, Optional<String> after, int limit) {
        caller.require(org, Permission.READ);
        orgs.require(org);
        List<IdentityProvider> found = store.list(org, filter, after, limit + 1).stream()
                .filter(idp -> caller.sees(idp.alias().value())).toList();
        if (found.size() > limit) {
            return new Page(found.subList(0, limit), Optional.of(found.get(limit - 1).alias().value()));
        }
        return new Page(found, Optional.empty());
    }

    /**
     * Replaces the provider's configuration. Its status changes only when the request asks
     * ({@code status}, or {@code enabled}); a changed configuration keeps an active provider active,
     * and turning one on needs what {@link #activate} needs (without force).
     */
    public IdentityProvider replace(Caller caller, OrgId orgId, String alias, ObjectNode body) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        IdentityProvider current = find(orgId, alias);
        requireSso(orgs.require(orgId));
        Instant now = now();
        IdpDraft draft = reader.read(body, now);
        List<FieldError> errors = new ArrayList<>();
        if (!draft.alias().equals(current.alias())) {
            errors.add(new FieldError("alias", "immutable",
                    "cannot be changed: it is part of the ACS and callback URLs registered at the IdP"));
        }
        boolean samlDraft = draft.protocol() instanceof ProtocolDraft.Saml;
        if (samlDraft != (current.settings() instanceof SamlSettings)) {
            errors.add(new FieldError("protocol", "immutable", "cannot be changed; create a new identity provider"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        ProviderStatus status = requestedStatus(current.status(), draft);
        IdpSecrets secrets = secretsForUpdate(draft, current);
        ProtocolSettings settings = resolve(draft, Optional.of(current.settings()), now);
        IdentityProvider candidate = new IdentityProvider(current.id(), orgId, current.alias(), draft.displayName(),
                current.lifecycle(), draft.knownProvider(), draft.domains(), settings, draft.mappers(),
                draft.provisioning(), draft.errorUrl(), draft.logoutRedirectUrl(), secrets, current.createdAt(), now,
                current.version() + 1);
        // the configuration this update makes, under the current status; then the status it asks for
        Lifecycle proposed = configurationChanged(current, candidate)
                ? current.lifecycle().reconfigured(current.status(), now) : current.lifecycle();
        if (status == ProviderStatus.ACTIVE && !current.active()) {
            requireProven(withLifecycle(candidate, proposed), false);
        }
        IdentityProvider idp = withLifecycle(candidate, proposed.withStatus(status));
        try {
            IdentityProvider updated = tx.execute(s -> updateChecked(caller, orgId, current, idp));
            events.publishEvent(new RegistryChanged(orgId));
            return updated;
        } catch (DuplicateKeyException e) {
            throw duplicate(idp);
        }
    }

    private IdentityProvider updateChecked(Caller caller, OrgId orgId, IdentityProvider current, IdentityProvider idp) {
        requireDomainsFree(idp, store.owners(idp.domains()), DomainRule.PROOF_DECIDES);
        if (!store.update(idp, current.version())) {
            throw new ProblemException(ErrorCode.CONFLICT,
                    "The identity provider changed while this request was processed; read it and try again");
        }
        ObjectNode change = IdentityProviderJson.JSON.createObjectNode();
        change.set("before", IdentityProviderJson.requestView(current));
        change.set("after", IdentityProviderJson.requestView(idp));
        change.put("configuration_revision", idp.lifecycle().revision());
        // one event, as ever: a status changed through enabled or status shows in before and after
        audit.configurationChanged(orgId, "identity_provider.updated", caller.actor(), idp.alias().value(), change);
        return idp;
    }

    /** RFC 7396 merge patch onto the request view, then the same path as a full replacement. */
    public IdentityProvider patch(Caller caller, OrgId orgId, String alias, ObjectNode patch) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        IdentityProvider current = find(orgId, alias);
        ObjectNode merged = IdentityProviderJson.requestView(current);
        mergePatch(merged, patch);
        // a switch of SAML source by patch replaces the old source rather than adding a second one
        if (patch.get("saml") instanceof ObjectNode samlPatch && merged.get("saml") instanceof ObjectNode saml) {
            dropOtherSources(saml, samlPatch);
        }
        return replace(caller, orgId, alias, merged);
    }

    public void delete(Caller caller, OrgId orgId, String alias) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        IdentityProvider current = find(orgId, alias);
        tx.executeWithoutResult(status -> {
            if (!store.delete(current.id())) {
                throw ProblemException.notFound("Identity provider " + alias);
            }
            orgs.releaseIdentityProviderPlace(orgId);
            store.changed(orgId, now());
            audit.configurationChanged(orgId, "identity_provider.deleted", caller.actor(), alias,
                    IdentityProviderJson.requestView(current));
        });
        events.publishEvent(new RegistryChanged(orgId));
    }

    /** Runs resolution again (metadata URL re-fetch, discovery) and saves what it found. */
    public IdentityProvider refreshMetadata(Caller caller, OrgId orgId, String alias) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        return refresh(find(orgId, alias), caller.actor(), now());
    }

    /**
     * Resolves the provider's source again (metadata URL, discovery) and saves what it found, as
     * {@code actor}: the write behind the admin's refresh and {@link MetadataRefresher}'s. The event
     * names the signing certificates added and removed.
     */
    IdentityProvider refresh(IdentityProvider current, String actor, Instant now) {
        ProtocolSettings settings = switch (current.settings()) {
            case SamlSettings saml -> new SamlSettings(saml.source(), resolver.resolveSaml(saml.source(), now),
                    saml.options());
            case OidcSettings oidc -> resolver.discover(withoutDiscovery(oidc), now);
        };
        IdentityProvider idp = new IdentityProvider(current.id(), current.org(), current.alias(),
                current.displayName(), current.lifecycle(), current.knownProvider(), current.domains(), settings,
                current.mappers(), current.provisioning(), current.errorUrl(), current.logoutRedirectUrl(),
                current.secrets(), current.createdAt(), now, current.version() + 1);
        return tx.execute(status -> {
            if (!store.update(idp, current.version())) {
                throw new ProblemException(ErrorCode.CONFLICT, "The identity provider changed meanwhile; try again");
            }
            audit.configurationChanged(current.org(), "identity_provider.metadata_refreshed", actor,
                    current.alias().value(), certificateChanges(current.settings(), settings));
            return idp;
        });
    }

    /**
     * Takes {@code domain} off the org's provider {@code idpId} because another org proved it (its claim
     * here was pending and stale): a new configuration revision, audited as
     * {@code identity_provider.domain_released} in this org without naming the other. Runs in the
     * caller's transaction; the caller publishes {@link RegistryChanged} once it commits. 409 when the
     * provider changed meanwhile.
     */
    public IdentityProvider releaseDomain(OrgId org, String idpId, EmailDomain domain, Instant now) {
        IdentityProvider current = store.findById(idpId).filter(idp -> idp.org().equals(org))
                .orElseThrow(() -> new ProblemException(ErrorCode.CONFLICT,
                        "The identity provider holding the domain changed meanwhile; try again"));
        List<EmailDomain> kept = current.domains().stream().filter(d -> !d.equals(domain)).toList();
        IdentityProvider idp = new IdentityProvider(current.id(), current.org(), current.alias(),
                current.displayName(), current.lifecycle().reconfigured(current.status(), now),
                current.knownProvider(), kept, current.settings(), current.mappers(), current.provisioning(),
                current.errorUrl(), current.logoutRedirectUrl(), current.secrets(), current.createdAt(), now,
                current.version() + 1);
        if (!store.update(idp, current.version())) {
            throw new ProblemException(ErrorCode.CONFLICT,
                    "The identity provider holding the domain changed meanwhile; try again");
        }
        ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
        details.put("domain", domain.value());
        details.put("reason", "another organization proved ownership of the domain by DNS while this claim was"
                + " pending and unproven for more than 14 days");
        details.put("configuration_revision", idp.lifecycle().revision());
        audit.configurationChanged(org, "identity_provider.domain_released", "system:domain-ownership",
                idp.alias().value(), details);
        return idp;
    }

    /**
     * Turns the provider on: routing, authorize, its login URL and IdP-initiated sign-in use it from
     * now on. Needs a test sign-in that succeeded against its current configuration, or that it was
     * active with this configuration before (turning an unchanged provider back on proves nothing new);
     * else 409 {@code test_required}. The platform key may {@code force} it (audited as such).
     */
    public IdentityProvider activate(Caller caller, OrgId orgId, String alias, boolean force) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        if (force) {
            caller.requirePlatform();
        }
        IdentityProvider current = find(orgId, alias);
        if (current.active()) {
            return current;
        }
        boolean forced = !requireProven(current, force);
        return changeStatus(caller, current, nextVersion(current, ProviderStatus.ACTIVE), forced);
    }

    /** Turns the provider off: it runs test sign-ins only, until activated again. */
    public IdentityProvider deactivate(Caller caller, OrgId orgId, String alias) {
        caller.require(orgId, alias, Permission.MANAGE_IDENTITY_PROVIDERS);
        IdentityProvider current = find(orgId, alias);
        if (current.status() == ProviderStatus.INACTIVE) {
            return current;
        }
        return changeStatus(caller, current, nextVersion(current, ProviderStatus.INACTIVE), false);
    }

    private IdentityProvider changeStatus(Caller caller, IdentityProvider current, IdentityProvider idp,
                                          boolean forced) {
        IdentityProvider changed = tx.execute(status -> {
            if (!store.update(idp, current.version())) {
                throw new ProblemException(ErrorCode.CONFLICT,
                        "The identity provider changed while this request was processed; read it and try again");
            }
            audit.configurationChanged(idp.org(), idp.active() ? "identity_provider.activated"
                    : "identity_provider.deactivated", caller.actor(), idp.alias().value(),
                    statusChange(current, idp, forced));
            return idp;
        });
        events.publishEvent(new RegistryChanged(idp.org()));
        return changed;
    }

    /**
     * The one rule for turning a provider on ({@code idp}: its configuration as it would be turned
     * on, still off): true when that configuration is proven, false when it is not but {@code force}
     * lets it through; else 409.
     */
    private boolean requireProven(IdentityProvider idp, boolean force) {
        if (idp.lifecycle().wasActiveWithThisConfiguration() || tests(idp).currentConfigurationTested()) {
            return true;
        }
        if (force) {
            return false;
        }
        ProviderTests tests = tests(idp);
        throw new ProblemException(ErrorCode.TEST_REQUIRED, tests.lastSucceeded()
                .map(t -> "The last successful test sign-in (" + t.at() + ") predates the last configuration change ("
                        + idp.lifecycle().configuredAt() + "): run a test sign-in again, then activate")
                .orElse("No test sign-in of this identity provider has succeeded yet: run one"
                        + " (POST .../test-sign-ins), then activate"));
    }

    private static ObjectNode statusChange(IdentityProvider before, IdentityProvider after, boolean forced) {
        ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
        details.put("from", before.status().wireName());
        details.put("to", after.status().wireName());
        details.put("configuration_revision", after.lifecycle().revision());
        if (forced) {
            details.put("forced", true);
        }
        return details;
    }

    /** What test sign-ins have proved of the provider. */
    public ProviderTests tests(IdentityProvider idp) {
        return new ProviderTests(store.lastSuccessfulTest(idp.id()), idp.lifecycle().revision());
    }

    /** {@link #tests} of every provider of the org, by id. */
    Map<String, ProviderTests> tests(OrgId org, List<IdentityProvider> providers) {
        Map<String, ProviderTests.Succeeded> succeeded = store.lastSuccessfulTests(org);
        Map<String, ProviderTests> out = new HashMap<>();
        providers.forEach(idp -> out.put(idp.id(), new ProviderTests(Optional.ofNullable(succeeded.get(idp.id())),
                idp.lifecycle().revision())));
        return out;
    }

    /**
     * Notes a test sign-in of {@code idp} that succeeded, against the configuration revision it was
     * started with (a test that ran while the configuration changed proves the old one only).
     */
    public void testSucceeded(IdentityProvider idp, long revision, Instant at) {
        store.testSucceeded(idp.id(), revision, at);
    }

    private static ProviderStatus initialStatus(Caller caller, IdpDraft draft) {
        if (draft.status().isPresent() && draft.enabled().isPresent()
                && draft.enabled().get() != (draft.status().get() == ProviderStatus.ACTIVE)) {
            throw statusConflict(draft);
        }
        ProviderStatus asked = draft.status()
                .or(() -> draft.enabled().map(e -> e ? ProviderStatus.ACTIVE : ProviderStatus.INACTIVE))
                .orElse(ProviderStatus.ACTIVE);
        if (caller instanceof Caller.SetupLink) {
            // the portal's providers are proven before they are used: they begin as drafts
            if (draft.status().isPresent() && asked != ProviderStatus.DRAFT
                    || draft.status().isEmpty() && draft.enabled().orElse(false)) {
                throw ProblemException.validation(draft.status().isPresent() ? "status" : "enabled", "draft_required",
                        "an identity provider set up through a setup link starts as a draft; activate it after a"
                                + " successful test sign-in");
            }
            return ProviderStatus.DRAFT;
        }
        return asked;
    }

    /**
     * The status an update asks for. {@code status} and {@code enabled} say one thing twice, and a
     * client may send back what it read with one of them changed: the one that differs from the
     * current state decides ({@code enabled: false} turns an active provider off; a draft stays a
     * draft); both changed, they must agree; neither, the status stays.
     */
    private static ProviderStatus requestedStatus(ProviderStatus current, IdpDraft draft) {
        boolean active = current == ProviderStatus.ACTIVE;
        Optional<ProviderStatus> status = draft.status().filter(s -> s != current);
        Optional<Boolean> enabled = draft.enabled().filter(e -> e != active);
        if (status.isPresent() && enabled.isPresent() && enabled.get() != (status.get() == ProviderStatus.ACTIVE)) {
            throw statusConflict(draft);
        }
        ProviderStatus requested = status.orElseGet(() -> enabled
                .map(e -> e ? ProviderStatus.ACTIVE : ProviderStatus.INACTIVE).orElse(current));
        if (requested == ProviderStatus.DRAFT && current != ProviderStatus.DRAFT) {
            throw ProblemException.validation("status", "invalid_transition",
                    "a provider that was turned on cannot become a draft again; deactivate it instead");
        }
        return requested;
    }

    private static ProblemException statusConflict(IdpDraft draft) {
        return ProblemException.validation("enabled", "conflict", "says the provider is "
                + (draft.enabled().orElseThrow() ? "on" : "off") + " while status is "
                + draft.status().orElseThrow().wireName() + "; send one of them (enabled is true exactly when status"
                + " is active)");
    }

    /** Whether anything but the status changed: the fields an admin sets, secrets included. */
    private static boolean configurationChanged(IdentityProvider before, IdentityProvider after) {
        return !configurationView(before).equals(configurationView(after)) || !before.secrets().equals(after.secrets());
    }

    private static ObjectNode configurationView(IdentityProvider idp) {
        ObjectNode view = IdentityProviderJson.requestView(idp);
        view.remove("status");
        view.remove("enabled");
        return view;
    }

    private static IdentityProvider withLifecycle(IdentityProvider idp, Lifecycle lifecycle) {
        return new IdentityProvider(idp.id(), idp.org(), idp.alias(), idp.displayName(), lifecycle, idp.knownProvider(),
                idp.domains(), idp.settings(), idp.mappers(), idp.provisioning(), idp.errorUrl(),
                idp.logoutRedirectUrl(), idp.secrets(), idp.createdAt(), idp.updatedAt(), idp.version());
    }

    /** The provider's next version under another status, saved now. */
    private IdentityProvider nextVersion(IdentityProvider idp, ProviderStatus status) {
        return new IdentityProvider(idp.id(), idp.org(), idp.alias(), idp.displayName(),
                idp.lifecycle().withStatus(status), idp.knownProvider(), idp.domains(), idp.settings(), idp.mappers(),
                idp.provisioning(), idp.errorUrl(), idp.logoutRedirectUrl(), idp.secrets(), idp.createdAt(), now(),
                idp.version() + 1);
    }

    /** A setup link made for one provider creates that one only. */
    private static void requireReachable(Caller caller, OrgId org, IdpAlias alias) {
        if (!caller.sees(alias.value())) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "This setup link is for another identity provider of "
                    + org + "; it cannot create " + alias);
        }
    }

    /** Which IdP signing certificates a refresh added and removed (by SHA-256 fingerprint). */
    private static ObjectNode certificateChanges(ProtocolSettings before, ProtocolSettings after) {
        ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
        if (before instanceof SamlSettings b && after instanceof SamlSettings a) {
            List<String> old = fingerprints(b);
            List<String> now = fingerprints(a);
            tools.jackson.databind.node.ArrayNode added = details.putArray("certificates_added");
            now.stream().filter(f -> !old.contains(f)).forEach(added::add);
            tools.jackson.databind.node.ArrayNode removed = details.putArray("certificates_removed");
            old.stream().filter(f -> !now.contains(f)).forEach(removed::add);
        }
        return details;
    }

    private static List<String> fingerprints(SamlSettings saml) {
        return switch (saml.resolved().trust()) {
            case SamlSettings.CertificateTrust.Pinned p -> p.certificatesPem().stream()
                    .map(pem -> IdentityProviderView.summary(pem).fingerprintSha256()).toList();
            case SamlSettings.CertificateTrust.Fingerprint f -> List.of(f.value());
        };
    }

    private IdentityProvider find(OrgId org, String alias) {
        return IdpAlias.parse(alias).flatMap(a -> store.find(org, a))
                .orElseThrow(() -> ProblemException.notFound("Identity provider " + alias));
    }

    private ProtocolSettings resolve(IdpDraft draft, Optional<ProtocolSettings> current, Instant now) {
        return switch (draft.protocol()) {
            case ProtocolDraft.Saml saml -> {
                // an unchanged source keeps what it resolved to: editing a display name must not
                // depend on the IdP's metadata URL answering right now
                Optional<SamlSettings.ResolvedSamlIdp> kept = current
                        .flatMap(c -> c instanceof SamlSettings s && s.source().equals(saml.source())
                                ? Optional.of(s.resolved()) : Optional.empty());
                yield new SamlSettings(saml.source(),
                        kept.orElseGet(() -> resolver.resolveSaml(saml.source(), now)), saml.options());
            }
            case ProtocolDraft.Oidc oidc -> {
                Optional<OidcSettings> kept = current
                        .flatMap(c -> c instanceof OidcSettings o && o.issuer().equals(oidc.settings().issuer())
                                && o.configured().equals(oidc.settings().configured()) ? Optional.of(o) : Optional.empty());
                if (kept.isPresent()) {
                    yield oidc.settings().withDiscovered(kept.get().discovered());
                }
                yield resolver.discover(oidc.settings(), now);
            }
        };
    }

    private static OidcSettings withoutDiscovery(OidcSettings s) {
        return s.withDiscovered(Optional.empty());
    }

    private static IdpSecrets secretsForCreate(IdpDraft draft) {
        List<FieldError> errors = new ArrayList<>();
        IdpSecrets secrets = switch (draft.protocol()) {
            case ProtocolDraft.Saml saml -> new IdpSecrets(Optional.empty(),
                    given(saml.decryptionPrivateKey(), IdpSecrets.NONE, Optional.empty(), "saml.decryption_private_key",
                            errors), Optional.empty());
            case ProtocolDraft.Oidc oidc -> new IdpSecrets(
                    given(oidc.clientSecret(), IdpSecrets.NONE, Optional.empty(), "oidc.client_secret", errors),
                    Optional.empty(),
                    given(oidc.tlsClientPrivateKey(), IdpSecrets.NONE, Optional.empty(), "oidc.client_private_key",
                            errors));
        };
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return secrets;
    }

    /**
     * The mask keeps a stored secret, except where the same request changes where that secret
     * would be sent: then it must be given again, so a changed URL cannot carry off a stored secret.
     */
    private static IdpSecrets secretsForUpdate(IdpDraft draft, IdentityProvider current) {
        List<FieldError> errors = new ArrayList<>();
        IdpSecrets stored = current.secrets();
        IdpSecrets secrets = switch (draft.protocol()) {
            case ProtocolDraft.Saml saml -> new IdpSecrets(Optional.empty(),
                    given(saml.decryptionPrivateKey(), stored, stored.decryptionPrivateKey(),
                            "saml.decryption_private_key", errors), Optional.empty());
            case ProtocolDraft.Oidc oidc -> {
                boolean destinationChanged = current.settings() instanceof OidcSettings before
                        && (!before.issuer().equals(oidc.settings().issuer())
                        || !before.configured().token().equals(oidc.settings().configured().token())
                        || !before.configured().authorization().equals(oidc.settings().configured().authorization()));
                if (destinationChanged && oidc.clientSecret() instanceof SecretInput.Keep) {
                    errors.add(new FieldError("oidc.client_secret", "secret_required",
                            "the issuer or token endpoint changes: send the client secret again, so a stored secret"
                                    + " is never sent to a new destination"));
                }
                if (destinationChanged && oidc.tlsClientPrivateKey() instanceof SecretInput.Keep) {
                    errors.add(new FieldError("oidc.client_private_key", "secret_required",
                            "the issuer or token endpoint changes: send the client private key again"));
                }
                yield new IdpSecrets(given(oidc.clientSecret(), stored, stored.clientSecret(), "oidc.client_secret",
                        errors), Optional.empty(), given(oidc.tlsClientPrivateKey(), stored, stored.tlsClientPrivateKey(),
                        "oidc.client_private_key", errors));
            }
        };
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return secrets;
    }

    /**
     * The secret a field ends with: none, the one given, or the stored one the mask keeps. A stored
     * secret that no longer opens (its master key is gone) cannot be kept: it must be given again.
     */
    private static Optional<Secret> given(SecretInput input, IdpSecrets current, Optional<Secret> stored, String field,
                                          List<FieldError> errors) {
        return switch (input) {
            case SecretInput.Absent a -> Optional.empty();
            case SecretInput.Given g -> Optional.of(g.secret());
            case SecretInput.Keep k -> {
                if (stored.isEmpty() && current.unreadable().isPresent()) {
                    errors.add(new FieldError(field, "secret_unavailable", "the stored value cannot be opened ("
                            + IdentityProviderView.unreadableReason(current.unreadable().get())
                            + "): send the secret again"));
                } else if (stored.isEmpty()) {
                    errors.add(new FieldError(field, "secret_required",
                            "the mask keeps a stored value, but none is stored: send the secret itself"));
                }
                yield stored;
            }
        };
    }

    /**
     * 409 {@code domain_taken} for a domain another org holds verified, or that another provider of the
     * same org lists. Another org's pending claim does not stand in the way (unless {@code rule} says
     * any claim does): several orgs may claim a domain, and the one that proves it by DNS gets it.
     */
    private static void requireDomainsFree(IdentityProvider idp, List<IdentityProviderStore.DomainOwner> owners,
                                           DomainRule rule) {
        List<FieldError> errors = new ArrayList<>();
        for (IdentityProviderStore.DomainOwner owner : owners) {
            if (owner.idpId().equals(idp.id())) {
                continue;
            }
            boolean sameOrg = owner.org().equals(idp.org());
            if (sameOrg || owner.verified() || rule == DomainRule.ANY_CLAIM) {
                int index = idp.domains().indexOf(new EmailDomain(owner.domain()));
                errors.add(new FieldError("domains[" + index + "]", "domain_taken", owner.domain()
                        + (sameOrg ? " is already listed by another identity provider of this organization"
                        : " is already claimed by another identity provider")));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ErrorCode.DOMAIN_TAKEN,
                    "A domain is already claimed by another identity provider", errors);
        }
    }

    /** A unique constraint fired although the checks passed: a concurrent request won the race. */
    private ProblemException duplicate(IdentityProvider idp) {
        if (store.find(idp.org(), idp.alias()).filter(other -> !other.id().equals(idp.id())).isPresent()) {
            return aliasTaken(idp.alias());
        }
        return new ProblemException(ErrorCode.DOMAIN_TAKEN,
                "A domain was claimed by another identity provider at the same moment",
                List.of(new FieldError("domains", "domain_taken", "a domain is already claimed")));
    }

    private static ProblemException aliasTaken(IdpAlias alias) {
        return new ProblemException(ErrorCode.ALIAS_TAKEN, "The alias " + alias + " is already used in this organization",
                List.of(new FieldError("alias", "alias_taken", "is already used in this organization")));
    }

    private static void requireSso(Org org) {
        if (!org.ssoEnabled()) {
            throw new ProblemException(ErrorCode.SSO_NOT_ENABLED,
                    "Single sign-on is not enabled on the plan of organization " + org.id());
        }
    }

    static void mergePatch(ObjectNode target, ObjectNode patch) {
        for (var e : patch.properties()) {
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (value instanceof ObjectNode patchChild && target.get(e.getKey()) instanceof ObjectNode child) {
                mergePatch(child, patchChild);
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        }
    }

    private static void dropOtherSources(ObjectNode saml, ObjectNode patch) {
        List<String> manual = List.of("entity_id", "sso_url", "slo_url", "certificates", "cert_fingerprint",
                "cert_fingerprint_algorithm");
        if (patch.hasNonNull("metadata_xml")) {
            saml.remove("metadata_url");
            manual.forEach(saml::remove);
        } else if (patch.hasNonNull("metadata_url")) {
            saml.remove("metadata_xml");
            manual.forEach(saml::remove);
        } else if (manual.stream().anyMatch(patch::hasNonNull)) {
            saml.remove("metadata_xml");
            saml.remove("metadata_url");
            saml.remove("metadata_refresh_seconds");
        }
        if (patch.hasNonNull("cert_fingerprint")) {
            saml.remove("certificates");
        } else if (patch.hasNonNull("certificates")) {
            saml.remove("cert_fingerprint");
            saml.remove("cert_fingerprint_algorithm");
        }
    }

}
