package io.gatehouse.portal;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.idp.WireEnum;
import io.gatehouse.pages.Text;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempts;
import io.gatehouse.signin.SignInFailure;
import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One test sign-in of an identity provider, and everything it found: the one record the API shows
 * and the portal renders. It ran against configuration revision {@code configurationRevision}; the
 * link that opens it is valid until {@code expiresAt}.
 */
public record TestSignIn(String id, OrgId org, String idpId, IdpAlias alias, long configurationRevision, String actor,
                         Instant createdAt, Instant expiresAt, Result result) {
    public TestSignIn {
        Objects.requireNonNull(result, "result");
    }

    /** The state of a test sign-in on the wire. */
    public enum Status implements WireEnum {
        PENDING("pending"),
        SUCCEEDED("succeeded"),
        FAILED("failed");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }

    /** How a test sign-in ended, or that it has not. */
    public sealed interface Result {
        Status status();

        /** Waiting for the browser to sign in at the identity provider. */
        record Pending() implements Result {
            @Override
            public Status status() {
                return Status.PENDING;
            }
        }

        /** The identity provider vouched for a user, and Gatehouse would sign them in. */
        record Succeeded(Instant finishedAt, Observed observed, List<Warning> warnings) implements Result {
            public Succeeded {
                warnings = List.copyOf(warnings);
            }

            @Override
            public Status status() {
                return Status.SUCCEEDED;
            }
        }

        /**
         * Refused, with the catalog's reason; {@code observed} is present when the identity provider's
         * answer was good but Gatehouse's rules refused the user it named.
         */
        record Failed(Instant finishedAt, SignInFailure failure, Optional<Observed> observed, List<Warning> warnings)
                implements Result {
            public Failed {
                warnings = List.copyOf(warnings);
            }

            @Override
            public Status status() {
                return Status.FAILED;
            }
        }
    }

    /** What arrived from the identity provider, and what Gatehouse made of it. */
    public record Observed(Received received, Interpreted interpreted) {
    }

    /**
     * The identity provider's answer as it was: the subject (SAML NameID, or OIDC issuer|sub), its
     * format, what it said of the email, every attribute or claim, and when it says it issued it.
     */
    public record Received(String subject, Optional<String> nameIdFormat, Optional<Boolean> emailVerified,
                           Map<String, List<String>> attributes, Optional<Instant> issuedAt) {
        public Received {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            attributes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            attributes = Collections.unmodifiableMap(copy);
        }
    }

    /**
     * The profile an application would receive (the normalized profile after the mappers, with
     * Gatehouse's email verdict, role and team), and whether the user is already known to the org
     * ({@code knownUserId}) or would be a new one. Nobody is provisioned by a test.
     */
    public record Interpreted(Optional<String> email, boolean emailVerified, Optional<String> givenName,
                              Optional<String> familyName, Optional<String> name, Optional<String> username,
                              List<String> groups, boolean groupsOverage, Optional<String> role, Optional<String> team,
                              Map<String, String> custom, Optional<String> knownUserId) {
        public Interpreted {
            groups = List.copyOf(groups);
            custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
        }
    }

    /**
     * Something that works now but will hurt later, with a stable code and a sentence saying what to do:
     * {@code message} in English for the API, {@code text} the same words from the bundles (key
     * {@code warning.<code>}, or {@code warning.<code>.<variant>}, with the values as arguments) for the pages.
     */
    public record Warning(String code, String message, Text text) {
        public Warning {
            Objects.requireNonNull(text, "text");
        }

        /** A warning stored before its words were kept apart from their values: its English sentence, as sent. */
        public static Warning asSent(String code, String message) {
            return new Warning(code, message, Text.of("warning.as_sent", message));
        }
    }

    /**
     * The result as of {@code now}: one still pending after its link expired and a sign-in started at
     * the last moment would have ended is {@link RejectReason#SIGNIN_TEST_EXPIRED}.
     */
    public Result resultAt(Instant now) {
        Instant deadline = expiresAt.plus(SignInAttempts.LIFETIME);
        if (result instanceof Result.Pending && now.isAfter(deadline)) {
            return new Result.Failed(deadline, SignInFailure.of(RejectReason.SIGNIN_TEST_EXPIRED), Optional.empty(),
                    List.of());
        }
        return result;
    }
}
