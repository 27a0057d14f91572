package io.gatehouse.crypto;

/** A certificate that could not be parsed; the message never quotes the input. */
public final class CertificateParseException extends RuntimeException {
    private final String code;

    public CertificateParseException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
