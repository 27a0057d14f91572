package io.gatehouse.provisioning;

import io.gatehouse.idp.Provisioning;
import io.gatehouse.mapping.NormalizedProfile;
import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The provisioning rules, without I/O: what a first sign-in stores, and what a later one changes
 * under the identity provider's sync mode (the profile) and role management (role and team).
 * {@code emailVerified} is Gatehouse's decision on the profile's address ({@link EmailVouching}).
 */
final class ProfileSync {
    private ProfileSync() {
    }

    static User create(String id, OrgId org, String idpId, String subject, NormalizedProfile p, boolean emailVerified,
                       Provisioning rules, Instant now) {
        // manual or not, the first sign-in starts from what the IdP says, else the configured default
        return new User(id, org, idpId, subject, p.email(), emailVerified, p.givenName(), p.familyName(), p.name(),
                p.username(), p.groups(), p.groupsOverage(), p.role().or(rules::defaultRole),
                p.team().or(rules::defaultTeam), p.custom(), now, now, now);
    }

    static User update(User u, NormalizedProfile p, boolean emailVerified, Provisioning rules, Instant now) {
        User synced = switch (rules.syncMode()) {
            case IMPORT -> u;
            case FORCE -> new User(u.id(), u.org(), u.idpId(), u.subject(), p.email(), emailVerified, p.givenName(),
                    p.familyName(), p.name(), p.username(),
                    // an overage assertion lists no groups: that is "too many to say", not "none"
                    p.groupsOverage() ? u.groups() : p.groups(), p.groupsOverage(), u.role(), u.team(), p.custom(),
                    u.createdAt(), u.updatedAt(), u.lastSignInAt());
            case LEGACY -> fillEmpty(u, p, emailVerified);
        };
        User roled = switch (rules.roleManagement()) {
            case MANUAL -> synced;
            case IDP -> {
                // with an overage the group-based mappers could not see the groups: keep what was known
                boolean unknowable = p.groupsOverage();
                Optional<String> role = p.role().or(() -> unknowable ? u.role() : rules.defaultRole());
                Optional<String> team = p.team().or(() -> unknowable ? u.team() : rules.defaultTeam());
                yield new User(synced.id(), synced.org(), synced.idpId(), synced.subject(), synced.email(),
                        synced.emailVerified(), synced.givenName(), synced.familyName(), synced.name(),
                        synced.username(), synced.groups(), synced.groupsOverage(), role, team, synced.custom(),
                        synced.createdAt(), synced.updatedAt(), synced.lastSignInAt());
            }
        };
        boolean changed = !roled.equals(u);
        return new User(roled.id(), roled.org(), roled.idpId(), roled.subject(), roled.email(), roled.emailVerified(),
                roled.givenName(), roled.familyName(), roled.name(), roled.username(), roled.groups(),
                roled.groupsOverage(), roled.role(), roled.team(), roled.custom(), roled.createdAt(),
                changed ? now : u.updatedAt(), now);
    }

    /** Legacy sync: the stored profile wins, but what the store lacks is taken from the assertion. */
    private static User fillEmpty(User u, NormalizedProfile p, boolean emailVerified) {
        boolean takeEmail = u.email().isEmpty() && p.email().isPresent();
        boolean takeGroups = u.groups().isEmpty() && !p.groups().isEmpty();
        Map<String, String> custom = new LinkedHashMap<>(u.custom());
        p.custom().forEach(custom::putIfAbsent);
        List<String> groups = takeGroups ? p.groups() : u.groups();
        return new User(u.id(), u.org(), u.idpId(), u.subject(), takeEmail ? p.email() : u.email(),
                // the verification belongs to the address it was asserted with
                takeEmail ? emailVerified : u.emailVerified(), u.givenName().or(p::givenName),
                u.familyName().or(p::familyName), u.name().or(p::name), u.username().or(p::username), groups,
                takeGroups ? p.groupsOverage() : u.groupsOverage(), u.role(), u.team(), custom, u.createdAt(),
                u.updatedAt(), u.lastSignInAt());
    }
}
