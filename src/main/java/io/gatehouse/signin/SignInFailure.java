package io.gatehouse.signin;

import java.util.Objects;

/**
 * Why a sign-in was refused: the catalog's reason (its code, title and hint) and the admin-facing
 * detail of this case (empty when the reason says it all).
 */
public record SignInFailure(RejectReason reason, String detail) {
    public SignInFailure {
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
    }

    /** The reason, with nothing to add about this case. */
    public static SignInFailure of(RejectReason reason) {
        return new SignInFailure(reason, "");
    }

    /** {@link RejectReason#PROVIDER_SECRET_UNAVAILABLE}: which secret, and the master key it is sealed with. */
    public static SignInFailure secretUnavailable(String what, String keyId) {
        return new SignInFailure(RejectReason.PROVIDER_SECRET_UNAVAILABLE, what + " sealed with master key " + keyId);
    }

    public String code() {
        return reason.code();
    }

    public String title() {
        return reason.title();
    }

    public String hint() {
        return reason.hint();
    }
}
