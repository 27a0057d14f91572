package io.gatehouse.provisioning;

import io.gatehouse.idp.DomainClaim;
import io.gatehouse.idp.EmailDomain;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.signin.RejectReason;
import java.net.IDN;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Gatehouse's word on the email address a sign-in hands to applications, which match users by it:
 * the one place that decides whether an org's identity provider may assert an address, and whether
 * {@code email_verified} is true.
 * <ul>
 * <li>An address of a domain another org has claimed is refused, whatever the provider's settings.
 * The domain is that org's when its claim is the nearest one (the domain itself, else its nearest
 * claimed parent domain) counting every provider's domains, or counting enabled providers only, as
 * routing does.</li>
 * <li>An address outside the org's domains is refused unless the provider has
 * {@code allow_any_email_domain} or the org lists no domains (as before).</li>
 * <li>{@code email_verified} is true for an address of a domain the org itself claims (unless its IdP
 * says the address is unverified), or when the IdP said it verified the address, the provider may
 * assert any domain, and no other org claims the domain. Mappers play no part.</li>
 * </ul>
 */
@Component
class EmailVouching {
    private final ProviderDirectory directory;

    EmailVouching(ProviderDirectory directory) {
        this.directory = directory;
    }

    /** What Gatehouse makes of an address. */
    sealed interface Verdict {
        /** The address goes to the application, with this {@code email_verified}. */
        record Vouched(boolean verified) implements Verdict {
        }

        /** The sign-in is refused because of its address. */
        record Refused(ProvisioningResult.Refused refusal) implements Verdict {
        }
    }

    /**
     * The verdict on an address the IdP of {@code idp} signs a user in with; {@code verifiedByIdp} is
     * what that IdP said of this very address.
     */
    Verdict judge(IdentityProvider idp, Optional<String> email, Optional<Boolean> verifiedByIdp) {
        if (email.isEmpty()) {
            return new Verdict.Vouched(false);
        }
        Optional<String> domain = domainOf(email.get());
        List<DomainClaim> claims = domain.map(directory::claimsOn).orElse(List.of());
        Optional<DomainClaim> nearest = claims.stream().findFirst();
        Optional<DomainClaim> routed = claims.stream().filter(DomainClaim::enabled).findFirst();
        for (Optional<DomainClaim> claim : List.of(nearest, routed)) {
            if (claim.isPresent() && !claim.get().org().equals(idp.org())) {
                // the other org is not named: its admins' domains are not this org's business
                String where = claim.get().domain().value().equals(domain.orElseThrow())
                        ? "the domain " + claim.get().domain() : "the domain " + domain.orElseThrow()
                        + " (under " + claim.get().domain() + ")";
                return new Verdict.Refused(new ProvisioningResult.Refused(
                        RejectReason.PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE,
                        "the identity provider asserted " + email.get() + "; " + where
                                + " is claimed by another organization"));
            }
        }
        if (nearest.filter(c -> isOwnDomain(c, idp, domain.orElseThrow())).isPresent()) {
            // the org answers for its own domain; an IdP that says this address is unverified is believed
            return new Verdict.Vouched(verifiedByIdp.orElse(true));
        }
        boolean anyDomain = idp.provisioning().allowAnyEmailDomain();
        // a claim left at this point is the org's own, on a parent domain: the org has domains
        if (!anyDomain && (nearest.isPresent() || !directory.orgDomains(idp.org()).isEmpty())) {
            return new Verdict.Refused(
                    new ProvisioningResult.Refused(RejectReason.PROVISIONING_EMAIL_DOMAIN_NOT_ALLOWED));
        }
        // a domain nobody claims: the IdP's own word counts only where it may vouch for any domain, and
        // only for a domain an organization could own (not localhost, an address literal or a public suffix)
        return new Verdict.Vouched(anyDomain && verifiedByIdp.orElse(false)
                && domain.map(EmailDomain::parse).orElse(null) instanceof EmailDomain.Parsed.Valid);
    }

    /**
     * Whether the claim makes the address's domain one of the signing-in org's own: its exact domain,
     * not a parent (an org that lists example.com has not said who holds hr.example.com's mailboxes).
     * Domain ownership checks, when they come, add "and the claim is verified" here.
     */
    private static boolean isOwnDomain(DomainClaim claim, IdentityProvider idp, String domain) {
        return claim.org().equals(idp.org()) && claim.domain().value().equals(domain);
    }

    /**
     * The address's domain for looking claims up, folded as leniently as anything downstream might
     * fold it (compatibility forms such as a full-width at sign, case, trailing dots, IDN), so that no
     * spelling of a claimed domain escapes its claim; what IDN cannot convert is looked up as it is.
     * Empty when the address has no domain part.
     */
    static Optional<String> domainOf(String email) {
        String folded = Normalizer.normalize(email, Normalizer.Form.NFKC);
        int at = folded.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String domain = folded.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.of(domain);
        }
    }
}
