package io.gatehouse.crypto;

import com.google.crypto.tink.Aead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envelope encryption of secrets at rest with Tink's AES-256-GCM AEAD. The associated data binds
 * each ciphertext to its owner (an identity provider's id), so a ciphertext copied onto another
 * row does not open. Several master keys may be loaded; the first seals, any opens (rotation), and
 * {@link #reseal} moves a secret from an older key to the first.
 */
public final class SecretBox {
    private final String primaryKeyId;
    private final Map<String, MasterKey> keys;
    /** Every id a loaded key is stored under (its id, and the id earlier versions derived) to the key. */
    private final Map<String, MasterKey> byStoredId = new HashMap<>();

    /** One loaded master key: its id, the id earlier versions stored for it, and its AEAD. */
    record MasterKey(String id, String legacyId, Aead aead) {
        @Override
        public String toString() {
            return "MasterKey[" + id + "]";
        }
    }

    SecretBox(Map<String, MasterKey> keysInOrder) {
        if (keysInOrder.isEmpty()) {
            throw new IllegalArgumentException("at least one master key is needed");
        }
        this.keys = new LinkedHashMap<>(keysInOrder);
        this.primaryKeyId = keysInOrder.keySet().iterator().next();
        for (MasterKey k : keysInOrder.values()) {
            byStoredId.put(k.legacyId(), k);
        }
        for (MasterKey k : keysInOrder.values()) {
            byStoredId.put(k.id(), k);
        }
    }

    public SealedSecret seal(byte[] plaintext, byte[] associatedData) {
        try {
            byte[] ciphertext = keys.get(primaryKeyId).aead().encrypt(plaintext, associatedData);
            return new SealedSecret(primaryKeyId, Base64.getEncoder().encodeToString(ciphertext));
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException("Encryption failed");
        }
    }

    public byte[] open(SealedSecret sealed, byte[] associatedData) {
        MasterKey key = byStoredId.get(sealed.keyId());
        if (key == null) {
            throw SecretBoxException.keyNotLoaded(sealed.keyId());
        }
        try {
            return key.aead().decrypt(Base64.getDecoder().decode(sealed.ciphertext()), associatedData);
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

    /**
     * The same secret sealed under the primary key, for the same owner; the plaintext lives only in
     * between. Throws as {@link #open} does when the secret cannot be opened.
     */
    public SealedSecret reseal(SealedSecret sealed, byte[] associatedData) {
        byte[] plaintext = open(sealed, associatedData);
        try {
            return seal(plaintext, associatedData);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    public SealedSecret resealString(SealedSecret sealed, String associatedData) {
        return reseal(sealed, associatedData.getBytes(StandardCharsets.UTF_8));
    }

    public String primaryKeyId() {
        return primaryKeyId;
    }

    /** The ids of the loaded keys, the primary first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /** Whether a ciphertext stored under this key id opens here (its key is loaded). */
    public boolean opens(String storedKeyId) {
        return byStoredId.containsKey(storedKeyId);
    }

    /**
     * The id to show for a stored key id: a loaded key's id (also for the id earlier versions stored
     * for it); an unknown id as stored, since the key it names is not here to derive another.
     */
    public String displayId(String storedKeyId) {
        MasterKey key = byStoredId.get(storedKeyId);
        return key == null ? storedKeyId : key.id();
    }
}
