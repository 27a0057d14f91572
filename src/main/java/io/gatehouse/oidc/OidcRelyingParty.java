package io.gatehouse.oidc;

import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.crypto.Secret;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.KnownProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.Protocol;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.oidc.internal.ClaimValues;
import io.gatehouse.oidc.internal.IdTokenVerifier;
import io.gatehouse.oidc.internal.JwksCache;
import io.gatehouse.oidc.internal.Outcome;
import io.gatehouse.oidc.internal.TokenClient;
import io.gatehouse.oidc.internal.UserinfoClient;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Finishes an OpenID Connect sign-in once its attempt is claimed: the code exchanged with the
 * configured client authentication, the ID token validated, userinfo merged when asked for or when
 * the ID token lacks the claims of the requested scopes, and the identity built. OAuth 2.0-only
 * providers (GitHub) have no ID token: their userinfo endpoint is the identity.
 */
@Component
class OidcRelyingParty {
    /** Tolerated difference between the provider's clock and ours. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Pattern ENTRA_MULTI_TENANT = Pattern.compile(
            "^https://login\\.microsoftonline\\.com/(common|organizations|consumers)/v2\\.0$");
    /** The claims of the profile scope (OpenID Connect Core 5.4). */
    private static final List<String> PROFILE_CLAIMS = List.of("name", "family_name", "given_name", "middle_name",
            "nickname", "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo",
            "locale", "updated_at");
    private static final Set<String> ENTRA_GROUP_TENANTS = Set.of("common", "organizations", "consumers");
    private final TokenClient tokens;
    private final IdTokenVerifier idTokens;
    private final UserinfoClient userinfo;
    private final OidcClientKeys clientKeys;

    OidcRelyingParty(SafeFetcher fetcher, Clock clock, OidcClientKeys clientKeys) {
        this.tokens = new TokenClient(fetcher);
        this.idTokens = new IdTokenVerifier(new JwksCache(fetcher, clock));
        this.userinfo = new UserinfoClient(fetcher);
        this.clientKeys = clientKeys;
    }

    /** The issuer the ID token must name: Entra ID's multi-tenant issuers become the per-tenant template. */
    static String expectedIssuer(IdentityProvider idp, OidcSettings oidc) {
        if (idp.knownProvider().orElse(null) == KnownProvider.ENTRA_ID
                && ENTRA_MULTI_TENANT.matcher(oidc.issuer()).matches()) {
            return "https://login.microsoftonline.com/" + IdTokenVerifier.TENANT_PLACEHOLDER + "/v2.0";
        }
        return oidc.issuer();
    }

    /** With a templated issuer, the one tenant allowed in, when the admin named one. */
    private static Optional<String> requiredTenant(String expectedIssuer, OidcSettings oidc) {
        if (!expectedIssuer.contains(IdTokenVerifier.TENANT_PLACEHOLDER)) {
            return Optional.empty();
        }
        return oidc.tenantId().filter(t -> !ENTRA_GROUP_TENANTS.contains(t.toLowerCase(Locale.ROOT)));
    }

    Outcome<BrokeredIdentity> finish(OidcProvider provider, String code, Optional<String> nonce,
                                     Optional<String> codeVerifier, URI redirectUri, Instant attemptStartedAt,
                                     Instant now) {
        IdentityProvider idp = provider.idp();
        OidcSettings oidc = provider.oidc();
        OidcSettings.OidcEndpoints endpoints = oidc.effective();
        Optional<URI> tokenEndpoint = endpoints.token().flatMap(OidcRelyingParty::uri);
        if (tokenEndpoint.isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED,
                    "no token endpoint is configured or discovered");
        }
        Outcome<TokenClient.Credential> credential = credential(idp, oidc, now);
        if (credential instanceof Outcome.Refused<TokenClient.Credential> r) {
            return r.as();
        }
        Outcome<TokenClient.Tokens> exchanged = tokens.exchange(tokenEndpoint.get(), oidc.clientId(),
                ((Outcome.Passed<TokenClient.Credential>) credential).value(), code, redirectUri, codeVerifier);
        if (exchanged instanceof Outcome.Refused<TokenClient.Tokens> r) {
            return r.as();
        }
        TokenClient.Tokens got = ((Outcome.Passed<TokenClient.Tokens>) exchanged).value();
        Optional<URI> userinfoEndpoint = endpoints.userinfo().flatMap(OidcRelyingParty::uri);
        if (oidc.oauth2Only()) {
            return fromUserinfo(idp, oidc, userinfoEndpoint, got.accessToken());
        }
        if (got.idToken().isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_ID_TOKEN_MISSING, "the token response has no id_token");
        }
        String issuer = expectedIssuer(idp, oidc);
        Outcome<IdTokenVerifier.VerifiedIdToken> verified = idTokens.verify(got.idToken().get(),
                new IdTokenVerifier.Expectation(issuer, requiredTenant(issuer, oidc), oidc.clientId(),
                        oidc.idTokenSignedResponseAlg(), idp.secrets().clientSecret(),
                        endpoints.jwks().flatMap(OidcRelyingParty::uri), nonce, Optional.of(got.accessToken()),
                        oidc.hostedDomain(), now, attemptStartedAt, CLOCK_SKEW));
        if (verified instanceof Outcome.Refused<IdTokenVerifier.VerifiedIdToken> r) {
            return r.as();
        }
        IdTokenVerifier.VerifiedIdToken token = ((Outcome.Passed<IdTokenVerifier.VerifiedIdToken>) verified).value();
        Map<String, Object> claims = new LinkedHashMap<>(token.claims());
        if ((oidc.fetchUserinfo() || scopedClaimsMissing(oidc.scopes(), claims)) && userinfoEndpoint.isPresent()) {
            Outcome<Map<String, Object>> profile = userinfo.claims(userinfoEndpoint.get(), got.accessToken());
            if (profile instanceof Outcome.Refused<Map<String, Object>> r) {
                return r.as();
            }
            Map<String, Object> more = ((Outcome.Passed<Map<String, Object>>) profile).value();
            if (!token.subject().equals(more.get("sub"))) {
                // OpenID Connect Core 5.3.2: a userinfo answer about someone else must not be used
                return Outcome.refused(RejectReason.OIDC_USERINFO_SUBJECT_MISMATCH,
                        "the userinfo sub differs from the ID token's");
            }
            // the validated ID token wins where both speak; userinfo adds what the token lacks
            more.forEach(claims::putIfAbsent);
        }
        return Outcome.passed(identity(idp, token.issuer(), token.subject(), claims));
    }

    /**
     * Whether the ID token lacks every claim of a requested {@code email} or {@code profile} scope. OpenID Connect
     * Core 5.4 returns those claims from userinfo when an access token is issued, and certified providers do just
     * that (oidc-provider by default): the ID token then carries only {@code sub}, and userinfo must be read even
     * when {@code fetch_userinfo} was not asked for.
     */
    static boolean scopedClaimsMissing(List<String> scopes, Map<String, Object> idTokenClaims) {
        boolean email = scopes.contains("email") && !idTokenClaims.containsKey("email");
        boolean profile = scopes.contains("profile") && PROFILE_CLAIMS.stream().noneMatch(idTokenClaims::containsKey);
        return email || profile;
    }

    private Outcome<BrokeredIdentity> fromUserinfo(IdentityProvider idp, OidcSettings oidc, Optional<URI> endpoint,
                                                   String accessToken) {
        if (endpoint.isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_USERINFO_FAILED,
                    "an OAuth 2.0-only provider needs a userinfo endpoint, and none is configured");
        }
        Outcome<Map<String, Object>> profile = userinfo.claims(endpoint.get(), accessToken);
        if (profile instanceof Outcome.Refused<Map<String, Object>> r) {
            return r.as();
        }
        Map<String, Object> claims = new LinkedHashMap<>(((Outcome.Passed<Map<String, Object>>) profile).value());
        // OpenID-style answers carry sub; GitHub-style APIs a numeric id
        Object id = claims.get("sub") != null ? claims.get("sub") : claims.get("id");
        String subject = id instanceof String s ? s : id instanceof Number n ? n.toString() : null;
        if (subject == null || subject.isBlank()) {
            return Outcome.refused(RejectReason.OIDC_SUBJECT_MISSING, "the userinfo answer has neither sub nor id");
        }
        if (!(claims.get("email") instanceof String) && endpoint.get().getPath().endsWith("/user")) {
            // GitHub leaves email empty unless public; its /user/emails lists the verified addresses
            userinfo.primaryVerifiedEmail(URI.create(endpoint.get() + "/emails"), accessToken).ifPresent(email -> {
                claims.put("email", email);
                claims.put("email_verified", true);
            });
        }
        return Outcome.passed(identity(idp, oidc.issuer(), subject, claims));
    }

    private Outcome<TokenClient.Credential> credential(IdentityProvider idp, OidcSettings oidc, Instant now) {
        TokenEndpointAuthMethod method = oidc.tokenEndpointAuthMethod();
        Optional<Secret> secret = idp.secrets().clientSecret();
        if (method.usesClientSecret() && secret.isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, method.wireName()
                    + " needs a client secret, and none is stored");
        }
        return switch (method) {
            case CLIENT_SECRET_BASIC -> Outcome.passed(new TokenClient.Credential.SecretBasic(secret.orElseThrow()));
            case CLIENT_SECRET_POST -> Outcome.passed(new TokenClient.Credential.SecretPost(secret.orElseThrow()));
            case CLIENT_SECRET_JWT -> Outcome.passed(new TokenClient.Credential.SecretJwt(secret.orElseThrow()));
            case PRIVATE_KEY_JWT -> {
                OidcClientKeys.ClientKey key = clientKeys.active(idp.id(), now);
                yield Outcome.passed(new TokenClient.Credential.PrivateKeyJwt(key.privateKey(), key.kid()));
            }
            case TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH -> mutualTls(idp, oidc, method);
            case NONE -> Outcome.passed(new TokenClient.Credential.PublicClient());
        };
    }

    private static Outcome<TokenClient.Credential> mutualTls(IdentityProvider idp, OidcSettings oidc,
                                                             TokenEndpointAuthMethod method) {
        if (oidc.tlsClientCertificate().isEmpty() || idp.secrets().tlsClientPrivateKey().isEmpty()) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, method.wireName()
                    + " needs the client certificate and its private key");
        }
        try {
            return Outcome.passed(new TokenClient.Credential.MutualTls(
                    method == TokenEndpointAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH,
                    new SafeFetcher.ClientTls(PrivateKeys.parsePem(idp.secrets().tlsClientPrivateKey().get().value()),
                            Certificates.parse(oidc.tlsClientCertificate().get()))));
        } catch (CertificateParseException | PrivateKeys.PrivateKeyException e) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED,
                    "the stored client certificate or private key cannot be read");
        }
    }

    /** The protocol-neutral identity: the subject joins issuer and sub ('|' cannot occur in a URL). */
    static BrokeredIdentity identity(IdentityProvider idp, String issuer, String sub, Map<String, Object> claims) {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        claims.forEach((name, value) -> raw.put(name, ClaimValues.strings(value)));
        Optional<Boolean> emailVerified = switch (claims.get("email_verified")) {
            case Boolean b -> Optional.of(b);
            // some providers (older Cognito, some ADFS builds) send the boolean as a string
            case String s when s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false") ->
                    Optional.of(Boolean.parseBoolean(s));
            case null, default -> Optional.empty();
        };
        List<String> groups = new ArrayList<>(ClaimValues.strings(claims.get("groups")));
        return new BrokeredIdentity(idp.org(), idp.id(), idp.alias(), Protocol.OIDC, issuer + "|" + sub,
                Optional.empty(), text(claims, "sid"), text(claims, "email"), emailVerified, text(claims, "given_name"),
                text(claims, "family_name"), text(claims, "name"), groups, raw, issuedAt(claims.get("iat")));
    }

    private static Optional<java.time.Instant> issuedAt(Object iat) {
        return switch (iat) {
            case java.util.Date d -> Optional.of(d.toInstant());
            case Number n -> Optional.of(java.time.Instant.ofEpochSecond(n.longValue()));
            case null, default -> Optional.empty();
        };
    }

    private static Optional<String> text(Map<String, Object> claims, String name) {
        return claims.get(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    static Optional<URI> uri(String value) {
        try {
            return Optional.of(URI.create(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
