package io.gatehouse.oidc.internal;

import io.gatehouse.signin.RejectReason;
import java.util.Objects;

/** The result of one step of an OIDC sign-in: a value to go on with, or the refusal that ends it. */
public sealed interface Outcome<T> {

    /** The step passed and produced a value. */
    record Passed<T>(T value) implements Outcome<T> {
    }

    /** The step refused; the detail is for the admin (events) and never quotes a token or a secret. */
    record Refused<T>(RejectReason reason, String detail) implements Outcome<T> {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }

        /** The same refusal, as the outcome of a step of another type. */
        public <U> Refused<U> as() {
            return new Refused<>(reason, detail);
        }
    }

    static <T> Outcome<T> passed(T value) {
        return new Passed<>(value);
    }

    static <T> Refused<T> refused(RejectReason reason, String detail) {
        return new Refused<>(reason, detail);
    }
}
