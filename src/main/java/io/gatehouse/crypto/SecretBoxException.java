package io.gatehouse.crypto;

import java.util.Optional;

/** A sealed secret that cannot be opened: unknown key, tampered ciphertext or wrong context. */
public final class SecretBoxException extends RuntimeException {
    private final String missingKeyId;

    public SecretBoxException(String message) {
        this(message, null);
    }

    private SecretBoxException(String message, String missingKeyId) {
        super(message, null, false, false);
        this.missingKeyId = missingKeyId;
    }

    static SecretBoxException keyNotLoaded(String keyId) {
        return new SecretBoxException("The secret was sealed with master key " + keyId
                + ", which is not loaded: add it to GATEHOUSE_MASTER_KEY", keyId);
    }

    /** The id of the master key the secret was sealed with, when that key is not loaded here. */
    public Optional<String> missingKeyId() {
        return Optional.ofNullable(missingKeyId);
    }
}
