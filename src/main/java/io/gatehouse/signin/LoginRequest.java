package io.gatehouse.signin;

import java.util.Optional;

/**
 * What the start of a sign-in may carry: the user's email as a hint, and either the app's request to
 * answer later or the test sign-in whose result the answer is (never both: a test answers no app).
 */
public record LoginRequest(Optional<String> loginHint, Optional<String> appContext, Optional<String> testSignIn) {
    public static final LoginRequest NONE = new LoginRequest(Optional.empty(), Optional.empty());

    public LoginRequest {
        if (appContext.isPresent() && testSignIn.isPresent()) {
            throw new IllegalArgumentException("a test sign-in answers no application");
        }
    }

    public LoginRequest(Optional<String> loginHint, Optional<String> appContext) {
        this(loginHint, appContext, Optional.empty());
    }

    /** The start of test sign-in {@code id}. */
    public static LoginRequest test(String id) {
        return new LoginRequest(Optional.empty(), Optional.empty(), Optional.of(id));
    }
}
