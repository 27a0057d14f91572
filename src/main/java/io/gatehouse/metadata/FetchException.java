package io.gatehouse.metadata;

/** A refused or failed fetch; the message is safe to show an admin (never a response body). */
public final class FetchException extends Exception {
    private final FetchFailure reason;

    public FetchException(FetchFailure reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public FetchFailure reason() {
        return reason;
    }
}
