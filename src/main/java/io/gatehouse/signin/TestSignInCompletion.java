package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import java.time.Instant;
import org.springframework.http.ResponseEntity;

/**
 * What ends a test sign-in in place of an application's answer: the identity provider's answer is
 * recorded for whoever started the test, nobody is provisioned or signed in, and the browser sees the
 * result. Implemented by the portal; sign-in itself knows no more of it.
 */
public interface TestSignInCompletion {
    /** The IdP vouched for {@code identity} in answer to {@code attempt}, a test's. */
    ResponseEntity<String> succeeded(IdentityProvider idp, BrokeredIdentity identity, SignInAttempt attempt, Instant now);

    /** The answer to {@code attempt}, a test's, was refused (at {@code idp}'s endpoint) for {@code failure}. */
    ResponseEntity<String> failed(IdentityProvider idp, SignInFailure failure, SignInAttempt attempt, Instant now);
}
