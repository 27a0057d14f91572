package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import java.time.Instant;
import java.util.Optional;

/**
 * What follows an identity provider's "yes": the user is provisioned and the application that
 * asked gets its answer. Implemented by the broker; sign-in itself knows no applications.
 */
public interface SignInCompletion {
    /** {@code idp} is the provider the identity came from, as the protocol controller already read it. */
    Completion complete(IdentityProvider idp, BrokeredIdentity identity, Optional<SignInAttempt> attempt, Instant now);

    /** The three ways a vouched-for sign-in ends. */
    sealed interface Completion {
        /** Back to the application, with its authorization code. */
        record ToApplication(String location, String userId) implements Completion {
        }

        /** The IdP said yes but Gatehouse's rules say no (provisioning, the app's allowed orgs). */
        record Refused(SignInFailure failure) implements Completion {
        }

        /** No application is waiting (a direct test of the IdP): show who signed in. */
        record NoApplication() implements Completion {
        }
    }
}
