package io.gatehouse.idp;

import io.gatehouse.crypto.Secret;

/** A secret field as a request sent it: absent, the mask (keep the stored value), or a new value. */
public sealed interface SecretInput {
    /** Not sent (or null). */
    record Absent() implements SecretInput {
    }

    /** Sent as the mask: keep what is stored. */
    record Keep() implements SecretInput {
    }

    /** A new value. */
    record Given(Secret secret) implements SecretInput {
    }

    static SecretInput of(java.util.Optional<String> value) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return new Absent();
        }
        return Secret.MASK.equals(value.get()) ? new Keep() : new Given(new Secret(value.get()));
    }
}
