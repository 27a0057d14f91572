package io.gatehouse.signin;

import java.util.Optional;

/** What the start of a sign-in may carry: the user's email as a hint, and the app's request to answer later. */
public record LoginRequest(Optional<String> loginHint, Optional<String> appContext) {
    public static final LoginRequest NONE = new LoginRequest(Optional.empty(), Optional.empty());
}
