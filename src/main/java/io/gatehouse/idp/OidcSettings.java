package io.gatehouse.idp;


import io.gatehouse.idp.oidc.DiscoveryMode;
import io.gatehouse.idp.oidc.Pkce;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An OpenID Connect (or plain OAuth 2.0) identity provider's settings: endpoints given by the
 * admin take precedence over those discovered from the issuer at save time. There is no
 * front-channel logout URL to set: as relying party, Gatehouse serves its own
 * ({@link SpEndpoints#oidcFrontChannelLogoutUri()}), which the admin registers at the provider.
 */
public record OidcSettings(String issuer, String clientId, OidcEndpoints configured, Optional<Discovered> discovered,
                           TokenEndpointAuthMethod tokenEndpointAuthMethod, String idTokenSignedResponseAlg,
                           List<String> scopes, Pkce pkce, boolean fetchUserinfo, Optional<String> tenantId, Optional<String> hostedDomain,
                           Optional<String> tlsClientCertificate, boolean oauth2Only,
                           DiscoveryMode discovery) implements ProtocolSettings {
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    public OidcSettings {
        scopes = List.copyOf(scopes);
    }

    /** The same settings with what discovery said (or nothing). */
    public OidcSettings withDiscovered(Optional<Discovered> found) {
        return new OidcSettings(issuer, clientId, configured, found, tokenEndpointAuthMethod, idTokenSignedResponseAlg,
                scopes, pkce, fetchUserinfo, tenantId, hostedDomain, tlsClientCertificate,
                oauth2Only, discovery);
    }

    @Override
    public Protocol protocol() {
        return Protocol.OIDC;
    }

    /** Endpoints in force: each configured one, else the discovered one. */
    public OidcEndpoints effective() {
        OidcEndpoints d = discovered.map(Discovered::endpoints).orElse(OidcEndpoints.NONE);
        return new OidcEndpoints(configured.authorization().or(d::authorization), configured.token().or(d::token),
                configured.userinfo().or(d::userinfo), configured.jwks().or(d::jwks),
                configured.endSession().or(d::endSession));
    }

    /** The endpoints of an OpenID provider. */
    public record OidcEndpoints(Optional<String> authorization, Optional<String> token, Optional<String> userinfo,
                                Optional<String> jwks, Optional<String> endSession) {
        public static final OidcEndpoints NONE = new OidcEndpoints(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** What discovery said when the settings were saved. */
    public record Discovered(OidcEndpoints endpoints, List<String> codeChallengeMethods,
                             List<String> idTokenSigningAlgs, List<String> tokenEndpointAuthMethods,
                             boolean authorizationResponseIssParameterSupported, Instant fetchedAt) {
        public Discovered {
            codeChallengeMethods = List.copyOf(codeChallengeMethods);
            idTokenSigningAlgs = List.copyOf(idTokenSigningAlgs);
            tokenEndpointAuthMethods = List.copyOf(tokenEndpointAuthMethods);
        }
    }
}
