package io.gatehouse.idp.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Fetches and checks OpenID provider discovery documents through the safe fetcher, caching them
 * for their max-age (clamped to 5 minutes .. 24 hours, default 1 hour).
 */
public final class OidcDiscoveryClient {
    private static final Duration MIN_TTL = Duration.ofMinutes(5);
    private static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private final SafeFetcher fetcher;
    private final Cache<String, Cached> cache = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000)
            .expireAfter(Expiry.<String, Cached>creating((issuer, cached) -> cached.ttl())).build();

    private record Cached(OidcDiscovery discovery, Duration ttl) {
    }

    public OidcDiscoveryClient(SafeFetcher fetcher) {
        this.fetcher = fetcher;
    }

    public OidcDiscovery discover(String issuer) throws DiscoveryException {
        Cached cached = cache.getIfPresent(issuer);
        if (cached != null) {
            return cached.discovery();
        }
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        FetchedDocument doc;
        try {
            doc = fetcher.fetch(URI.create(base + "/.well-known/openid-configuration"), "application/json");
        } catch (FetchException e) {
            throw new DiscoveryException("discovery." + e.reason().code().replace("fetch.", "fetch_"),
                    "the discovery document could not be fetched: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new DiscoveryException("discovery.invalid_issuer", "the issuer is not a valid URL");
        }
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.parse(new String(doc.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new DiscoveryException("discovery.invalid_document",
                    "the discovery document is not a valid OpenID provider configuration");
        }
        if (!issuer.equals(metadata.getIssuer().getValue())) {
            // the mix-up defence: a provider may only speak for its own issuer
            throw new DiscoveryException("discovery.issuer_mismatch", "the discovery document names issuer "
                    + metadata.getIssuer().getValue() + ", not " + issuer);
        }
        if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null
                || metadata.getJWKSetURI() == null) {
            throw new DiscoveryException("discovery.missing_endpoint",
                    "the discovery document lacks the authorization, token or jwks endpoint");
        }
        if (metadata.getResponseTypes() != null && metadata.getResponseTypes().stream()
                .noneMatch(t -> t.toString().equals("code"))) {
            throw new DiscoveryException("discovery.code_flow_unsupported",
                    "the provider does not support the authorization code flow");
        }
        OidcDiscovery discovery = new OidcDiscovery(issuer, metadata.getAuthorizationEndpointURI(),
                metadata.getTokenEndpointURI(), Optional.ofNullable(metadata.getUserInfoEndpointURI()),
                metadata.getJWKSetURI(), Optional.ofNullable(metadata.getEndSessionEndpointURI()),
                names(metadata.getIDTokenJWSAlgs()),
                metadata.getTokenEndpointAuthMethods() == null ? List.of()
                        : metadata.getTokenEndpointAuthMethods().stream().map(ClientAuthenticationMethod::getValue).toList(),
                metadata.getCodeChallengeMethods() == null ? List.of()
                        : metadata.getCodeChallengeMethods().stream().map(CodeChallengeMethod::getValue).toList(),
                metadata.getScopes() == null ? List.of() : metadata.getScopes().toStringList(),
                metadata.supportsAuthorizationResponseIssuerParam(), metadata.supportsFrontChannelLogout());
        Duration ttl = doc.maxAge().map(a -> a.compareTo(MIN_TTL) < 0 ? MIN_TTL : a.compareTo(MAX_TTL) > 0 ? MAX_TTL : a)
                .orElse(DEFAULT_TTL);
        cache.put(issuer, new Cached(discovery, ttl));
        return discovery;
    }

    public void invalidate(String issuer) {
        cache.invalidate(issuer);
    }

    private static List<String> names(List<? extends com.nimbusds.jose.Algorithm> algs) {
        return algs == null ? List.of() : algs.stream().map(com.nimbusds.jose.Algorithm::getName).toList();
    }
}
