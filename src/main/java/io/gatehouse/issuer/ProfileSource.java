package io.gatehouse.issuer;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.provisioning.ProvisioningResult;
import io.gatehouse.provisioning.User;
import io.gatehouse.provisioning.UserProvisioning;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.SignInFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The user behind a brokered identity (found or provisioned by the IdP's rules) and the claims the
 * application receives: the stored profile, so that manual roles and import-once fields hold.
 */
@Component
class ProfileSource {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.Set<String> PROTOCOL_CLAIMS = java.util.Set.of("iss", "aud", "exp", "iat", "nbf",
            "nonce", "at_hash", "c_hash", "azp", "auth_time", "jti", "sid", "typ");
    private final UserProvisioning provisioning;

    ProfileSource(UserProvisioning provisioning) {
        this.provisioning = provisioning;
    }

    /** A user found (or provisioned) with their claims, or refused by provisioning rules. */
    sealed interface Profile {
        record Found(String userId, ObjectNode claims) implements Profile {
        }

        record Refused(SignInFailure failure) implements Profile {
        }
    }

    Profile profile(IdentityProvider idp, BrokeredIdentity identity, Instant now) {
        return switch (provisioning.provision(idp, identity, now)) {
            case ProvisioningResult.Refused r -> new Profile.Refused(r.failure());
            case ProvisioningResult.Provisioned p -> new Profile.Found(p.user().id(), claims(p.user(), identity));
        };
    }

    /** The normalized profile claims of the API page. */
    static ObjectNode claims(User user, BrokeredIdentity identity) {
        ObjectNode c = JSON.createObjectNode();
        c.put("sub", user.id());
        user.email().ifPresent(e -> c.put("email", e));
        c.put("email_verified", user.emailVerified());
        user.givenName().ifPresent(v -> c.put("given_name", v));
        user.familyName().ifPresent(v -> c.put("family_name", v));
        user.name().ifPresent(v -> c.put("name", v));
        user.username().ifPresent(v -> c.put("preferred_username", v));
        ArrayNode groups = c.putArray("groups");
        user.groups().forEach(groups::add);
        if (user.groupsOverage()) {
            c.put("groups_overage", true);
        }
        c.put("org", identity.org().value());
        c.put("identity_provider", identity.alias().value());
        user.role().ifPresent(r -> c.put("role", r));
        user.team().ifPresent(t -> c.put("team", t));
        if (!user.custom().isEmpty()) {
            ObjectNode custom = c.putObject("custom_attributes");
            user.custom().forEach(custom::put);
        }
        ObjectNode raw = c.putObject("raw_attributes");
        for (Map.Entry<String, List<String>> a : identity.rawAttributes().entrySet()) {
            if (PROTOCOL_CLAIMS.contains(a.getKey())) {
                // the upstream token's own envelope (its audience, nonce, expiry) is not the user's
                continue;
            }
            ArrayNode values = raw.putArray(a.getKey());
            a.getValue().forEach(values::add);
        }
        return c;
    }
}
