package io.gatehouse.saml.internal;

import io.gatehouse.saml.SamlValidationResult.Rejected;
import io.gatehouse.signin.RejectReason;

/** The outcome of one validation step: a value to go on with, or the refusal that ends validation. */
public sealed interface Checked<T> {

    /** The step passed and produced a value. */
    record Passed<T>(T value) implements Checked<T> {
    }

    /** The step refused the response. */
    record Failed<T>(Rejected rejected) implements Checked<T> {
        /** The same refusal, as the outcome of a step of another type. */
        public <U> Failed<U> as() {
            return new Failed<>(rejected);
        }
    }

    static <T> Checked<T> passed(T value) {
        return new Passed<>(value);
    }

    static <T> Failed<T> failed(RejectReason reason, String detail) {
        return new Failed<>(new Rejected(reason, detail));
    }
}
