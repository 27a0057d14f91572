package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.ProviderTests;
import io.gatehouse.tenancy.Org;
import io.gatehouse.tenancy.Orgs;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the setup portal does for a link's holder: the choice of product, the one provider the link sets
 * up, its test sign-ins and its activation. Every change goes through the registry as the link's
 * {@link Caller.SetupLink}, bound to that one provider, so the API's rules, audit and drafts apply
 * unchanged; nothing here decides what a valid configuration is.
 */
@Service
public class SetupPortal {
    private final SetupLinkStore links;
    private final IdentityProviders registry;
    private final TestSignIns tests;
    private final TestSignInStore testStore;
    private final Orgs orgs;

    SetupPortal(SetupLinkStore links, IdentityProviders registry, TestSignIns tests, TestSignInStore testStore,
                Orgs orgs) {
        this.links = links;
        this.registry = registry;
        this.tests = tests;
        this.testStore = testStore;
        this.orgs = orgs;
    }

    /** Where a link's setup stands: the org, the choice made, the provider once it exists and its tests. */
    public record Progress(SetupLink link, Org org, Optional<PortalChoice> choice, Optional<IdentityProvider> provider,
                           Optional<ProviderTests> proven, Optional<TestSignIn> lastTest) {

        public boolean active() {
            return provider.filter(IdentityProvider::active).isPresent();
        }

        /** Whether a test sign-in succeeded against the provider's current configuration. */
        public boolean tested() {
            return proven.filter(ProviderTests::currentConfigurationTested).isPresent();
        }
    }

    /** The link's progress, as of now. */
    public Progress progress(SetupLink link) {
        Org org = orgs.require(link.org());
        Optional<PortalChoice> choice = links.choice(link.id()).or(() -> link.alias().flatMap(a -> existing(link, a)
                .flatMap(idp -> idp.knownProvider().flatMap(SetupProduct::of).filter(p -> p.supports(idp.protocol()))
                        .map(p -> new PortalChoice(a, p, idp.protocol())))));
        // a link made for one provider works on that alias whatever product is chosen
        Optional<IdentityProvider> provider = choice.map(PortalChoice::alias).or(link::alias)
                .flatMap(a -> existing(link, a));
        Optional<ProviderTests> proven = provider.map(registry::tests);
        Optional<TestSignIn> lastTest = provider.flatMap(p -> testStore.latest(p.id()));
        return new Progress(link, org, choice, provider, proven, lastTest);
    }

    /**
     * Chooses the product and protocol. Until the provider exists the choice may change; after, the
     * provider's protocol stays (its configuration would not survive the switch).
     */
    public PortalChoice choose(SetupLink link, SetupProduct product, Protocol protocol) {
        Progress progress = progress(link);
        if (progress.provider().isPresent() && progress.provider().get().protocol() != protocol) {
            throw new ProblemException(ErrorCode.CONFLICT, "The identity provider already speaks "
                    + progress.provider().get().protocol().wireName());
        }
        IdpAlias alias = progress.provider().map(IdentityProvider::alias)
                .or(link::alias)
                .orElseGet(() -> freeAlias(link, product, protocol));
        PortalChoice choice = new PortalChoice(alias, product, protocol);
        links.choose(link.id(), choice);
        return choice;
    }

    /**
     * Creates the draft provider from the portal's form, or changes the existing one (a merge patch:
     * what the form left out stays as it was; a blank secret keeps the stored one).
     */
    public IdentityProvider connect(SetupLink link, PortalChoice choice, ObjectNode body) {
        Caller caller = caller(link, choice);
        if (existing(link, choice.alias()).isPresent()) {
            return registry.patch(caller, link.org(), choice.alias().value(), body);
        }
        ObjectNode create = body.deepCopy();
        create.put("alias", choice.alias().value());
        create.put("protocol", choice.protocol().wireName());
        create.put("known_provider", choice.product().knownProvider().wireName());
        create.put("status", "draft");
        return registry.create(caller, link.org(), create);
    }

    /** Sets the provider's email domains. */
    public IdentityProvider domains(SetupLink link, PortalChoice choice, List<String> domains) {
        ObjectNode patch = io.gatehouse.portal.TestSignInJson.JSON.createObjectNode();
        ArrayNode list = patch.putArray("domains");
        domains.forEach(list::add);
        return registry.patch(caller(link, choice), link.org(), choice.alias().value(), patch);
    }

    /** Starts a test sign-in; the browser goes to the returned URL. */
    public String startTest(SetupLink link, PortalChoice choice) {
        return tests.start(caller(link, choice), link.org(), choice.alias().value()).url();
    }

    /** Turns the provider on: 409 {@code test_required} unless a test proved its current configuration. */
    public IdentityProvider activate(SetupLink link, PortalChoice choice) {
        return registry.activate(caller(link, choice), link.org(), choice.alias().value(), false);
    }

    /** The link's holder, bound to the one provider it sets up. */
    static Caller.SetupLink caller(SetupLink link, PortalChoice choice) {
        return new Caller.SetupLink(link.id(), link.org(), Optional.of(choice.alias().value()));
    }

    private Optional<IdentityProvider> existing(SetupLink link, IdpAlias alias) {
        try {
            return Optional.of(registry.get(link.caller(), link.org(), alias.value()));
        } catch (ProblemException e) {
            if (e.errorCode() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The product's name as an alias ({@code okta}, {@code keycloak-oidc}), numbered when the org has it already. */
    private IdpAlias freeAlias(SetupLink link, SetupProduct product, Protocol protocol) {
        String base = product.wireName().replace('_', '-')
                + (product.protocols().getFirst() == protocol ? "" : "-" + protocol.wireName());
        for (int n = 1; ; n++) {
            IdpAlias candidate = new IdpAlias(n == 1 ? base : base + "-" + n);
            if (existing(link, candidate).isEmpty()) {
                return candidate;
            }
        }
    }
}
