package io.gatehouse.oidc.internal;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Writes authorization requests (response_type=code) with Nimbus; fresh nonces and PKCE verifiers. */
public final class AuthorizationRequests {
    private AuthorizationRequests() {
    }

    /** How the code challenge is derived from the verifier. */
    public enum ChallengeMethod {
        S256,
        PLAIN
    }

    /** Everything an authorization request carries; the verifier is turned into its challenge here. */
    public record Params(URI endpoint, String clientId, URI redirectUri, List<String> scopes, String state,
                         Optional<String> nonce, Optional<String> codeVerifier, ChallengeMethod challengeMethod,
                         Optional<String> loginHint, Optional<String> hostedDomain, boolean oauth2Only) {
        @Override
        public String toString() {
            return "AuthorizationRequests.Params[endpoint=" + endpoint + ", clientId=" + clientId + "]";
        }
    }

    public static String newNonce() {
        return new Nonce().getValue();
    }

    public static String newCodeVerifier() {
        return new CodeVerifier().getValue();
    }

    public static URI uri(Params p) {
        ClientID client = new ClientID(p.clientId());
        Scope scope = new Scope(p.scopes().toArray(String[]::new));
        CodeVerifier verifier = p.codeVerifier().map(CodeVerifier::new).orElse(null);
        CodeChallengeMethod method = p.challengeMethod() == ChallengeMethod.PLAIN ? CodeChallengeMethod.PLAIN
                : CodeChallengeMethod.S256;
        if (p.oauth2Only()) {
            AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(ResponseType.CODE, client)
                    .endpointURI(p.endpoint()).redirectionURI(p.redirectUri()).scope(scope).state(new State(p.state()));
            if (verifier != null) {
                b.codeChallenge(verifier, method);
            }
            p.loginHint().ifPresent(h -> b.customParameter("login_hint", h));
            return b.build().toURI();
        }
        AuthenticationRequest.Builder b = new AuthenticationRequest.Builder(ResponseType.CODE, scope, client,
                p.redirectUri()).endpointURI(p.endpoint()).state(new State(p.state()));
        p.nonce().ifPresent(n -> b.nonce(new Nonce(n)));
        if (verifier != null) {
            b.codeChallenge(verifier, method);
        }
        p.loginHint().ifPresent(b::loginHint);
        // Google Workspace: limits the account chooser to the domain (the hd claim is checked separately)
        p.hostedDomain().ifPresent(hd -> b.customParameter("hd", hd));
        return b.build().toURI();
    }
}
