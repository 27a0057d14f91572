import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the signed jars of Gatehouse's run layout (BouncyCastle's) without their signatures and
 * with only the main section of their manifests.
 * <p>
 * A signed jar's manifest carries a digest for every class (850 KB for bcprov). The JVM parses all of
 * it into several thousand attribute maps, and it keeps them and the verifier's state for as long as
 * it runs: about 10 MB of idle RSS. Gatehouse uses BouncyCastle as a library, never as a registered
 * JCA provider, so nothing needs the signatures. The jars in the Maven repository and in
 * target/gatehouse.jar are not touched.
 * <p>
 * Usage: java src/build/SlimSignedJars.java DIR
 */
public class SlimSignedJars {
    public static void main(String[] args) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            for (Path jar : jars) {
                if (isSigned(jar)) {
                    slim(jar);
                }
            }
        }
    }

    static boolean isSigned(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().anyMatch(e -> isSignatureFile(e.getName()));
        }
    }

    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("META-INF/") && upper.indexOf('/', "META-INF/".length()) < 0
                && (upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC"));
    }

    static void slim(Path jar) throws IOException {
        Path slimmed = jar.resolveSibling(jar.getFileName() + ".slim");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(slimmed))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (isSignatureFile(entry.getName())) {
                    continue;
                }
                byte[] data = in.readAllBytes();
                if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    data = mainSection(data);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        Files.move(slimmed, jar, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The manifest up to its first blank line: the main attributes, without the per-entry sections. */
    static byte[] mainSection(byte[] manifest) {
        String text = new String(manifest, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        int endLf = text.indexOf("\n\n");
        int cut = end >= 0 ? end + 4 : endLf >= 0 ? endLf + 2 : text.length();
        return text.substring(0, cut).getBytes(StandardCharsets.UTF_8);
    }
}
