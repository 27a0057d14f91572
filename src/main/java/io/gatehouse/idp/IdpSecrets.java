package io.gatehouse.idp;

import io.gatehouse.crypto.Secret;
import java.util.Optional;

/** The secrets of one identity provider; stored sealed, never returned by the API. */
public record IdpSecrets(Optional<Secret> clientSecret, Optional<Secret> decryptionPrivateKey,
                         Optional<Secret> tlsClientPrivateKey) {
    public static final IdpSecrets NONE = new IdpSecrets(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean isEmpty() {
        return clientSecret.isEmpty() && decryptionPrivateKey.isEmpty() && tlsClientPrivateKey.isEmpty();
    }

    @Override
    public String toString() {
        return "IdpSecrets[redacted]";
    }
}
