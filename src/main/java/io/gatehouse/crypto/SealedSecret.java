package io.gatehouse.crypto;

/** A secret encrypted at rest: the id of the master key that sealed it, and the base64 ciphertext. */
public record SealedSecret(String keyId, String ciphertext) {
    @Override
    public String toString() {
        return "SealedSecret[keyId=" + keyId + "]";
    }
}
