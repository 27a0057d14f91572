package io.gatehouse.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's profile as Gatehouse states it to applications, whatever the IdP called things:
 * the ID token's claims, custom attributes from mappers, and every raw attribute as asserted.
 * {@code groupsOverage} says the IdP had more groups than it would put in the assertion (Entra
 * ID's overage), so {@code groups} is incomplete rather than empty. {@code emailVerifiedByIdp} is
 * what the IdP itself said of this very address (nothing when it said nothing, or when a mapper
 * put another address in its place); the {@code email_verified} claim is provisioning's decision.
 */
public record NormalizedProfile(Optional<String> email, Optional<Boolean> emailVerifiedByIdp, Optional<String> givenName,
                                Optional<String> familyName, Optional<String> name, Optional<String> username,
                                List<String> groups, boolean groupsOverage, Optional<String> role,
                                Optional<String> team, Map<String, String> custom,
                                Map<String, List<String>> rawAttributes) {
    /** The longest value kept (a store column's width); longer values are cut. */
    public static final int MAX_VALUE = 1024;
    /** RFC 5321's limit on a forward path: a longer "email" is no address, so it is left out. */
    public static final int MAX_EMAIL = 320;

    public NormalizedProfile {
        email = email.map(String::strip).filter(e -> !e.isEmpty() && e.length() <= MAX_EMAIL);
        emailVerifiedByIdp = email.isPresent() ? emailVerifiedByIdp : Optional.empty();
        givenName = clean(givenName);
        familyName = clean(familyName);
        name = clean(name);
        username = clean(username);
        role = clean(role);
        team = clean(team);
        groups = cleanAll(groups);
        Map<String, String> c = new LinkedHashMap<>();
        custom.forEach((k, v) -> clean(Optional.ofNullable(v)).ifPresent(x -> c.put(k, x)));
        custom = Collections.unmodifiableMap(c);
        Map<String, List<String>> raw = new LinkedHashMap<>();
        rawAttributes.forEach((k, v) -> raw.put(k, List.copyOf(v)));
        rawAttributes = Collections.unmodifiableMap(raw);
    }

    static Optional<String> clean(Optional<String> value) {
        return value.map(String::strip).filter(v -> !v.isEmpty()).map(NormalizedProfile::cut);
    }

    static List<String> cleanAll(List<String> values) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            clean(Optional.ofNullable(v)).ifPresent(out::add);
        }
        return List.copyOf(new ArrayList<>(out));
    }

    private static String cut(String v) {
        if (v.length() <= MAX_VALUE) {
            return v;
        }
        // never split a surrogate pair: half a character is not text
        int end = Character.isHighSurrogate(v.charAt(MAX_VALUE - 1)) ? MAX_VALUE - 1 : MAX_VALUE;
        return v.substring(0, end);
    }
}
