package io.gatehouse.issuer;

import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.SignInFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/** The user behind a brokered identity, and the claims the application receives about them. */
@Component
class ProfileSource {

    /** A user found (or provisioned) with their claims, or refused by provisioning rules. */
    sealed interface Profile {
        record Found(String userId, ObjectNode claims) implements Profile {
        }

        record Refused(SignInFailure failure) implements Profile {
        }
    }

    Profile profile(BrokeredIdentity identity, Instant now) {
        String userId = stableId(identity);
        return new Profile.Found(userId, Broker.claims(identity, userId, Optional.empty(), Optional.empty()));
    }

    /** Keyed by (org, identity provider, subject), never by email: the same person at two IdPs is two users. */
    static String stableId(BrokeredIdentity identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((identity.org().value() + "\n"
                    + identity.idpId() + "\n" + identity.subject()).getBytes(StandardCharsets.UTF_8));
            return "u_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
