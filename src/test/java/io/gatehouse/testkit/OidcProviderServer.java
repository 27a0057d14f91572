package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real {@code oidc-provider} (the OpenID-certified Node.js provider from npm) on 127.0.0.1, with the test's clients
 * and users: an OpenID provider to interoperate with. Installed into {@code target/oidc-provider} once with npm.
 */
public final class OidcProviderServer implements AutoCloseable {
    /** The package version, pinned together with its dependencies by the package-lock.json next to the script. */
    public static final String VERSION = "8.8.1";
    private static final Logger LOG = LoggerFactory.getLogger(OidcProviderServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RESOURCES = "/oidc-provider/";
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "provider.mjs");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final String issuer;
    private final Duration startupTime;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private OidcProviderServer(String name, Process process, Path logFile, String issuer, Duration startupTime) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.issuer = issuer;
        this.startupTime = startupTime;
    }

    /**
     * Installs oidc-provider if needed and starts a provider for these clients and users; {@code name} names its log,
     * {@code target/oidc-provider/<name>.log}. Close it when done.
     */
    public static OidcProviderServer start(String name, List<Client> clients, List<User> users) {
        Path dir = Path.of(System.getProperty("gatehouse.oidcProvider.workdir", "target"), "oidc-provider")
                .toAbsolutePath();
        try {
            Files.createDirectories(dir);
            installOnce(dir);
            return launch(dir, name, clients, users);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start oidc-provider in " + dir, e);
        }
    }

    // ---- accessors --------------------------------------------------------------------------------------------

    /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String issuer() {
        return issuer;
    }

    public String discoveryUrl() {
        return issuer + "/.well-known/openid-configuration";
    }

    public Path logFile() {
        return logFile;
    }

    /** From launching node to the provider listening. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Every successful token request so far, oldest first: client, authentication, form field names, ID token alg. */
    public List<TokenRequest> tokenRequests() {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/test/token-requests")).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("oidc-provider did not answer; " + tail(logFile), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<TokenRequest> out = new ArrayList<>();
        for (JsonNode t : JSON.readTree(r.body())) {
            List<String> fields = new ArrayList<>();
            t.path("body_fields").forEach(f -> fields.add(f.asString()));
            out.add(new TokenRequest(t.path("client_id").asString(), t.path("auth_method").asString(),
                    t.path("authorization_header").asString(), fields,
                    t.path("id_token_alg").isString() ? Optional.of(t.path("id_token_alg").asString())
                            : Optional.empty()));
        }
        return out;
    }

    /** The last lines of the provider's output, for failure messages. */
    public String logTail() {
        return tail(logFile);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LOG.info("oidc-provider {} stopped", name);
    }

    // ---- installation ---------------------------------------------------------------------------------------------

    /**
     * Copies package.json, package-lock.json and the script into {@code dir} and runs npm install there, unless an
     * install of exactly these files is already in place. A file lock keeps two test JVMs from installing at once.
     */
    private static void installOnce(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
            String digest = copyResources(dir);
            Path marker = dir.resolve("node_modules/.gatehouse-installed");
            if (Files.exists(marker) && Files.readString(marker).equals(digest)
                    && Files.isRegularFile(dir.resolve("node_modules/oidc-provider/package.json"))) {
                return;
            }
            long t0 = System.nanoTime();
            Path log = dir.resolve("npm-install.log");
            // --no-audit --no-fund: no calls beyond the registry's packages; the lock file pins every version
            ProcessBuilder pb = new ProcessBuilder(npm(), "install", "--no-audit", "--no-fund",
                    "--no-update-notifier").directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("NODE_ENV", "development");
            Process npm;
            try {
                npm = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("npm could not be started (Node.js 20 and npm are needed for the "
                        + "oidc-provider interoperability tests): " + e.getMessage(), e);
            }
            try {
                if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm install of oidc-provider took more than "
                            + INSTALL_TIMEOUT.toMinutes() + " min; " + tail(log));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                npm.destroyForcibly();
                throw new IllegalStateException("interrupted during npm install", e);
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm install of oidc-provider failed with exit code "
                        + npm.exitValue() + "; " + tail(log));
            }
            Files.writeString(marker, digest);
            LOG.info("oidc-provider {} installed into {} in {} ms", VERSION, dir, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Copies the files from the test resources; returns a digest of them, which names the install they need. */
    private static String copyResources(Path dir) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String file : FILES) {
            byte[] content;
            try (InputStream in = OidcProviderServer.class.getResourceAsStream(RESOURCES + file)) {
                if (in == null) {
                    throw new IllegalStateException("test resource " + RESOURCES + file + " is missing");
                }
                content = in.readAllBytes();
            }
            Path target = dir.resolve(file);
            if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                Files.write(target, content);
            }
            if (!file.endsWith(".mjs")) {
                // the script can change without a new install
                sha.update(content);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String npm() {
        return System.getProperty("os.name").startsWith("Windows") ? "npm.cmd" : "npm";
    }

    // ---- process ----------------------------------------------------------------------------------------------

    private static OidcProviderServer launch(Path dir, String name, List<Client> clients, List<User> users)
            throws IOException {
        long t0 = System.nanoTime();
        Path run = Files.createDirectories(dir.resolve("run"));
        Path config = run.resolve(name + ".json");
        Path ready = run.resolve(name + ".ready.json");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(ready);
        Files.writeString(config, JSON.writeValueAsString(config(clients, users)));
        ProcessBuilder pb = new ProcessBuilder("node", "provider.mjs", config.toString(), ready.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        // a developer's own Node options (a debugger, a preloaded module) must not leak into the fixture
        env.remove("NODE_OPTIONS");
        // devInteractions and the in-memory store are development features; say so rather than rely on a default
        env.put("NODE_ENV", "development");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("node could not be started (Node.js 20 is needed for the oidc-provider "
                    + "interoperability tests): " + e.getMessage(), e);
        }
        // the script exits when its stdin closes: kept open here, it closes when this JVM ends, however it ends
        String issuer;
        try {
            issuer = awaitReady(process, ready, log);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        OidcProviderServer server = new OidcProviderServer(name, process, log, issuer,
                Duration.ofNanos(System.nanoTime() - t0));
        LOG.info("oidc-provider {} ({}) ready at {} in {} ms; log: {}", VERSION, name, issuer,
                server.startupTime.toMillis(), log);
        return server;
    }

    private static ObjectNode config(List<Client> clients, List<User> users) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cs = root.putArray("clients");
        for (Client c : clients) {
            ObjectNode o = cs.addObject().put("client_id", c.clientId())
                    .put("token_endpoint_auth_method", c.tokenEndpointAuthMethod())
                    .put("id_token_signed_response_alg", c.idTokenSignedResponseAlg());
            o.putArray("redirect_uris").add(c.redirectUri());
            o.putArray("grant_types").add("authorization_code");
            o.putArray("response_types").add("code");
            c.clientSecret().ifPresent(s -> o.put("client_secret", s));
            c.jwksUri().ifPresent(u -> o.put("jwks_uri", u));
        }
        ArrayNode us = root.putArray("users");
        for (User u : users) {
            us.addObject().put("sub", u.sub()).put("email", u.email()).put("email_verified", u.emailVerified())
                    .put("given_name", u.givenName()).put("family_name", u.familyName()).put("name", u.name());
        }
        return root;
    }

    private static String awaitReady(Process process, Path ready, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("oidc-provider exited with " + process.exitValue()
                        + " while starting; " + tail(log));
            }
            if (Files.exists(ready)) {
                try {
                    return JSON.readTree(Files.readString(ready)).path("issuer").asString();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("oidc-provider was not ready within " + START_TIMEOUT.toSeconds()
                        + " s; " + tail(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while oidc-provider was starting", e);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "the last lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "no log at " + log;
        }
    }

    // ---- values -------------------------------------------------------------------------------------------------

    /** A user findAccount knows; the devInteractions login page takes {@code sub} as the login name. */
    public record User(String sub, String email, boolean emailVerified, String givenName, String familyName,
            String name) {
    }

    /**
     * A registered client: one redirect URI, the code flow, a token endpoint authentication method and the ID token's
     * signing algorithm; a secret for the client_secret methods, a JWKS URL for private_key_jwt.
     */
    public record Client(String clientId, Optional<String> clientSecret, Optional<String> jwksUri, String redirectUri,
            String tokenEndpointAuthMethod, String idTokenSignedResponseAlg) {

        /** client_secret_basic or client_secret_post. */
        public static Client withSecret(String clientId, String secret, String redirectUri, String method,
                String idTokenAlg) {
            return new Client(clientId, Optional.of(secret), Optional.empty(), redirectUri, method, idTokenAlg);
        }

        /** private_key_jwt: oidc-provider fetches the client's keys from {@code jwksUri} (server-side). */
        public static Client withPrivateKeyJwt(String clientId, String jwksUri, String redirectUri, String idTokenAlg) {
            return new Client(clientId, Optional.empty(), Optional.of(jwksUri), redirectUri, "private_key_jwt",
                    idTokenAlg);
        }

        @Override
        public String toString() {
            return "Client[" + clientId + ", " + tokenEndpointAuthMethod + "]"; // the secret stays out of logs
        }
    }

    /** One successful token request as oidc-provider saw it: the names of the form fields, never their values. */
    public record TokenRequest(String clientId, String authMethod, String authorizationScheme, List<String> bodyFields,
            Optional<String> idTokenAlg) {
    }
}
