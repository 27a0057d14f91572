package io.gatehouse.oidc;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * PKCE verifiers at rest: sealed with the secret box and bound to the identity provider, so the
 * attempts table never holds one in the clear (a verifier is a secret until the code is redeemed).
 */
@Component
class PkceVerifiers {
    private static final String SEPARATOR = ":";
    private final SecretBox box;

    PkceVerifiers(SecretBox box) {
        this.box = box;
    }

    String seal(String idpId, String verifier) {
        SealedSecret sealed = box.sealString(verifier, aad(idpId));
        return sealed.keyId() + SEPARATOR + sealed.ciphertext();
    }

    /** The verifier; empty when the stored value does not open for this provider. */
    Optional<String> open(String idpId, String stored) {
        int at = stored.indexOf(SEPARATOR);
        if (at <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(box.openString(new SealedSecret(stored.substring(0, at), stored.substring(at + 1)),
                    aad(idpId)));
        } catch (SecretBoxException e) {
            return Optional.empty();
        }
    }

    private static String aad(String idpId) {
        return "oidc_pkce:" + idpId;
    }
}
