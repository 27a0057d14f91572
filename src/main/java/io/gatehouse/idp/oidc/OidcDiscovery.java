package io.gatehouse.idp.oidc;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** What an OpenID provider's discovery document says, as far as Gatehouse uses it. */
public record OidcDiscovery(String issuer, URI authorizationEndpoint, URI tokenEndpoint, Optional<URI> userinfoEndpoint,
                            URI jwksUri, Optional<URI> endSessionEndpoint, List<String> idTokenSigningAlgs,
                            List<String> tokenEndpointAuthMethods, List<String> codeChallengeMethods,
                            List<String> scopesSupported, boolean authorizationResponseIssParameterSupported,
                            boolean frontchannelLogoutSupported) {
}
