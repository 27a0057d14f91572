package io.gatehouse.idp;

import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.tenancy.OrgId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The registry as the sign-in runtime (saml, oidc, signin, issuer, provisioning) reads it: providers
 * by their names, typed by protocol, the domains orgs claim, and the URLs a provider reaches
 * Gatehouse at. It only reads; {@link IdentityProviders} is the only writer. A lookup is one
 * statement, and a provider's version already decoded on this node is taken with its view from the
 * store's cache.
 */
@Component
public class ProviderDirectory {
    private final IdentityProviderStore store;
    private final String baseUrl;

    ProviderDirectory(IdentityProviderStore store, GatehouseProperties properties) {
        this.store = store;
        this.baseUrl = properties.baseUrl();
    }

    /** The provider, whatever its protocol; for the runtime and public endpoints (no caller). */
    public Optional<ProviderView> find(OrgId org, IdpAlias alias) {
        return store.view(org, alias);
    }

    /** By the names in a sign-in URL ({@code /sso/{org}/{alias}/...}); empty when malformed or unknown. */
    public Optional<ProviderView> find(String org, String alias) {
        Optional<OrgId> orgId = OrgId.parse(org);
        Optional<IdpAlias> idpAlias = IdpAlias.parse(alias);
        return orgId.isPresent() && idpAlias.isPresent() ? find(orgId.get(), idpAlias.get()) : Optional.empty();
    }

    /** The SAML provider by the names in a sign-in URL; empty when unknown, malformed or not SAML. */
    public Optional<SamlProvider> saml(String org, String alias) {
        return find(org, alias).flatMap(v -> v instanceof SamlProvider saml ? Optional.of(saml) : Optional.empty());
    }

    /** The OIDC provider by the names in a sign-in URL; empty when unknown, malformed or not OIDC. */
    public Optional<OidcProvider> oidc(String org, String alias) {
        return find(org, alias).flatMap(v -> v instanceof OidcProvider oidc ? Optional.of(oidc) : Optional.empty());
    }

    /** By the provider's id, within the org (another org's provider is not found). */
    public Optional<ProviderView> byId(OrgId org, String id) {
        return store.viewById(id).filter(v -> v.idp().org().equals(org));
    }

    /** Gatehouse's own URLs for the provider (ACS, SP entity ID, redirect URI, ...). */
    public SpEndpoints endpoints(IdentityProvider idp) {
        return SpEndpoints.of(baseUrl, idp.org(), idp.alias());
    }

    /**
     * Every email domain of the org's identity providers, enabled or not (for the sign-in runtime:
     * an address outside them is not the org's to vouch for).
     */
    public Set<EmailDomain> orgDomains(OrgId org) {
        return store.domains(org);
    }

    /**
     * The claims on a domain (lower-case, punycode) and on its parent domains, nearest first, the
     * order routing looks them up in; every org's, through providers enabled or not. For the sign-in
     * runtime: who may vouch for an address of that domain.
     */
    public List<DomainClaim> claimsOn(String domain) {
        List<String> lookup = EmailDomain.withParents(domain);
        List<DomainClaim> claims = new ArrayList<>(store.claims(lookup));
        claims.sort(Comparator.comparingInt(c -> lookup.indexOf(c.domain().value())));
        return List.copyOf(claims);
    }
}
