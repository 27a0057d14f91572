package io.gatehouse.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A real Keycloak (the distribution from Maven Central) per test JVM: a SAML IdP and OpenID provider to interoperate with. */
public final class KeycloakServer {
    /** The SAML attribute names the standard mappers of {@link #samlClient} send. */
    public static final String EMAIL_ATTRIBUTE = "email";
    public static final String GIVEN_NAME_ATTRIBUTE = "givenName";
    public static final String SURNAME_ATTRIBUTE = "surname";
    public static final String GROUPS_ATTRIBUTE = "groups";

    private static final Logger LOG = LoggerFactory.getLogger(KeycloakServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN_USER = "gatehouse-admin";
    // a fixed password: the H2 database outlives the test JVM (a warm start skips ~20 s of schema set-up) and
    // Keycloak creates the bootstrap admin only with a new master realm; it only ever listens on 127.0.0.1
    private static final String ADMIN_PASSWORD = "gatehouse-test-admin-password";
    private static final String PRISTINE_DATABASE = "pristine-h2";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);
    private static KeycloakServer shared;

    private final Path logFile;
    private final Process process;
    private final int port;
    private final Duration startupTime;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private String adminToken;
    private Instant adminTokenRefreshAt = Instant.MIN;

    private KeycloakServer(Path logFile, Process process, int port, Duration startupTime) {
        this.logFile = logFile;
        this.process = process;
        this.port = port;
        this.startupTime = startupTime;
    }

    /** The Keycloak of this test JVM, started on first use (about a minute on a fresh build, seconds after). */
    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "keycloak-stop"));
        }
        return shared;
    }

    // ---- accessors --------------------------------------------------------------------------------------------

    /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** How long the start took, unzipping included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Keycloak's own log (stdout and stderr), for a failing test to point at. */
    public Path logFile() {
        return logFile;
    }

    public String issuer(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public String discoveryUrl(String realm) {
        return issuer(realm) + "/.well-known/openid-configuration";
    }

    public String authorizationEndpoint(String realm) {
        return issuer(realm) + "/protocol/openid-connect/auth";
    }

    public String tokenEndpoint(String realm) {
        return issuer(realm) + "/protocol/openid-connect/token";
    }

    public String jwksUrl(String realm) {
        return issuer(realm) + "/protocol/openid-connect/certs";
    }

    /** The realm's SAML IdP metadata (an EntityDescriptor with an IDPSSODescriptor). */
    public String samlDescriptorUrl(String realm) {
        return issuer(realm) + "/protocol/saml/descriptor";
    }

    /** The realm's SAML endpoint: SSO and SLO, Redirect and POST bindings. */
    public String samlEndpoint(String realm) {
        return issuer(realm) + "/protocol/saml";
    }

    /** The URL that starts an IdP-initiated login for a client set up with {@link SamlClientOptions#withIdpInitiatedSso}. */
    public String idpInitiatedSsoUrl(String realm, String urlName) {
        return samlEndpoint(realm) + "/clients/" + urlName;
    }

    public String samlDescriptor(String realm) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(samlDescriptorUrl(realm))).GET(), false);
        requireSuccess("GET", samlDescriptorUrl(realm), r);
        return r.body();
    }

    // ---- realm set-up through the Admin REST API -------------------------------------------------------------

    /** Creates the realm afresh (an existing one of that name, e.g. from an earlier run, is deleted first). */
    public void createRealm(String realm) {
        long t0 = System.nanoTime();
        HttpResponse<String> deleted = admin("DELETE", "/admin/realms/" + enc(realm), null);
        if (deleted.statusCode() != 404) {
            requireSuccess("DELETE", "realm " + realm, deleted);
            LOG.info("Deleted realm {} left from an earlier run in {} ms", realm, (System.nanoTime() - t0) / 1_000_000);
        }
        long t1 = System.nanoTime();
        ObjectNode body = JSON.createObjectNode().put("realm", realm).put("enabled", true)
                // Keycloak would otherwise require TLS for any client not on a private address
                .put("sslRequired", "none");
        requireSuccess("POST", "realm " + realm, admin("POST", "/admin/realms", body));
        LOG.info("Created realm {} in {} ms", realm, (System.nanoTime() - t1) / 1_000_000);
    }

    public void createGroup(String realm, String name) {
        requireSuccess("POST", "group " + name,
                admin("POST", realmPath(realm) + "/groups", JSON.createObjectNode().put("name", name)));
    }

    /** Creates an enabled user with a verified email and a permanent password; returns Keycloak's user id. */
    public String createUser(String realm, User user) {
        ObjectNode body = JSON.createObjectNode().put("username", user.username()).put("email", user.email())
                .put("firstName", user.firstName()).put("lastName", user.lastName()).put("emailVerified", true)
                .put("enabled", true);
        body.putArray("credentials").addObject().put("type", "password").put("value", user.password())
                .put("temporary", false);
        ArrayNode groups = body.putArray("groups");
        user.groups().forEach(g -> groups.add("/" + g));
        HttpResponse<String> r = admin("POST", realmPath(realm) + "/users", body);
        requireSuccess("POST", "user " + user.username(), r);
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /**
     * A SAML client for a service provider: client ID = the SP's entity ID, assertions posted to {@code acsUrl},
     * and mappers sending {@link #EMAIL_ATTRIBUTE}, {@link #GIVEN_NAME_ATTRIBUTE}, {@link #SURNAME_ATTRIBUTE} and
     * {@link #GROUPS_ATTRIBUTE} (names as in {@code options.attributeNames()}).
     */
    public void samlClient(String realm, String spEntityId, String acsUrl, SamlClientOptions options) {
        ObjectNode client = JSON.createObjectNode().put("clientId", spEntityId).put("protocol", "saml")
                .put("enabled", true).put("frontchannelLogout", options.frontChannelLogoutUrl().isPresent());
        // Keycloak checks an AuthnRequest's AssertionConsumerServiceURL against these
        client.putArray("redirectUris").add(acsUrl);
        ObjectNode a = client.putObject("attributes");
        a.put("saml_assertion_consumer_url_post", acsUrl);
        a.put("saml.server.signature", bool(options.signDocument()));
        a.put("saml.assertion.signature", bool(options.signAssertions()));
        a.put("saml.signature.algorithm", options.signatureAlgorithm().name());
        a.put("saml_signature_canonicalization_method", "http://www.w3.org/2001/10/xml-exc-c14n#");
        a.put("saml.authnstatement", "true");
        a.put("saml_name_id_format", options.nameIdFormat().keycloakName);
        // the configured format wins over the one an AuthnRequest asks for, so a test gets what it set up
        a.put("saml_force_name_id_format", "true");
        a.put("saml.force.post.binding", bool(options.forcePostBinding()));
        a.put("saml.encrypt", bool(options.encryptionCertificatePem().isPresent()));
        options.encryptionCertificatePem().ifPresent(pem -> a.put("saml.encryption.certificate", pemBody(pem)));
        options.encryptionAlgorithm().ifPresent(alg -> a.put("saml.encryption.algorithm", alg));
        options.keyTransportAlgorithm().ifPresent(alg -> a.put("saml.encryption.keyAlgorithm", alg));
        a.put("saml.client.signature", bool(options.clientSigningCertificatePem().isPresent()));
        options.clientSigningCertificatePem().ifPresent(pem -> a.put("saml.signing.certificate", pemBody(pem)));
        options.frontChannelLogoutUrl().ifPresent(url -> {
            a.put("saml_single_logout_service_url_post", url);
            a.put("saml_single_logout_service_url_redirect", url);
        });
        options.idpInitiatedSsoUrlName().ifPresent(name -> a.put("saml_idp_initiated_sso_url_name", name));

        SamlAttributeNames names = options.attributeNames();
        ArrayNode mappers = client.putArray("protocolMappers");
        mappers.add(samlPropertyMapper("email", names.email(), names));
        mappers.add(samlPropertyMapper("firstName", names.givenName(), names));
        mappers.add(samlPropertyMapper("lastName", names.surname(), names));
        ObjectNode groups = mappers.addObject().put("name", "groups").put("protocol", "saml")
                .put("protocolMapper", "saml-group-membership-mapper");
        groups.putObject("config").put("attribute.name", names.groups()).put("friendly.name", "groups")
                .put("attribute.nameformat", names.nameFormat()).put("single", "false").put("full.path", "false");
        requireSuccess("POST", "SAML client " + spEntityId, admin("POST", realmPath(realm) + "/clients", client));
    }

    /**
     * A SAML client made the way a Keycloak admin imports a service provider: from its SP metadata, through Keycloak's
     * own converter (entity ID, ACS and SLO URLs, signing and encryption certificates, AuthnRequestsSigned), plus the
     * mappers of {@link #samlClient}. Returns the client as Keycloak stored it, for a test to check what it read.
     */
    public JsonNode samlClientFromMetadata(String realm, String spMetadataXml) {
        HttpRequest.Builder convert = HttpRequest.newBuilder(URI.create(baseUrl() + realmPath(realm)
                        + "/client-description-converter")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(spMetadataXml));
        ObjectNode client = (ObjectNode) JSON.readTree(requireSuccess("POST", "client description",
                send(convert, false)).body());
        client.put("enabled", true);
        ObjectNode attributes = client.has("attributes") ? (ObjectNode) client.get("attributes")
                : client.putObject("attributes");
        if (!attributes.has("saml.signing.certificate")) {
            // metadata without a signing certificate (AuthnRequests not signed): without this, Keycloak makes up a
            // client key pair, which takes it over a minute on a busy two-core machine
            attributes.put("saml.client.signature", "false");
        }
        SamlAttributeNames names = SamlAttributeNames.basic();
        ArrayNode mappers = client.putArray("protocolMappers");
        mappers.add(samlPropertyMapper("email", names.email(), names));
        mappers.add(samlPropertyMapper("firstName", names.givenName(), names));
        mappers.add(samlPropertyMapper("lastName", names.surname(), names));
        ObjectNode groups = mappers.addObject().put("name", "groups").put("protocol", "saml")
                .put("protocolMapper", "saml-group-membership-mapper");
        groups.putObject("config").put("attribute.name", names.groups()).put("friendly.name", "groups")
                .put("attribute.nameformat", names.nameFormat()).put("single", "false").put("full.path", "false");
        String clientId = client.path("clientId").asString();
        requireSuccess("POST", "SAML client " + clientId, admin("POST", realmPath(realm) + "/clients", client));
        JsonNode stored = JSON.readTree(requireSuccess("GET", "client " + clientId, admin("GET", realmPath(realm)
                + "/clients?clientId=" + enc(clientId), null)).body());
        return stored.path(0);
    }

    /** A confidential OpenID Connect client using the authorization code flow. */
    public void oidcClient(String realm, String clientId, String secret, String redirectUri, OidcClientOptions options) {
        if (options.idTokenSignatureAlgorithm().startsWith("ES")) {
            String bits = options.idTokenSignatureAlgorithm().substring(2);
            ensureEcKeyProvider(realm, "P-" + ("512".equals(bits) ? "521" : bits));
        }
        ObjectNode client = JSON.createObjectNode().put("clientId", clientId).put("protocol", "openid-connect")
                .put("enabled", true).put("publicClient", false).put("standardFlowEnabled", true)
                .put("implicitFlowEnabled", false).put("directAccessGrantsEnabled", false)
                .put("serviceAccountsEnabled", false);
        client.putArray("redirectUris").add(redirectUri);
        ObjectNode a = client.putObject("attributes");
        switch (options.authentication()) {
            // Keycloak's client-secret authenticator accepts the secret in the header and in the body alike
            case CLIENT_SECRET_BASIC, CLIENT_SECRET_POST -> client.put("clientAuthenticatorType", "client-secret")
                    .put("secret", secret);
            case PRIVATE_KEY_JWT -> {
                client.put("clientAuthenticatorType", "client-jwt");
                a.put("use.jwks.url", "true");
                a.put("jwks.url", options.jwksUrl().orElseThrow(
                        () -> new IllegalArgumentException("private_key_jwt needs the RP's JWKS URL")));
            }
        }
        if (options.pkceRequired()) {
            a.put("pkce.code.challenge.method", "S256");
        }
        a.put("id.token.signed.response.alg", options.idTokenSignatureAlgorithm());
        a.put("post.logout.redirect.uris", redirectUri);
        requireSuccess("POST", "OIDC client " + clientId, admin("POST", realmPath(realm) + "/clients", client));
    }

    /**
     * Rotates the realm's signing key as a Keycloak admin would: a new generated RSA key that outranks the others, so
     * Keycloak signs with it from now on; the old one stays enabled and in the realm's metadata.
     */
    public void rotateRsaSigningKey(String realm) {
        String realmId = JSON.readTree(requireSuccess("GET", "realm " + realm, admin("GET", realmPath(realm), null))
                .body()).path("id").asString();
        ObjectNode component = JSON.createObjectNode().put("name", "rsa-rotated-" + UUID.randomUUID())
                .put("providerId", "rsa-generated").put("providerType", "org.keycloak.keys.KeyProvider")
                .put("parentId", realmId);
        ObjectNode config = component.putObject("config");
        config.putArray("priority").add(Long.toString(System.currentTimeMillis()));
        config.putArray("enabled").add("true");
        config.putArray("active").add("true");
        config.putArray("keySize").add("2048");
        config.putArray("algorithm").add("RS256");
        requireSuccess("POST", "RSA key provider", admin("POST", realmPath(realm) + "/components", component));
    }

    private void ensureEcKeyProvider(String realm, String curve) {
        JsonNode providers = JSON.readTree(requireSuccess("GET", "key providers", admin("GET",
                realmPath(realm) + "/components?type=org.keycloak.keys.KeyProvider", null)).body());
        for (JsonNode p : providers) {
            if ("ecdsa-generated".equals(p.path("providerId").asString())
                    && curve.equals(p.path("config").path("ecdsaEllipticCurveKey").path(0).asString())) {
                return;
            }
        }
        String realmId = JSON.readTree(requireSuccess("GET", "realm " + realm, admin("GET", realmPath(realm), null))
                .body()).path("id").asString();
        ObjectNode component = JSON.createObjectNode().put("name", "ecdsa-" + curve).put("providerId", "ecdsa-generated")
                .put("providerType", "org.keycloak.keys.KeyProvider").put("parentId", realmId);
        ObjectNode config = component.putObject("config");
        config.putArray("priority").add("100");
        config.putArray("enabled").add("true");
        config.putArray("active").add("true");
        config.putArray("ecdsaEllipticCurveKey").add(curve);
        requireSuccess("POST", "EC key provider", admin("POST", realmPath(realm) + "/components", component));
    }

    private static ObjectNode samlPropertyMapper(String property, String attributeName, SamlAttributeNames names) {
        ObjectNode m = JSON.createObjectNode().put("name", property).put("protocol", "saml")
                .put("protocolMapper", "saml-user-property-mapper");
        m.putObject("config").put("user.attribute", property).put("attribute.name", attributeName)
                .put("friendly.name", property).put("attribute.nameformat", names.nameFormat());
        return m;
    }

    // ---- admin HTTP --------------------------------------------------------------------------------------------

    private HttpResponse<String> admin(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + adminToken());
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(b, false);
    }

    private synchronized String adminToken() {
        if (Instant.now().isAfter(adminTokenRefreshAt)) {
            String form = "grant_type=password&client_id=admin-cli&username=" + enc(ADMIN_USER) + "&password="
                    + enc(ADMIN_PASSWORD);
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(tokenEndpoint("master")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)), false);
            requireSuccess("POST", "admin token", r);
            JsonNode token = JSON.readTree(r.body());
            adminToken = token.path("access_token").asString();
            // master-realm tokens live 60 s; a set-up may take longer than that
            adminTokenRefreshAt = Instant.now().plusSeconds(Math.max(5, token.path("expires_in").asLong(60) - 20));
        }
        return adminToken;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, boolean quiet) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (quiet) {
                return null;
            }
            throw new UncheckedIOException("Keycloak request failed (log: " + logFile + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // only the status and Keycloak's answer: request bodies carry passwords and client secrets
    private static HttpResponse<String> requireSuccess(String method, String what, HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("Keycloak " + method + " " + what + " answered " + r.statusCode() + ": "
                    + r.body());
        }
        return r;
    }

    private static String realmPath(String realm) {
        return "/admin/realms/" + enc(realm);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String bool(boolean b) {
        return Boolean.toString(b);
    }

    /** Keycloak stores certificates as the bare base64 DER, without the PEM armour. */
    private static String pemBody(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    // ---- process ------------------------------------------------------------------------------------------------

    private static KeycloakServer start() {
        long t0 = System.nanoTime();
        Path zip = Path.of(System.getProperty("gatehouse.keycloak.zip",
                "target/keycloak-dist/keycloak-quarkus-dist-26.5.6.zip")).toAbsolutePath();
        Path workdir = Path.of(System.getProperty("gatehouse.keycloak.workdir", "target")).toAbsolutePath();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("The Keycloak distribution " + zip + " is missing: the build copies it "
                    + "there from Maven Central (run `./mvnw generate-test-resources` once when testing from an IDE)");
        }
        try {
            Path home = unzipOnce(zip, workdir);
            long unzipped = System.nanoTime();
            Path run = Files.createDirectories(workdir.resolve("keycloak-run"));
            stopLeftover(run.resolve("keycloak.pids"), home);
            Duration timeout = Duration.ofSeconds(Long.getLong("gatehouse.keycloak.startTimeoutSeconds",
                    DEFAULT_START_TIMEOUT.toSeconds()));
            KeycloakServer server;
            try {
                server = launchOnPristineDatabase(home, run, timeout, t0);
            } catch (IllegalStateException first) {
                // a database left broken by a killed run, or a port taken between choosing and binding it:
                // one more try on a new database and new ports
                LOG.warn("Keycloak did not start ({}); retrying on a new database", first.getMessage().lines()
                        .findFirst().orElse(""));
                deleteTree(run.resolve(PRISTINE_DATABASE));
                server = launchOnPristineDatabase(home, run, timeout, t0);
            }
            LOG.info("Keycloak {} ready at {} in {} ms (unzipping {} ms); log: {}", home.getFileName(), server.baseUrl(),
                    server.startupTime.toMillis(), (unzipped - t0) / 1_000_000, server.logFile);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Keycloak", e);
        }
    }

    /**
     * Starts Keycloak on a copy of a database holding nothing but the master realm, so every test JVM begins from the
     * same state. Setting that database up (schema, master realm, bootstrap admin) takes Keycloak ~20 s and deleting a
     * realm ~5 s, so it is done once, by a first start that is stopped right away, and kept under target/.
     */
    private static KeycloakServer launchOnPristineDatabase(Path home, Path run, Duration timeout, long t0)
            throws IOException {
        Path h2 = home.resolve("data/h2");
        Path pristine = run.resolve(PRISTINE_DATABASE);
        if (!Files.exists(pristine.resolve(".complete"))) {
            deleteTree(home.resolve("data"));
            deleteTree(pristine);
            KeycloakServer first = launch(home, run, timeout, t0, "keycloak-first-start.log");
            // a clean stop closes the H2 file properly, so the copy is consistent
            first.stop();
            copyTree(h2, pristine);
            Files.createFile(pristine.resolve(".complete"));
            LOG.info("Keycloak's empty database set up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        deleteTree(home.resolve("data"));
        copyTree(pristine, h2);
        Files.deleteIfExists(h2.resolve(".complete"));
        return launch(home, run, timeout, t0, "keycloak.log");
    }

    private static KeycloakServer launch(Path home, Path run, Duration timeout, long t0, String logName)
            throws IOException {
        int port = freePort();
        int managementPort = freePort();
        Path log = run.resolve(logName);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + managementPort,
                "--health-enabled=true",
                // explicit although the defaults: nothing may try to reach a collector or the internet
                "--metrics-enabled=false", "--tracing-enabled=false")
                .directory(run.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        // a developer's own Keycloak or Quarkus settings must not leak into the fixture
        env.keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("QUARKUS_") || k.startsWith("JAVA_OPTS"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // --add-opens: JDK 24+ refuses jboss-threads' thread-local reset without it and Keycloak then cannot serve
        // HTTP. C1 only: the C2 compiler nearly doubles the CPU time to ready (measured 17.5 s vs 9.5 s), which on a
        // 2-core CI machine is wall time, and a test's few hundred requests never repay it.
        env.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1");
        Process process = pb.start();
        Files.writeString(run.resolve("keycloak.pids"), Long.toString(process.pid()));

        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            awaitReady(process, probe, ready, log, deadline, timeout);
        }
        // kc.sh runs Keycloak's JVM as a child: record both, so a run killed outright can be cleaned up next time
        List<String> pids = new ArrayList<>(List.of(Long.toString(process.pid())));
        process.descendants().forEach(p -> pids.add(Long.toString(p.pid())));
        Files.writeString(run.resolve("keycloak.pids"), String.join("\n", pids));
        return new KeycloakServer(log, process, port, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void awaitReady(Process process, HttpClient probe, URI ready, Path log, long deadline,
            Duration timeout) {
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting; "
                        + tail(log));
            }
            if (System.nanoTime() > deadline) {
                kill(process);
                throw new IllegalStateException("Keycloak was not ready within " + timeout.toSeconds() + " s; "
                        + tail(log));
            }
            try {
                HttpResponse<String> r = probe.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill(process);
                throw new IllegalStateException("interrupted while Keycloak was starting", e);
            }
            sleep(250);
        }
    }

    void stop() {
        kill(process);
    }

    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        // kc.sh forwards TERM to Keycloak's JVM, which then shuts down cleanly (H2 closed properly)
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Ends the Keycloak of an earlier test JVM that was killed before its shutdown hook ran. */
    private static void stopLeftover(Path pidFile, Path home) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        for (String line : Files.readAllLines(pidFile)) {
            if (line.isBlank()) {
                continue;
            }
            // only a process that is still the one we started: a recycled pid runs something else
            ProcessHandle.of(Long.parseLong(line.trim()))
                    .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
                    .ifPresent(p -> {
                        LOG.warn("Stopping a Keycloak left over from an earlier run (pid {})", p.pid());
                        p.destroy();
                        try {
                            p.onExit().get(20, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            p.destroyForcibly();
                        }
                    });
        }
        Files.delete(pidFile);
    }

    /** Unzips the distribution next to it once; later runs find the marker and skip it. */
    private static Path unzipOnce(Path zip, Path workdir) throws IOException {
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            String top = zf.entries().nextElement().getName().split("/")[0];
            Path home = workdir.resolve(top);
            Path marker = home.resolve(".gatehouse-unzipped");
            if (Files.exists(marker)) {
                return home;
            }
            deleteTree(home);
            // unzipped aside and renamed into place, so an interrupted unzip is never taken for a complete one
            Path partial = workdir.resolve(top + ".partial-" + UUID.randomUUID());
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path out = partial.resolve(e.getName()).normalize();
                if (!out.startsWith(partial)) {
                    throw new IllegalStateException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zf.getInputStream(e)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                if (e.getName().endsWith(".sh")) {
                    // java.util.zip drops the Unix modes
                    out.toFile().setExecutable(true, false);
                }
            }
            Files.createFile(partial.resolve(top).resolve(".gatehouse-unzipped"));
            Files.move(partial.resolve(top), home);
            deleteTree(partial);
            return home;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String tail(Path log) {
        try {
            // without the JVM's warnings about Netty's use of sun.misc.Unsafe, which crowd out the real cause
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.startsWith("WARNING: ")).toList();
            return "the last lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "no log at " + log;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---- values --------------------------------------------------------------------------------------------------

    /** A realm user: enabled, email verified, with a permanent password, member of the named top-level groups. */
    public record User(String username, String password, String email, String firstName, String lastName,
            List<String> groups) {
        public User {
            groups = List.copyOf(groups);
        }

        public static User of(String username, String password, String email, String firstName, String lastName,
                String... groups) {
            return new User(username, password, email, firstName, lastName, List.of(groups));
        }

        @Override
        public String toString() {
            return "User[" + username + "]";
        }
    }

    /** The NameID formats a SAML client can send; Keycloak calls "unspecified" {@code username}. */
    public enum NameIdFormat {
        EMAIL("email"), PERSISTENT("persistent"), UNSPECIFIED("username"), TRANSIENT("transient");

        private final String keycloakName;

        NameIdFormat(String keycloakName) {
            this.keycloakName = keycloakName;
        }
    }

    /** The XML signature algorithms Keycloak signs SAML with. */
    public enum SamlSignatureAlgorithm { RSA_SHA256, RSA_SHA512, RSA_SHA1 }

    /** Names of the attributes the SAML client's mappers send, and their NameFormat ("Basic", "URI Reference"). */
    public record SamlAttributeNames(String email, String givenName, String surname, String groups, String nameFormat) {
        public static SamlAttributeNames basic() {
            return new SamlAttributeNames(EMAIL_ATTRIBUTE, GIVEN_NAME_ATTRIBUTE, SURNAME_ATTRIBUTE, GROUPS_ATTRIBUTE,
                    "Basic");
        }

        /** The claim URIs ADFS and Entra ID send. */
        public static SamlAttributeNames claimUris() {
            String base = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
            return new SamlAttributeNames(base + "emailaddress", base + "givenname", base + "surname",
                    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "URI Reference");
        }
    }

    /** How a SAML client is set up; {@link #defaults()} signs document and assertion, RSA-SHA256, email NameID, POST. */
    public record SamlClientOptions(boolean signDocument, boolean signAssertions,
            Optional<String> encryptionCertificatePem, Optional<String> encryptionAlgorithm,
            Optional<String> keyTransportAlgorithm, Optional<String> clientSigningCertificatePem,
            NameIdFormat nameIdFormat, boolean forcePostBinding, Optional<String> frontChannelLogoutUrl,
            SamlSignatureAlgorithm signatureAlgorithm, SamlAttributeNames attributeNames,
            Optional<String> idpInitiatedSsoUrlName) {

        public static SamlClientOptions defaults() {
            return new SamlClientOptions(true, true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), NameIdFormat.EMAIL, true, Optional.empty(), SamlSignatureAlgorithm.RSA_SHA256,
                    SamlAttributeNames.basic(), Optional.empty());
        }

        public SamlClientOptions withSignDocument(boolean sign) {
            return new SamlClientOptions(sign, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        public SamlClientOptions withSignAssertions(boolean sign) {
            return new SamlClientOptions(signDocument, sign, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        /** Assertions encrypted for the SP's certificate, with Keycloak's default algorithms. */
        public SamlClientOptions withEncryptedAssertions(String spCertificatePem) {
            return new SamlClientOptions(signDocument, signAssertions, Optional.of(spCertificatePem),
                    encryptionAlgorithm, keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat,
                    forcePostBinding, frontChannelLogoutUrl, signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        /** E.g. {@code http://www.w3.org/2001/04/xmlenc#aes128-cbc} and {@code http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p}. */
        public SamlClientOptions withEncryptionAlgorithms(String dataAlgorithmUri, String keyTransportAlgorithmUri) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem,
                    Optional.of(dataAlgorithmUri), Optional.of(keyTransportAlgorithmUri), clientSigningCertificatePem,
                    nameIdFormat, forcePostBinding, frontChannelLogoutUrl, signatureAlgorithm, attributeNames,
                    idpInitiatedSsoUrlName);
        }

        /** Keycloak then refuses AuthnRequests (and logout requests) not signed with this certificate's key. */
        public SamlClientOptions withSignedAuthnRequests(String spSigningCertificatePem) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, Optional.of(spSigningCertificatePem), nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        public SamlClientOptions withNameIdFormat(NameIdFormat format) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, format, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        /** With {@code false}, Keycloak answers on the binding the request came with. */
        public SamlClientOptions withForcePostBinding(boolean force) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, force, frontChannelLogoutUrl,
                    signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        /** The SP's single-logout URL (Redirect and POST), called through the browser at logout. */
        public SamlClientOptions withFrontChannelLogout(String sloUrl) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    Optional.of(sloUrl), signatureAlgorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        public SamlClientOptions withSignatureAlgorithm(SamlSignatureAlgorithm algorithm) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, algorithm, attributeNames, idpInitiatedSsoUrlName);
        }

        public SamlClientOptions withAttributeNames(SamlAttributeNames names) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, names, idpInitiatedSsoUrlName);
        }

        /** Allows IdP-initiated login at {@link KeycloakServer#idpInitiatedSsoUrl(String, String)}. */
        public SamlClientOptions withIdpInitiatedSso(String urlName) {
            return new SamlClientOptions(signDocument, signAssertions, encryptionCertificatePem, encryptionAlgorithm,
                    keyTransportAlgorithm, clientSigningCertificatePem, nameIdFormat, forcePostBinding,
                    frontChannelLogoutUrl, signatureAlgorithm, attributeNames, Optional.of(urlName));
        }
    }

    /** How an OpenID client authenticates at the token endpoint. */
    public enum ClientAuthentication { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT }

    /** How an OIDC client is set up; {@link #defaults()}: client_secret_basic, PKCE S256 required, RS256 ID tokens. */
    public record OidcClientOptions(ClientAuthentication authentication, Optional<String> jwksUrl,
            boolean pkceRequired, String idTokenSignatureAlgorithm) {

        public static OidcClientOptions defaults() {
            return new OidcClientOptions(ClientAuthentication.CLIENT_SECRET_BASIC, Optional.empty(), true, "RS256");
        }

        public OidcClientOptions withClientSecretPost() {
            return new OidcClientOptions(ClientAuthentication.CLIENT_SECRET_POST, jwksUrl, pkceRequired,
                    idTokenSignatureAlgorithm);
        }

        /** The client authenticates with a JWT signed by a key Keycloak fetches from {@code jwksUrl}. */
        public OidcClientOptions withPrivateKeyJwt(String jwksUrl) {
            return new OidcClientOptions(ClientAuthentication.PRIVATE_KEY_JWT, Optional.of(jwksUrl), pkceRequired,
                    idTokenSignatureAlgorithm);
        }

        public OidcClientOptions withPkceRequired(boolean required) {
            return new OidcClientOptions(authentication, jwksUrl, required, idTokenSignatureAlgorithm);
        }

        /** RS256, PS256, ES256, ES384...; an ES algorithm adds a generated EC key of that curve to the realm. */
        public OidcClientOptions withIdTokenSignatureAlgorithm(String algorithm) {
            return new OidcClientOptions(authentication, jwksUrl, pkceRequired, algorithm);
        }
    }
}
