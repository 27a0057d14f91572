package io.gatehouse.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run layout's jar slimming (src/build/SlimSignedJars.java, run by ./gatehouse prepare). */
class SlimSignedJarsTest {
    @Test
    void signedJarsLoseTheirSignaturesAndPerEntryDigestsAndStillLoad(@TempDir Path lib) throws Exception {
        Path signed = Path.of(org.bouncycastle.asn1.ASN1Object.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path unsigned = Path.of(org.junit.jupiter.api.Test.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path bc = Files.copy(signed, lib.resolve(signed.getFileName()));
        Path junit = Files.copy(unsigned, lib.resolve(unsigned.getFileName()));
        byte[] junitBefore = Files.readAllBytes(junit);
        try (JarFile before = new JarFile(bc.toFile())) {
            assertThat(before.stream().anyMatch(e -> e.getName().endsWith(".SF"))).isTrue();
            assertThat(before.getManifest().getEntries()).isNotEmpty();
        }

        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "src/build/SlimSignedJars.java", lib.toString()).inheritIO().start();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isZero();

        try (JarFile after = new JarFile(bc.toFile())) {
            assertThat(after.stream().filter(e -> e.getName().startsWith("META-INF/"))
                    .map(java.util.zip.ZipEntry::getName)).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"));
            assertThat(after.getManifest().getEntries()).isEmpty();
            assertThat(after.getManifest().getMainAttributes().getValue("Bundle-SymbolicName")).isEqualTo("bcprov");
            assertThat(after.size()).isGreaterThan(1000);
        }
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {bc.toUri().toURL()}, null)) {
            Class<?> loaded = loader.loadClass("org.bouncycastle.asn1.ASN1Integer");
            assertThat(loaded.getConstructor(long.class).newInstance(42L).toString()).isEqualTo("42");
        }
        assertThat(Files.readAllBytes(junit)).isEqualTo(junitBefore);
    }
}
