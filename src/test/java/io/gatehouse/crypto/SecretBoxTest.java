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
