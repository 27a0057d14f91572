package io.gatehouse.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The one exception that crosses into the HTTP edge and becomes an RFC 9457 problem response. */
public final class ProblemException extends RuntimeException {
    private final ErrorCode errorCode;
    private final List<FieldError> errors;
    private final Optional<Duration> retryAfter;

    public ProblemException(ErrorCode errorCode, String detail) {
        this(errorCode, detail, List.of());
    }

    public ProblemException(ErrorCode errorCode, String detail, List<FieldError> errors) {
        this(errorCode, detail, errors, Optional.empty());
    }

    private ProblemException(ErrorCode errorCode, String detail, List<FieldError> errors, Optional<Duration> retryAfter) {
        super(detail, null, false, false);
        this.errorCode = errorCode;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    /** 429, answered with a Retry-After header telling when to come back. */
    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        return new ProblemException(ErrorCode.TOO_MANY_REQUESTS, detail, List.of(), Optional.of(retryAfter));
    }

    public static ProblemException validation(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid";
        return new ProblemException(ErrorCode.VALIDATION_FAILED, detail, errors);
    }

    public static ProblemException validation(String field, String code, String message) {
        return validation(List.of(new FieldError(field, code, message)));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
