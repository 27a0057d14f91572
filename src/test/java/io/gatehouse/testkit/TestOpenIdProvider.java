package io.gatehouse.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.crypto.KeyAndCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import net.minidev.json.JSONObject;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real OpenID provider on 127.0.0.1 for tests: discovery, JWKS, authorize (redirects back with a
 * code), token (checks every client authentication method, PKCE and one-time codes), userinfo, and
 * optionally a mutual-TLS token endpoint on an HTTPS port. Real RSA and EC keys, made per instance.
 * Its knobs make it misbehave the ways attackers and broken providers do.
 */
public final class TestOpenIdProvider implements AutoCloseable {
    public static final String SUBJECT = "248289761001";
    public static final String EMAIL = "jane@acme.example";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final HttpServer server;
    private HttpsServer mtlsServer;
    private X509Certificate mtlsServerCertificate;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile RSAKey rsaKey;
    private final ECKey ecKey;
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicInteger clientJwksFetches = new AtomicInteger();
    private final AtomicInteger userinfoRequests = new AtomicInteger();
    private final List<String> tokenRefusals = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> tokenForms = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> lastAuthorization = Map.of();

    // the registered client
    private volatile String clientId = "gatehouse-client";
    private volatile String clientSecret = "s3cret-" + UUID.randomUUID() + UUID.randomUUID();
    private volatile String authMethod = "client_secret_basic";
    private volatile URI clientJwksUri;
    private volatile X509Certificate clientCertificate;

    // knobs
    private volatile String idTokenAlg = "RS256";
    private volatile UnaryOperator<JWTClaimsSet.Builder> claimsTweak = UnaryOperator.identity();
    private volatile UnaryOperator<JWSHeader.Builder> headerTweak = UnaryOperator.identity();
    private volatile Optional<JWK> signingKeyOverride = Optional.empty();
    private volatile int jwksStatus = 200;
    private volatile UnaryOperator<List<Map<String, Object>>> jwksEntries = UnaryOperator.identity();
    private volatile Optional<String> userinfoSubject = Optional.empty();
    private volatile Map<String, Object> userinfoExtra = Map.of();
    private volatile Map<String, Object> userClaims = defaultUser();
    private volatile boolean announceIss = true;
    private volatile boolean sendIss = true;
    private volatile Optional<String> issParameterOverride = Optional.empty();
    private volatile Optional<String> authorizeError = Optional.empty();
    private volatile boolean oauth2Only;
    private volatile boolean profileInUserinfoOnly;

    /** One issued code and what it was issued for. */
    private record Code(String clientId, String redirectUri, Optional<String> nonce, Optional<String> challenge,
                        Optional<String> challengeMethod, boolean[] used) {
    }

    public TestOpenIdProvider() {
        try {
            rsaKey = new RSAKeyGenerator(2048).keyID("rsa-" + shortId()).generate();
            ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-" + shortId()).generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        published.add(rsaKey.toPublicJWK());
        published.add(ecKey.toPublicJWK());
        server.createContext("/.well-known/openid-configuration", ex -> json(ex, 200, discovery()));
        server.createContext("/jwks", ex -> {
            jwksRequests.incrementAndGet();
            if (jwksStatus != 200) {
                json(ex, jwksStatus, "{\"error\":\"unavailable\"}");
                return;
            }
            List<Map<String, Object>> entries = new ArrayList<>();
            published.forEach(k -> entries.add(k.toJSONObject()));
            JSONObject set = new JSONObject();
            set.put("keys", jwksEntries.apply(entries));
            json(ex, 200, set.toJSONString());
        });
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/userinfo", this::userinfo);
        server.createContext("/user", this::githubUser);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    private static Map<String, Object> defaultUser() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", EMAIL);
        user.put("email_verified", true);
        user.put("given_name", "Jane");
        user.put("family_name", "Doe");
        user.put("name", "Jane Doe");
        user.put("groups", List.of("Engineering", "Admins"));
        return user;
    }

    // ---- addresses

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String jwksUri() {
        return issuer() + "/jwks";
    }

    public String tokenEndpoint() {
        return issuer() + "/token";
    }

    // ---- the registered client

    public TestOpenIdProvider client(String id, String method) {
        this.clientId = id;
        this.authMethod = method;
        return this;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** Where the client publishes its keys for private_key_jwt (Gatehouse's /oidc/jwks). */
    public TestOpenIdProvider clientJwksUri(URI uri) {
        this.clientJwksUri = uri;
        return this;
    }

    /** The certificate a tls_client_auth client must present. */
    public TestOpenIdProvider clientCertificate(X509Certificate certificate) {
        this.clientCertificate = certificate;
        return this;
    }

    /**
     * Starts a second, HTTPS, token endpoint that demands a client certificate (mutual TLS); its
     * server certificate is returned so that the test can trust it.
     */
    public X509Certificate startMtlsTokenEndpoint() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            X500Principal subject = new X500Principal("CN=127.0.0.1");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM),
                    Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                    subject, pair.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", pair.getPrivate(), new char[0], new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            // any client certificate gets through the handshake; the token endpoint judges it
            context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new AnyClient()}, null);
            mtlsServer = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            mtlsServer.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = context.getDefaultSSLParameters();
                    p.setNeedClientAuth(true);
                    params.setSSLParameters(p);
                }
            });
            mtlsServer.createContext("/token", this::token);
            mtlsServer.setExecutor(Executors.newFixedThreadPool(2));
            mtlsServer.start();
            return cert;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the mutual-TLS token endpoint", e);
        }
    }

    /** The mutual-TLS token endpoint, started on first call; its server certificate. */
    public synchronized X509Certificate startMtlsTokenEndpointOnce() {
        if (mtlsServerCertificate == null) {
            mtlsServerCertificate = startMtlsTokenEndpoint();
        }
        return mtlsServerCertificate;
    }

    public String mtlsTokenEndpoint() {
        return "https://127.0.0.1:" + mtlsServer.getAddress().getPort() + "/token";
    }

    /** Accepts every client certificate at the handshake (never in production). */
    private static final class AnyClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ---- knobs

    /** RS256 (default), ES256, HS256 (client secret), none, or HS256-rsa-public (algorithm confusion). */
    public TestOpenIdProvider idTokenAlg(String alg) {
        this.idTokenAlg = alg;
        return this;
    }

    public TestOpenIdProvider claims(UnaryOperator<JWTClaimsSet.Builder> tweak) {
        this.claimsTweak = tweak;
        return this;
    }

    public TestOpenIdProvider header(UnaryOperator<JWSHeader.Builder> tweak) {
        this.headerTweak = tweak;
        return this;
    }

    /** Signs ID tokens with this (unpublished) key from now on. */
    public TestOpenIdProvider signWith(JWK key) {
        this.signingKeyOverride = Optional.of(key);
        return this;
    }

    public TestOpenIdProvider userinfoSubject(String sub) {
        this.userinfoSubject = Optional.of(sub);
        return this;
    }

    public TestOpenIdProvider userinfoExtra(Map<String, Object> extra) {
        this.userinfoExtra = Map.copyOf(extra);
        return this;
    }

    public TestOpenIdProvider userClaims(Map<String, Object> claims) {
        this.userClaims = new LinkedHashMap<>(claims);
        return this;
    }

    /**
     * ID tokens without the user's claims, which only userinfo answers: what OpenID Connect Core 5.4 allows when an
     * access token is issued, and what oidc-provider does by default.
     */
    public TestOpenIdProvider profileInUserinfoOnly(boolean only) {
        this.profileInUserinfoOnly = only;
        return this;
    }

    /** Whether discovery announces RFC 9207 (authorization_response_iss_parameter_supported). */
    public TestOpenIdProvider announceIss(boolean announce) {
        this.announceIss = announce;
        return this;
    }

    public TestOpenIdProvider sendIss(boolean send) {
        this.sendIss = send;
        return this;
    }

    public TestOpenIdProvider issParameter(String iss) {
        this.issParameterOverride = Optional.of(iss);
        return this;
    }

    public TestOpenIdProvider authorizeError(String error) {
        this.authorizeError = Optional.of(error);
        return this;
    }

    /** Plain OAuth 2.0, GitHub style: no ID token; /user and /user/emails. */
    public TestOpenIdProvider oauth2Only(boolean only) {
        this.oauth2Only = only;
        return this;
    }

    /** A new RSA signing key, published in place of the old one (a rotation). */
    public TestOpenIdProvider rotateRsaKey() {
        try {
            RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-" + shortId()).generate();
            published.remove(rsaKey.toPublicJWK());
            published.add(next.toPublicJWK());
            rsaKey = next;
            return this;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAKey rsaKey() {
        return rsaKey;
    }

    /** Publishes one more key (its public part) beside the provider's own. */
    public TestOpenIdProvider publish(JWK key) {
        published.add(key.toPublicJWK());
        return this;
    }

    /** The JWKS answers with this HTTP status and no key set (500: the provider's key endpoint is down). */
    public TestOpenIdProvider jwksStatus(int status) {
        this.jwksStatus = status;
        return this;
    }

    /**
     * Rewrites the JWKS entries (each a JSON object of a published key) before they are served: entries
     * a provider got wrong, added or dropped.
     */
    public TestOpenIdProvider jwksEntries(UnaryOperator<List<Map<String, Object>>> tweak) {
        this.jwksEntries = tweak;
        return this;
    }

    // ---- observations

    public int jwksRequests() {
        return jwksRequests.get();
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    public int userinfoRequests() {
        return userinfoRequests.get();
    }

    public int clientJwksFetches() {
        return clientJwksFetches.get();
    }

    public List<String> tokenRefusals() {
        return List.copyOf(tokenRefusals);
    }

    public List<Map<String, String>> tokenForms() {
        return List.copyOf(tokenForms);
    }

    public Map<String, String> lastAuthorization() {
        return lastAuthorization;
    }

    // ---- endpoints

    private String discovery() {
        JSONObject d = new JSONObject();
        d.put("issuer", issuer());
        d.put("authorization_endpoint", issuer() + "/authorize");
        d.put("token_endpoint", tokenEndpoint());
        d.put("userinfo_endpoint", issuer() + "/userinfo");
        d.put("jwks_uri", jwksUri());
        d.put("response_types_supported", List.of("code"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256", "ES256", "HS256"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post",
                "client_secret_jwt", "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth", "none"));
        d.put("code_challenge_methods_supported", List.of("S256", "plain"));
        d.put("authorization_response_iss_parameter_supported", announceIss);
        return d.toJSONString();
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        lastAuthorization = q;
        String redirect = q.get("redirect_uri");
        if (!clientId.equals(q.get("client_id")) || redirect == null || !"code".equals(q.get("response_type"))) {
            json(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?');
        if (authorizeError.isPresent()) {
            location.append("error=").append(enc(authorizeError.get()))
                    .append("&error_description=").append(enc("The user said no"));
        } else {
            String code = "code-" + UUID.randomUUID();
            codes.put(code, new Code(q.get("client_id"), redirect, Optional.ofNullable(q.get("nonce")),
                    Optional.ofNullable(q.get("code_challenge")), Optional.ofNullable(q.get("code_challenge_method")),
                    new boolean[1]));
            location.append("code=").append(enc(code));
        }
        if (q.get("state") != null) {
            location.append("&state=").append(enc(q.get("state")));
        }
        if (sendIss) {
            location.append("&iss=").append(enc(issParameterOverride.orElse(issuer())));
        }
        ex.getResponseHeaders().add("Location", location.toString());
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    /** Issues a code outside any redirect (what an attacker obtains by signing in at the OP himself). */
    public String issueCode(String redirectUri, Optional<String> nonce, Optional<String> challenge) {
        String code = "code-" + UUID.randomUUID();
        codes.put(code, new Code(clientId, redirectUri, nonce, challenge, challenge.map(c -> "S256"), new boolean[1]));
        return code;
    }

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.incrementAndGet();
        if (!"POST".equals(ex.getRequestMethod())) {
            json(ex, 405, "{\"error\":\"invalid_request\"}");
            return;
        }
        Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        tokenForms.add(form);
        String tokenEndpointUsed = (ex instanceof HttpsExchange ? mtlsTokenEndpoint() : tokenEndpoint());
        Optional<String> clientError = authenticate(ex, form, tokenEndpointUsed);
        if (clientError.isPresent()) {
            refuse(ex, 401, "invalid_client", clientError.get());
            return;
        }
        if (!"authorization_code".equals(form.get("grant_type"))) {
            refuse(ex, 400, "unsupported_grant_type", "only authorization_code");
            return;
        }
        Code code = codes.get(form.getOrDefault("code", ""));
        if (code == null) {
            refuse(ex, 400, "invalid_grant", "unknown code");
            return;
        }
        synchronized (code) {
            if (code.used()[0]) {
                refuse(ex, 400, "invalid_grant", "code already used");
                return;
            }
            code.used()[0] = true;
        }
        if (!code.redirectUri().equals(form.get("redirect_uri"))) {
            refuse(ex, 400, "invalid_grant", "redirect_uri differs");
            return;
        }
        if (code.challenge().isPresent()) {
            String verifier = form.get("code_verifier");
            if (verifier == null) {
                refuse(ex, 400, "invalid_grant", "code_verifier required");
                return;
            }
            CodeChallengeMethod method = CodeChallengeMethod.parse(code.challengeMethod().orElse("plain"));
            if (!CodeChallenge.compute(method, new CodeVerifier(verifier)).getValue().equals(code.challenge().get())) {
                refuse(ex, 400, "invalid_grant", "code_verifier does not match");
                return;
            }
        } else if ("none".equals(authMethod)) {
            refuse(ex, 400, "invalid_grant", "public clients must use PKCE");
            return;
        }
        String accessToken = "at-" + UUID.randomUUID();
        accessTokens.put(accessToken, SUBJECT);
        JSONObject body = new JSONObject();
        body.put("access_token", accessToken);
        body.put("token_type", "Bearer");
        body.put("expires_in", 3600);
        if (!oauth2Only) {
            body.put("id_token", idToken(code, accessToken));
        }
        json(ex, 200, body.toJSONString());
    }

    private void refuse(HttpExchange ex, int status, String error, String description) throws IOException {
        tokenRefusals.add(error + ": " + description);
        JSONObject body = new JSONObject();
        body.put("error", error);
        body.put("error_description", description);
        json(ex, status, body.toJSONString());
    }

    /** Empty when the client proved who it is with exactly its registered method. */
    private Optional<String> authenticate(HttpExchange ex, Map<String, String> form, String endpoint) {
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        boolean hasAssertion = form.containsKey("client_assertion");
        switch (authMethod) {
            case "client_secret_basic" -> {
                if (basic == null || !basic.startsWith("Basic ")) {
                    return Optional.of("Basic authentication expected");
                }
                String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8)
                        .split(":", 2);
                if (pair.length != 2 || !clientId.equals(dec(pair[0])) || !clientSecret.equals(dec(pair[1]))
                        || form.containsKey("client_secret")) {
                    return Optional.of("wrong client credentials");
                }
            }
            case "client_secret_post" -> {
                if (basic != null || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
                    return Optional.of("client_id and client_secret expected in the body");
                }
            }
            case "client_secret_jwt", "private_key_jwt" -> {
                if (basic != null || !hasAssertion || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                        .equals(form.get("client_assertion_type"))) {
                    return Optional.of("a client assertion expected");
                }
                return checkAssertion(form.get("client_assertion"), endpoint);
            }
            case "none" -> {
                if (basic != null || hasAssertion || form.containsKey("client_secret")
                        || !clientId.equals(form.get("client_id"))) {
                    return Optional.of("a public client sends its client_id only");
                }
            }
            case "tls_client_auth", "self_signed_tls_client_auth" -> {
                if (!(ex instanceof HttpsExchange https) || !clientId.equals(form.get("client_id"))) {
                    return Optional.of("mutual TLS expected");
                }
                try {
                    X509Certificate presented = (X509Certificate) https.getSSLSession().getPeerCertificates()[0];
                    boolean ok = authMethod.equals("tls_client_auth")
                            ? presented.getSubjectX500Principal().equals(clientCertificate.getSubjectX500Principal())
                            : presented.equals(clientCertificate);
                    if (!ok) {
                        return Optional.of("the client certificate is not the registered one");
                    }
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    return Optional.of("no client certificate");
                }
            }
            default -> {
                return Optional.of("unknown method");
            }
        }
        return Optional.empty();
    }

    private Optional<String> checkAssertion(String assertion, String endpoint) {
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            boolean verified;
            if (authMethod.equals("client_secret_jwt")) {
                verified = jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.HS256)
                        && jwt.verify(new MACVerifier(clientSecret.getBytes(StandardCharsets.UTF_8)));
            } else {
                // fetch the client's published keys, as a real provider does
                clientJwksFetches.incrementAndGet();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(clientJwksUri).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JWK key = JWKSet.parse(r.body()).getKeyByKeyId(jwt.getHeader().getKeyID());
                verified = key instanceof RSAKey rsa && jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.RS256)
                        && jwt.verify(new RSASSAVerifier(rsa));
            }
            if (!verified) {
                return Optional.of("the client assertion does not verify");
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!clientId.equals(c.getIssuer()) || !clientId.equals(c.getSubject())
                    || c.getAudience() == null || !(c.getAudience().contains(endpoint) || c.getAudience().contains(issuer()))
                    || c.getExpirationTime() == null || c.getExpirationTime().before(new Date())
                    || c.getJWTID() == null) {
                return Optional.of("the client assertion's claims are wrong");
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("the client assertion is unreadable: " + e.getClass().getSimpleName());
        }
    }

    private String idToken(Code code, String accessToken) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject(SUBJECT)
                    .audience(clientId).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
            code.nonce().ifPresent(n -> claims.claim("nonce", n));
            if (!profileInUserinfoOnly) {
                userClaims.forEach(claims::claim);
            }
            String alg = idTokenAlg;
            JWSAlgorithm jwsAlg = switch (alg) {
                case "ES256" -> JWSAlgorithm.ES256;
                case "HS256", "HS256-rsa-public" -> JWSAlgorithm.HS256;
                default -> JWSAlgorithm.RS256;
            };
            claims.claim("at_hash", AccessTokenHash.compute(new BearerAccessToken(accessToken), jwsAlg,
                    jwsAlg == JWSAlgorithm.ES256 ? Curve.P_256 : null).getValue());
            JWTClaimsSet set = claimsTweak.apply(claims).build();
            if (alg.equals("none")) {
                return new PlainJWT(set).serialize();
            }
            JWK key = signingKeyOverride.orElse(alg.equals("ES256") ? ecKey : rsaKey);
            JWSSigner signer = switch (alg) {
                case "HS256" -> new MACSigner(clientSecret.getBytes(StandardCharsets.UTF_8));
                // the classic confusion: the published RSA public key (PEM text) used as an HMAC secret
                case "HS256-rsa-public" -> new MACSigner(publicKeyPem().getBytes(StandardCharsets.US_ASCII));
                case "ES256" -> new ECDSASigner((ECKey) key);
                default -> new RSASSASigner((RSAKey) key);
            };
            JWSHeader.Builder header = new JWSHeader.Builder(jwsAlg);
            if (!alg.startsWith("HS")) {
                header.keyID(key.getKeyID());
            }
            SignedJWT jwt = new SignedJWT(headerTweak.apply(header).build(), set);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String publicKeyPem() {
        try {
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(rsaKey.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<String> bearer(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return Optional.empty();
        }
        return Optional.ofNullable(accessTokens.get(auth.substring(7)));
    }

    private void userinfo(HttpExchange ex) throws IOException {
        userinfoRequests.incrementAndGet();
        if (bearer(ex).isEmpty()) {
            json(ex, 401, "{\"error\":\"invalid_token\"}");
            return;
        }
        JSONObject body = new JSONObject();
        body.put("sub", userinfoSubject.orElse(SUBJECT));
        body.putAll(userClaims);
        body.putAll(userinfoExtra);
        json(ex, 200, body.toJSONString());
    }

    /** GitHub's /user (no email when the user keeps it private) and /user/emails. */
    private void githubUser(HttpExchange ex) throws IOException {
        if (bearer(ex).isEmpty()) {
            json(ex, 401, "{\"message\":\"Bad credentials\"}");
            return;
        }
        if (ex.getRequestURI().getPath().equals("/user/emails")) {
            json(ex, 200, "[{\"email\":\"old@acme.example\",\"primary\":false,\"verified\":true},"
                    + "{\"email\":\"" + EMAIL + "\",\"primary\":true,\"verified\":true}]");
            return;
        }
        json(ex, 200, "{\"login\":\"janedoe\",\"id\":583231,\"name\":\"Jane Doe\",\"email\":null}");
    }

    // ---- plumbing

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(dec(kv[0]), kv.length > 1 ? dec(kv[1]) : "");
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A key an attacker controls: valid RSA, never published by this provider. */
    public static RSAKey attackerKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("attacker-" + shortId()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client certificate and key made by the test for mutual TLS. */
    public static KeyAndCertificate clientTlsIdentity(String commonName) {
        return TestCertificates.valid(commonName);
    }

    @Override
    public void close() {
        server.stop(0);
        if (mtlsServer != null) {
            mtlsServer.stop(0);
        }
    }
}
