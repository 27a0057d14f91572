package io.gatehouse.metadata;

/** Why a fetch was refused or failed; each with a stable code. */
public enum FetchFailure {
    INVALID_URL("fetch.invalid_url"),
    SCHEME_NOT_ALLOWED("fetch.scheme_not_allowed"),
    ADDRESS_NOT_ALLOWED("fetch.address_not_allowed"),
    HOST_NOT_FOUND("fetch.host_not_found"),
    CONNECT_FAILED("fetch.connect_failed"),
    TLS_FAILED("fetch.tls_failed"),
    TIMEOUT("fetch.timeout"),
    TOO_LARGE("fetch.too_large"),
    TOO_MANY_REDIRECTS("fetch.too_many_redirects"),
    HTTP_ERROR("fetch.http_error");

    private final String code;

    FetchFailure(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
