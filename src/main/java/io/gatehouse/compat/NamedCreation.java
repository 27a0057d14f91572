package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.tenancy.OrgId;
import java.text.Normalizer;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creation for seeds whose requests carry a display name but no alias: the alias (part of the
 * login URL) is made from the name, with a numeric suffix when the org already uses it.
 */
@Component
class NamedCreation {
    private static final int ATTEMPTS = 20;
    private final IdentityProviders registry;

    NamedCreation(IdentityProviders registry) {
        this.registry = registry;
    }

    IdentityProvider create(Caller caller, OrgId org, ObjectNode nativeBody, String name) {
        return create(caller, org, nativeBody, name, IdentityProviders.DomainRule.PROOF_DECIDES);
    }

    IdentityProvider create(Caller caller, OrgId org, ObjectNode nativeBody, String name,
                            IdentityProviders.DomainRule domainRule) {
        String base = aliasFrom(name);
        for (int attempt = 1; ; attempt++) {
            String alias = attempt == 1 ? base : base + "-" + attempt;
            nativeBody.put("alias", alias);
            try {
                return registry.create(caller, org, nativeBody, domainRule);
            } catch (ProblemException e) {
                if (e.errorCode() != ErrorCode.ALIAS_TAKEN || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Lower-case ASCII letters, digits and hyphens, as the alias rule wants. */
    static String aliasFrom(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 50) {
            slug = slug.substring(0, 50).replaceAll("-+$", "");
        }
        return slug.length() < 2 ? "idp" + (slug.isEmpty() ? "" : "-" + slug) : slug;
    }
}
