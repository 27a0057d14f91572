package io.gatehouse.saml;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Who signed in, as a verified assertion states it; {@code issuedAt} is the assertion's IssueInstant. */
// expiresAt is the assertion's earliest NotOnOrAfter: a replay cache keeps assertionId until then
public record SamlIdentity(String assertionId, Instant expiresAt, String issuer, String nameId, String nameIdFormat,
                           Optional<String> sessionIndex, Instant authnInstant, Map<String, List<String>> attributes,
                           Optional<String> email, Optional<String> firstName, Optional<String> lastName,
                           List<String> groups, Optional<Instant> issuedAt) {
    public SamlIdentity {
        Objects.requireNonNull(assertionId, "assertionId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(nameId, "nameId");
        Objects.requireNonNull(nameIdFormat, "nameIdFormat");
        Objects.requireNonNull(authnInstant, "authnInstant");
        // keep the IdP's attribute order (admins read them in that order), but immutably
        Map<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        attributes = java.util.Collections.unmodifiableMap(copy);
        groups = List.copyOf(groups);
    }
}
