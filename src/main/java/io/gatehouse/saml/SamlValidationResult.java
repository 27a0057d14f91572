package io.gatehouse.saml;

import io.gatehouse.signin.RejectReason;
import java.util.Objects;

/** The answer of {@link SamlResponseValidator}: the verified identity, or the first reason to refuse. */
public sealed interface SamlValidationResult {

    /** Every check passed; the identity was read from the verified elements only. */
    record Accepted(SamlIdentity identity) implements SamlValidationResult {
        public Accepted {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /** The first failed check; the detail is for people and never quotes the raw response. */
    record Rejected(RejectReason reason, String detail) implements SamlValidationResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }
}
