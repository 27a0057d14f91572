package io.gatehouse.signin;

/**
 * Why a sign-in was refused: a stable reason code (e.g. {@code saml.audience_mismatch}), a title
 * for people, a hint for the admin who can fix it, and the admin-facing detail of this case.
 */
public record SignInFailure(String code, String title, String hint, String detail) {
    public static SignInFailure of(String code, String title, String hint) {
        return new SignInFailure(code, title, hint, "");
    }
}
