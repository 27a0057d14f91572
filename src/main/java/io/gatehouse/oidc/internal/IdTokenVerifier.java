package io.gatehouse.oidc.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import io.gatehouse.crypto.Secret;
import io.gatehouse.signin.RejectReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an ID token, in a fixed order, signature first: the configured algorithm only (never
 * {@code none}; HS* only with the client secret, when configured so), keys only from the
 * configured jwks_uri (the {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} headers are never
 * read), then iss, tenant, aud, azp, times, nonce, at_hash and sub. A token longer than
 * {@link #MAX_ID_TOKEN_LENGTH} is refused before it is parsed, and one issued before its sign-in
 * started (beyond the clock skew) after its times are read.
 */
public final class IdTokenVerifier {
    /** The Entra ID multi-tenant issuer placeholder, replaced with the token's tid. */
    public static final String TENANT_PLACEHOLDER = "{tenantid}";
    /**
     * 64 KiB: a compact JWT is ASCII, so characters are bytes. ID tokens are a few kilobytes (Entra ID's
     * with groups stay far below); more is a token built to cost Gatehouse parsing and memory.
     */
    public static final int MAX_ID_TOKEN_LENGTH = 64 * 1024;
    private static final Pattern TENANT = Pattern.compile("^[A-Za-z0-9-]{1,64}$");
    private static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    private final JwksCache jwks;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public IdTokenVerifier(JwksCache jwks) {
        this.jwks = jwks;
    }

    /** What the token must say. {@code issuer} may carry {@link #TENANT_PLACEHOLDER}. */
    public record Expectation(String issuer, Optional<String> requiredTenant, String clientId, String algorithm,
                              Optional<Secret> clientSecret, Optional<URI> jwksUri, Optional<String> nonce,
                              Optional<String> accessToken, Optional<String> hostedDomain, Instant now,
                              Instant attemptStartedAt, Duration clockSkew) {
        @Override
        public String toString() {
            return "IdTokenVerifier.Expectation[issuer=" + issuer + ", clientId=" + clientId + ", algorithm="
                    + algorithm + "]";
        }
    }

    /** A verified ID token: the issuer it really names (templates resolved), the subject, every claim. */
    public record VerifiedIdToken(String issuer, String subject, Map<String, Object> claims) {
    }

    public Outcome<VerifiedIdToken> verify(String idToken, Expectation e) {
        if (idToken.length() > MAX_ID_TOKEN_LENGTH) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_TOO_LARGE, "the ID token has " + idToken.length()
                    + " characters; at most " + MAX_ID_TOKEN_LENGTH + " are read");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(idToken);
        } catch (java.text.ParseException ex) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_MALFORMED, "the ID token does not parse as a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_ALG_REFUSED, jwt instanceof PlainJWT
                    ? "the ID token is unsigned (alg none)" : "encrypted ID tokens are not supported");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!SUPPORTED.contains(alg) || !alg.getName().equals(e.algorithm())) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_ALG_REFUSED, "the ID token is signed with "
                    + printable(alg.getName()) + "; the configured algorithm is " + e.algorithm());
        }
        Outcome<Void> signature = JWSAlgorithm.Family.HMAC_SHA.contains(alg) ? verifyMac(signed, e)
                : verifyWithJwks(signed, alg, e);
        if (signature instanceof Outcome.Refused<Void> r) {
            return r.as();
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (java.text.ParseException ex) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_MALFORMED, "the ID token's claims do not parse");
        }
        return checkClaims(claims, alg, header, e);
    }

    private Outcome<Void> verifyMac(SignedJWT signed, Expectation e) {
        if (e.clientSecret().isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_ALG_REFUSED,
                    "an HMAC-signed ID token needs the client secret, and none is configured");
        }
        try {
            JWSVerifier verifier = new MACVerifier(e.clientSecret().get().value().getBytes(StandardCharsets.UTF_8));
            return signed.verify(verifier) ? Outcome.passed(null) : Outcome.refused(
                    RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID, "the HMAC does not verify with the client secret");
        } catch (JOSEException ex) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID,
                    "the client secret cannot verify " + signed.getHeader().getAlgorithm() + " (too short?)");
        }
    }

    private Outcome<Void> verifyWithJwks(SignedJWT signed, JWSAlgorithm alg, Expectation e) {
        if (e.jwksUri().isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_JWKS_UNAVAILABLE, "no jwks_uri is configured or discovered");
        }
        URI uri = e.jwksUri().get();
        Outcome<JwksCache.ProviderKeys> held = jwks.keys(uri);
        if (held instanceof Outcome.Refused<JwksCache.ProviderKeys> r) {
            return r.as();
        }
        JwksCache.ProviderKeys keys = ((Outcome.Passed<JwksCache.ProviderKeys>) held).value();
        List<JWK> candidates = candidates(keys.keys(), signed.getHeader(), alg);
        String kid = signed.getHeader().getKeyID();
        if (candidates.isEmpty()) {
            // the provider may have rotated: one fresh look (rate-limited), then judge
            Optional<Outcome<JwksCache.ProviderKeys>> again = jwks.refetch(uri);
            if (again.isPresent() && again.get() instanceof Outcome.Refused<JwksCache.ProviderKeys> r) {
                return r.as();
            }
            if (again.isPresent()) {
                keys = ((Outcome.Passed<JwksCache.ProviderKeys>) again.get()).value();
                candidates = candidates(keys.keys(), signed.getHeader(), alg);
            }
            if (candidates.isEmpty()) {
                return Outcome.refused(RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN, "no " + alg + " key"
                        + (kid == null ? "" : " with kid " + printable(kid)) + " in the JWKS at " + uri
                        + (again.isPresent() ? " (fetched again)" : " (not fetched again: a refetch happened within "
                        + JwksCache.REFETCH_INTERVAL.toSeconds() + " s)")
                        + (kid != null && keys.unreadableKids().contains(kid)
                        ? "; the provider publishes an entry with this kid that cannot be read" : "")
                        + keys.problem().map(p -> "; " + p).orElse(""));
            }
        }
        for (JWK key : candidates) {
            try {
                PublicKey publicKey = switch (key) {
                    case RSAKey rsa -> rsa.toRSAPublicKey();
                    case ECKey ec -> ec.toECPublicKey();
                    default -> null;
                };
                if (publicKey != null && signed.verify(verifiers.createJWSVerifier(signed.getHeader(), publicKey))) {
                    return Outcome.passed(null);
                }
            } catch (JOSEException ex) {
                // a key that cannot verify this algorithm simply does not verify; the next one may
            }
        }
        return Outcome.refused(RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID, "the signature does not verify with the "
                + (candidates.size() == 1 ? "key" : candidates.size() + " keys") + " the provider publishes"
                + (kid == null ? "" : " for kid " + printable(kid)));
    }

    /** The provider's keys that may have made this signature: type, use, algorithm, curve and kid agree. */
    private static List<JWK> candidates(JWKSet keys, JWSHeader header, JWSAlgorithm alg) {
        KeyType type = KeyType.forAlgorithm(alg);
        Set<Curve> curves = Curve.forJWSAlgorithm(alg);
        String kid = header.getKeyID();
        return keys.getKeys().stream()
                .filter(k -> type.equals(k.getKeyType()))
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> k.getAlgorithm() == null || k.getAlgorithm().equals(alg))
                .filter(k -> kid == null || kid.equals(k.getKeyID()))
                .filter(k -> !(k instanceof ECKey ec) || curves == null || curves.contains(ec.getCurve()))
                .toList();
    }

    private static Outcome<VerifiedIdToken> checkClaims(JWTClaimsSet claims, JWSAlgorithm alg, JWSHeader header,
                                                       Expectation e) {
        String iss = claims.getIssuer();
        String tid = string(claims, "tid");
        String expectedIssuer = e.issuer();
        if (expectedIssuer.contains(TENANT_PLACEHOLDER)) {
            if (tid == null || !TENANT.matcher(tid).matches()) {
                return Outcome.refused(RejectReason.OIDC_ISS_MISMATCH,
                        "the issuer is a multi-tenant template, and the ID token carries no valid tid");
            }
            expectedIssuer = expectedIssuer.replace(TENANT_PLACEHOLDER, tid);
        }
        if (iss == null || !iss.equals(expectedIssuer)) {
            return Outcome.refused(RejectReason.OIDC_ISS_MISMATCH, "the ID token's iss is "
                    + (iss == null ? "missing" : printable(iss)) + "; expected " + expectedIssuer);
        }
        if (e.requiredTenant().isPresent()
                && (tid == null || !tid.toLowerCase(Locale.ROOT).equals(e.requiredTenant().get().toLowerCase(Locale.ROOT)))) {
            return Outcome.refused(RejectReason.OIDC_TENANT_MISMATCH, "the ID token's tid is "
                    + (tid == null ? "missing" : printable(tid)) + "; only tenant " + e.requiredTenant().get()
                    + " may sign in");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(e.clientId())) {
            return Outcome.refused(RejectReason.OIDC_AUDIENCE_MISMATCH, "the ID token's aud is "
                    + (audience == null || audience.isEmpty() ? "missing" : printable(String.join(", ", audience)))
                    + "; expected " + e.clientId());
        }
        String azp = string(claims, "azp");
        if (audience.size() > 1 && azp == null) {
            return Outcome.refused(RejectReason.OIDC_AZP_MISMATCH,
                    "the ID token has several audiences and no azp naming this client");
        }
        if (azp != null && !azp.equals(e.clientId())) {
            return Outcome.refused(RejectReason.OIDC_AZP_MISMATCH, "the ID token's azp is " + printable(azp)
                    + "; expected " + e.clientId());
        }
        Instant now = e.now();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_MALFORMED, "the ID token has no exp");
        }
        if (now.isAfter(exp.toInstant().plus(e.clockSkew()))) {
            return Outcome.refused(RejectReason.OIDC_EXPIRED, "the ID token expired at " + exp.toInstant()
                    + "; now is " + now + " (clock skew allowed: " + e.clockSkew().toSeconds() + " s)");
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_MALFORMED, "the ID token has no iat");
        }
        if (iat.toInstant().isAfter(now.plus(e.clockSkew()))) {
            return Outcome.refused(RejectReason.OIDC_NOT_YET_VALID, "the ID token was issued at " + iat.toInstant()
                    + ", in the future; now is " + now);
        }
        if (iat.toInstant().isBefore(e.attemptStartedAt().minus(e.clockSkew()))) {
            // a token minted before this sign-in began cannot be its answer, whatever its exp says
            return Outcome.refused(RejectReason.OIDC_ISSUED_BEFORE_SIGN_IN, "the ID token was issued at "
                    + iat.toInstant() + ", before this sign-in started at " + e.attemptStartedAt()
                    + " (clock skew allowed: " + e.clockSkew().toSeconds() + " s)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(e.clockSkew()))) {
            return Outcome.refused(RejectReason.OIDC_NOT_YET_VALID, "the ID token is not valid before "
                    + nbf.toInstant() + "; now is " + now);
        }
        if (e.nonce().isPresent()) {
            String nonce = string(claims, "nonce");
            if (nonce == null || !MessageDigest.isEqual(nonce.getBytes(StandardCharsets.UTF_8),
                    e.nonce().get().getBytes(StandardCharsets.UTF_8))) {
                return Outcome.refused(RejectReason.OIDC_NONCE_MISMATCH, nonce == null ? "the ID token has no nonce"
                        : "the ID token's nonce is not this sign-in's");
            }
        }
        String atHash = string(claims, "at_hash");
        if (atHash != null && e.accessToken().isPresent()) {
            Curve curve = Curve.forJWSAlgorithm(alg) == null ? null : Curve.forJWSAlgorithm(alg).iterator().next();
            AccessTokenHash expected = AccessTokenHash.compute(new BearerAccessToken(e.accessToken().get()), alg, curve);
            if (expected == null || !MessageDigest.isEqual(expected.getValue().getBytes(StandardCharsets.US_ASCII),
                    atHash.getBytes(StandardCharsets.UTF_8))) {
                return Outcome.refused(RejectReason.OIDC_AT_HASH_MISMATCH,
                        "the ID token's at_hash does not match the access token");
            }
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            return Outcome.refused(RejectReason.OIDC_SUBJECT_MISSING, "the ID token has no sub");
        }
        if (e.hostedDomain().isPresent()) {
            String hd = string(claims, "hd");
            if (hd == null || !hd.equalsIgnoreCase(e.hostedDomain().get())) {
                return Outcome.refused(RejectReason.OIDC_HOSTED_DOMAIN_MISMATCH, "the ID token's hd is "
                        + (hd == null ? "missing" : printable(hd)) + "; expected " + e.hostedDomain().get());
            }
        }
        return Outcome.passed(new VerifiedIdToken(iss, sub, claims.toJSONObject()));
    }

    /** Whether an issuer named in a callback (RFC 9207) is the configured one, templates included. */
    public static boolean issuerMatches(String configured, String given) {
        if (!configured.contains(TENANT_PLACEHOLDER)) {
            return configured.equals(given);
        }
        int at = configured.indexOf(TENANT_PLACEHOLDER);
        String prefix = configured.substring(0, at);
        String suffix = configured.substring(at + TENANT_PLACEHOLDER.length());
        if (!given.startsWith(prefix) || !given.endsWith(suffix) || given.length() < prefix.length() + suffix.length()) {
            return false;
        }
        return TENANT.matcher(given.substring(prefix.length(), given.length() - suffix.length())).matches();
    }

    private static String string(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    /** Text from a token, safe and short for an event. */
    static String printable(String text) {
        return TokenClient.printable(text);
    }
}
