package io.gatehouse.saml;

import io.gatehouse.signin.RejectReason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The answer of {@link LogoutMessageValidator}: a verified LogoutRequest or LogoutResponse, or the first reason to refuse. */
public sealed interface LogoutValidationResult {

    /** A verified LogoutRequest: end the subject's sessions (those named, or all), then answer {@code requestId}. */
    record LogoutRequested(String requestId, String nameId, List<String> sessionIndexes) implements LogoutValidationResult {
        public LogoutRequested {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(nameId, "nameId");
            sessionIndexes = List.copyOf(sessionIndexes);
        }
    }

    /**
     * A LogoutResponse that passed every check of the message itself; whether it answers a logout
     * Gatehouse started is the session store's to say, by {@code inResponseTo}.
     */
    record LogoutAnswered(String inResponseTo, Optional<String> status) implements LogoutValidationResult {
        public LogoutAnswered {
            Objects.requireNonNull(inResponseTo, "inResponseTo");
            Objects.requireNonNull(status, "status");
        }
    }

    /** The first failed check; the detail is for people and never quotes the whole message. */
    record Refused(RejectReason reason, String detail) implements LogoutValidationResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }
    }
}
