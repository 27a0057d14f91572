package io.gatehouse.provisioning;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user of an org, known by the identity provider that signed them in and the subject that IdP
 * gave them; the profile as last synchronized, and the role and team the org gives them.
 */
public record User(String id, OrgId org, String idpId, String subject, Optional<String> email,
                   boolean emailVerified, Optional<String> givenName, Optional<String> familyName,
                   Optional<String> name, Optional<String> username, List<String> groups, boolean groupsOverage,
                   Optional<String> role, Optional<String> team, Map<String, String> custom, Instant createdAt,
                   Instant updatedAt, Instant lastSignInAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(idpId, "idpId");
        Objects.requireNonNull(subject, "subject");
        groups = List.copyOf(groups);
        custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
    }

    /** Gatehouse's decision on the stored address made again; a change is a change of the profile. */
    User withEmailVerified(boolean verified, Instant now) {
        return verified == emailVerified ? this : new User(id, org, idpId, subject, email, verified, givenName,
                familyName, name, username, groups, groupsOverage, role, team, custom, createdAt, now, lastSignInAt);
    }

    User withRoleAndTeam(Optional<String> newRole, Optional<String> newTeam, Instant now) {
        return new User(id, org, idpId, subject, email, emailVerified, givenName, familyName, name, username, groups,
                groupsOverage, newRole, newTeam, custom, createdAt, now, lastSignInAt);
    }
}
