package io.gatehouse.crypto;

import com.google.crypto.tink.Aead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Envelope encryption of secrets at rest with Tink's AES-256-GCM AEAD. The associated data binds
 * each ciphertext to its owner (an identity provider's id), so a ciphertext copied onto another
 * row does not open. Several master keys may be loaded; the first seals, any opens (rotation).
 */
public final class SecretBox {
    private final String primaryKeyId;
    private final Map<String, Aead> keys;

    SecretBox(Map<String, Aead> keysInOrder) {
        if (keysInOrder.isEmpty()) {
            throw new IllegalArgumentException("at least one master key is needed");
        }
        this.keys = new LinkedHashMap<>(keysInOrder);
        this.primaryKeyId = keysInOrder.keySet().iterator().next();
    }

    public SealedSecret seal(byte[] plaintext, byte[] associatedData) {
        try {
            byte[] ciphertext = keys.get(primaryKeyId).encrypt(plaintext, associatedData);
            return new SealedSecret(primaryKeyId, Base64.getEncoder().encodeToString(ciphertext));
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("Encryption failed");
        }
    }

    public byte[] open(SealedSecret sealed, byte[] associatedData) {
        Aead aead = keys.get(sealed.keyId());
        if (aead == null) {
            throw new SecretBoxException("The secret was sealed with master key " + sealed.keyId()
                    + ", which is not loaded: add it to GATEHOUSE_MASTER_KEY");
        }
        try {
            return aead.decrypt(Base64.getDecoder().decode(sealed.ciphertext()), associatedData);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretBoxException("The secret could not be decrypted (tampered, or sealed for another owner)");
        }
    }

    public SealedSecret sealString(String plaintext, String associatedData) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), associatedData.getBytes(StandardCharsets.UTF_8));
    }

    public String openString(SealedSecret sealed, String associatedData) {
        return new String(open(sealed, associatedData.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    public String primaryKeyId() {
        return primaryKeyId;
    }
}
