package io.gatehouse.signin;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.Protocol;
import io.gatehouse.tenancy.OrgId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who signed in, the same whatever the protocol: the subject as the IdP names it (for OIDC,
 * issuer and sub together), the usual profile claims, every raw attribute, and when the IdP says it
 * issued the assertion or ID token (by its own clock).
 */
public record BrokeredIdentity(OrgId org, String idpId, IdpAlias alias, Protocol protocol, String subject,
                               Optional<String> nameIdFormat, Optional<String> sessionIndex, Optional<String> email,
                               Optional<Boolean> emailVerified, Optional<String> givenName,
                               Optional<String> familyName, Optional<String> name, List<String> groups,
                               Map<String, List<String>> rawAttributes, Optional<java.time.Instant> issuedAt) {
    public BrokeredIdentity {
        groups = List.copyOf(groups);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        rawAttributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        rawAttributes = java.util.Collections.unmodifiableMap(copy);
    }
}
