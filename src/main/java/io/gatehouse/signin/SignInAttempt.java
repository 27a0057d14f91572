package io.gatehouse.signin;

import io.gatehouse.idp.Protocol;
import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Optional;

/**
 * One sign-in in flight at an identity provider. {@code requestId} is what the IdP echoes back (the
 * SAML AuthnRequest ID, the OIDC state); the id is the handle carried in RelayState. {@code testSignIn}
 * names the test sign-in it belongs to: its answer is recorded, and nobody is signed in.
 */
public record SignInAttempt(String id, OrgId org, String idpId, Protocol protocol, String requestId,
                            Optional<String> nonce, Optional<String> codeVerifier, Optional<String> appContext,
                            Instant createdAt, Instant expiresAt, Optional<String> browserHash,
                            Optional<String> testSignIn) {
    @Override
    public String toString() {
        // the PKCE verifier is a secret until the code is exchanged
        return "SignInAttempt[id=" + id + ", org=" + org + ", idpId=" + idpId + ", protocol=" + protocol
                + ", expiresAt=" + expiresAt + "]";
    }
}
