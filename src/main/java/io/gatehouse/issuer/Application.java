package io.gatehouse.issuer;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An application that receives sign-ins: an OAuth client with exact redirect URIs, confidential
 * (secret stored hashed) or public (PKCE required), limited to some orgs or open to all.
 */
public record Application(String clientId, String name, Optional<String> secretHash, List<String> redirectUris,
                          Optional<List<OrgId>> allowedOrgs, String idTokenAlg, Instant createdAt) {
    public Application {
        redirectUris = List.copyOf(redirectUris);
        allowedOrgs = allowedOrgs.map(List::copyOf);
    }

    public boolean publicClient() {
        return secretHash.isEmpty();
    }

    public boolean allows(OrgId org) {
        return allowedOrgs.map(list -> list.contains(org)).orElse(true);
    }
}
