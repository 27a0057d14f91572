package io.gatehouse.provisioning;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInFailure;
import java.util.Objects;

/** What provisioning made of a sign-in: the user (new or known), or a refusal with its catalog reason. */
public sealed interface ProvisioningResult {

    /** The user signed in; {@code created} on their first sign-in. */
    record Provisioned(User user, boolean created) implements ProvisioningResult {
    }

    /**
     * The sign-in is refused: the catalog's reason ({@code provisioning.*}), and the detail of this
     * case for the admin's event (empty when the reason says it all).
     */
    record Refused(RejectReason reason, String detail) implements ProvisioningResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }

        Refused(RejectReason reason) {
            this(reason, "");
        }

        /** The same refusal in the sign-in pipeline's terms. */
        public SignInFailure failure() {
            return new SignInFailure(reason, detail);
        }
    }
}
