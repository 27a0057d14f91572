package io.gatehouse.idp.oidc;

/** Discovery failed; the code is stable and the message safe to show an admin. */
public final class DiscoveryException extends Exception {
    private final String code;

    public DiscoveryException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
