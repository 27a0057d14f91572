package io.gatehouse.crypto;

/** A sealed secret that cannot be opened: unknown key, tampered ciphertext or wrong context. */
public final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
        super(message, null, false, false);
    }
}
