package io.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets at rest: sealed with AES-256-GCM, bound to their owner, rotatable, never echoed. */
class SecretBoxTest {
    @TempDir
    Path dir;

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void sealsAndOpensBoundToTheOwner() {
        SecretBox box = MasterKeys.load(newKey(), dir);
        SealedSecret sealed = box.sealString("client-secret-value", "identity_provider:1");
        assertThat(sealed.ciphertext()).doesNotContain("client-secret-value");
        assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());
        assertThat(box.openString(sealed, "identity_provider:1")).isEqualTo("client-secret-value");
        assertThatThrownBy(() -> box.openString(sealed, "identity_provider:2")).isInstanceOf(SecretBoxException.class);
        String tampered = Base64.getEncoder().encodeToString(flipLastByte(Base64.getDecoder().decode(sealed.ciphertext())));
        assertThatThrownBy(() -> box.openString(new SealedSecret(sealed.keyId(), tampered), "identity_provider:1"))
                .isInstanceOf(SecretBoxException.class);
    }

    @Test
    void rotationKeepsOldSecretsReadable() {
        String old = newKey();
        String next = newKey();
        SealedSecret before = MasterKeys.load(old, dir).sealString("v", "a");
        SecretBox rotated = MasterKeys.load(next + "," + old, dir);
        assertThat(rotated.openString(before, "a")).isEqualTo("v");
        assertThat(rotated.sealString("w", "a").keyId()).isNotEqualTo(before.keyId());
        assertThatThrownBy(() -> MasterKeys.load(next, dir).openString(before, "a"))
                .isInstanceOf(SecretBoxException.class).hasMessageContaining(before.keyId());
    }

    @Test
    void resealingMovesASecretToThePrimaryKeyForTheSameOwnerOnly() {
        String old = newKey();
        String next = newKey();
        SecretBox before = MasterKeys.load(old, dir);
        SealedSecret sealed = before.sealString("client-secret-value", "identity_provider:1");
        SecretBox rotated = MasterKeys.load(next + "," + old, dir);
        SealedSecret moved = rotated.resealString(sealed, "identity_provider:1");
        assertThat(moved.keyId()).isEqualTo(rotated.primaryKeyId()).isNotEqualTo(sealed.keyId());
        assertThat(MasterKeys.load(next, dir).openString(moved, "identity_provider:1")).isEqualTo("client-secret-value");
        // the owner binding goes along: resealing for another owner fails as opening would
        assertThatThrownBy(() -> rotated.resealString(sealed, "identity_provider:2"))
                .isInstanceOf(SecretBoxException.class);
        SecretBoxException lost = org.junit.jupiter.api.Assertions.assertThrows(SecretBoxException.class,
                () -> MasterKeys.load(next, dir).resealString(sealed, "identity_provider:1"));
        assertThat(lost.missingKeyId()).contains(sealed.keyId());
    }

    @Test
    void keyIdsAreDerivedOneWayUnderTheirOwnLabelAndShowNoDigestOfTheKey() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String id = MasterKeys.keyId(key);
        assertThat(id).matches("^mk-[0-9a-f]{16}$").isEqualTo(MasterKeys.keyId(key.clone()));
        String plainDigest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(key));
        assertThat(plainDigest).doesNotContain(id.substring(3)).startsWith(MasterKeys.legacyKeyId(key));
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThat(MasterKeys.keyId(other)).isNotEqualTo(id);
    }

    @Test
    void secretsSealedUnderTheEarlierIdOfAKeyStillOpenAndAreShownUnderItsId() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = Base64.getEncoder().encodeToString(key);
        SecretBox box = MasterKeys.load(text, dir);
        SealedSecret current = box.sealString("v", "a");
        // what an earlier version stored: the same ciphertext under the key's plain-SHA-256 id
        SealedSecret legacy = new SealedSecret(MasterKeys.legacyKeyId(key), current.ciphertext());
        assertThat(box.openString(legacy, "a")).isEqualTo("v");
        assertThat(box.opens(legacy.keyId())).isTrue();
        assertThat(box.displayId(legacy.keyId())).isEqualTo(box.primaryKeyId());
        assertThat(box.resealString(legacy, "a").keyId()).isEqualTo(box.primaryKeyId());
        assertThat(box.displayId("mk-0123456789abcdef")).isEqualTo("mk-0123456789abcdef");
        assertThat(box.opens("mk-0123456789abcdef")).isFalse();
    }

    @Test
    void aKeyListedTwiceCountsOnceAndKeepsItsPlace() {
        String first = newKey();
        String second = newKey();
        SecretBox box = MasterKeys.load(first + "," + second + "," + first, dir);
        assertThat(box.keyIds()).hasSize(2).first().isEqualTo(MasterKeys.load(first, dir).primaryKeyId());
    }

    @Test
    void aGeneratedKeyIsPrivateAndReused() throws Exception {
        SecretBox first = MasterKeys.load(null, dir);
        Path file = dir.resolve("master.key");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        SealedSecret sealed = first.sealString("v", "a");
        assertThat(MasterKeys.load("", dir).openString(sealed, "a")).isEqualTo("v");
    }

    @Test
    void badKeysAreRefusedWithoutEchoingThem() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> MasterKeys.load(shortKey, dir)).hasMessageContaining("32 bytes")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> MasterKeys.load("not base64 !!", dir)).hasMessageContaining("not base64")
                .hasMessageNotContaining("!!");
    }

    @Test
    void secretsNeverPrint() {
        Secret secret = new Secret("hunter2");
        assertThat(secret.toString()).isEqualTo("**********");
        assertThat(secret.matches(new Secret("hunter2"))).isTrue();
        assertThat(secret.matches(new Secret("hunter3"))).isFalse();
    }

    private static byte[] flipLastByte(byte[] bytes) {
        bytes[bytes.length - 1] ^= 1;
        return bytes;
    }
}
