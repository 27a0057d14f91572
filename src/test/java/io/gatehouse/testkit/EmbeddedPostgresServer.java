package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL started by the tests from the zonky binaries on the test class path. Unlike
 * zonky's own launcher it also works as root (CI runs as root, and PostgreSQL refuses to): then
 * initdb and the server run as the unprivileged user {@code nobody} through setpriv.
 */
final class EmbeddedPostgresServer {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private final Path binaries;
    private final Path dataDir;
    private final Path socketDir;
    private final int port;
    private final boolean root;

    private EmbeddedPostgresServer(Path binaries, Path dataDir, Path socketDir, int port, boolean root) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.port = port;
        this.root = root;
    }

    int port() {
        return port;
    }

    static EmbeddedPostgresServer start() {
        try {
            boolean root = "root".equals(System.getProperty("user.name")) || isUidZero();
            Path base = Path.of(System.getProperty("java.io.tmpdir"), "gatehouse-embedded-pg");
            Path binaries = extract(base.resolve("bin-14"));
            Path run = Files.createTempDirectory(base, "run-");
            Path data = run.resolve("data");
            Path sockets = run.resolve("sockets");
            Files.createDirectories(data);
            Files.createDirectories(sockets);
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            if (root) {
                exec(List.of("chown", "-R", "nobody:nogroup", run.toString()), 30);
            }
            int port = freePort();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(binaries, data, sockets, port, root);
            server.run(List.of(binaries.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-locale"), 120);
            server.run(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                    "-l", run.resolve("postgres.log").toString(), "-o",
                    "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + sockets
                            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start"), 90);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "embedded-postgres-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }

    void stop() {
        try {
            run(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate",
                    "stop"), 30);
        } catch (RuntimeException | IOException e) {
            // best effort at JVM exit
        }
    }

    private void run(List<String> command, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        full.addAll(command);
        exec(full, timeoutSeconds);
    }

    private static void exec(List<String> command, int timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = in.readAllBytes();
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("Embedded PostgreSQL: " + String.join(" ", command) + " failed:\n"
                        + new String(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path extract(Path target) throws IOException {
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        Files.createDirectories(target);
        try (InputStream raw = EmbeddedPostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (raw == null) {
                throw new IllegalStateException("The PostgreSQL binaries (" + ARCHIVE + ") are not on the test class path");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = target.resolve(entry.getName()).normalize();
                    if (!out.startsWith(target)) {
                        throw new IllegalStateException("archive entry outside the target");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.deleteIfExists(out);
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
        // nobody must be able to traverse and execute everything extracted
        exec(List.of("chmod", "-R", "a+rX", target.toString()), 30);
        exec(List.of("chmod", "a+rx", target.getParent().toString()), 30);
        Files.createFile(marker);
        return target;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isUidZero() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
