package io.gatehouse.signin;

/**
 * Why a sign-in was refused: a stable reason code (e.g. {@code saml.audience_mismatch}), a title
 * for people, a hint for the admin who can fix it, and the admin-facing detail of this case.
 */
public record SignInFailure(String code, String title, String hint, String detail) {
    /** A secret or key the provider's sign-ins need is sealed with a master key that is not configured. */
    public static final String SECRET_UNAVAILABLE = "provider.secret_unavailable";

    public static SignInFailure of(String code, String title, String hint) {
        return new SignInFailure(code, title, hint, "");
    }

    /** {@link #SECRET_UNAVAILABLE}: which secret, and the id of the master key it is sealed with. */
    public static SignInFailure secretUnavailable(String what, String keyId) {
        return new SignInFailure(SECRET_UNAVAILABLE, "This identity provider cannot be used right now",
                "Its " + what + " cannot be opened: enter it again in the provider's settings (SP and client keys:"
                        + " rotate them), or add master key " + keyId + " back to GATEHOUSE_MASTER_KEY.",
                what + " sealed with master key " + keyId);
    }
}
