package io.gatehouse.api;

/** The catalog of API error codes: each with its HTTP status and a human title. */
public enum ErrorCode {
    MALFORMED_REQUEST(400, "malformed_request", "The request could not be read"),
    UNAUTHORIZED(401, "unauthorized", "A valid credential is required"),
    FORBIDDEN(403, "forbidden", "The credential lacks the required role"),
    SSO_NOT_ENABLED(403, "sso_not_enabled", "Single sign-on is not enabled on the organization's plan"),
    QUOTA_EXCEEDED(403, "quota_exceeded", "The organization's identity-provider quota is used up"),
    NOT_FOUND(404, "not_found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed", "The method is not allowed on this resource"),
    NOT_ACCEPTABLE(406, "not_acceptable", "None of the accepted media types can be produced"),
    ALIAS_TAKEN(409, "alias_taken", "The alias is already used in this organization"),
    DOMAIN_TAKEN(409, "domain_taken", "A domain is already claimed by another identity provider"),
    ORG_EXISTS(409, "org_exists", "An organization with this id already exists"),
    CONFLICT(409, "conflict", "The resource changed concurrently"),
    ROLE_MANAGED_BY_IDP(409, "role_managed_by_idp",
            "The user's role and team come from their identity provider (role_management idp)"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large", "The request body is larger than 1 MiB"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "The request body's media type is not supported"),
    VALIDATION_FAILED(422, "validation_failed", "The request is not valid"),
    TOO_MANY_REQUESTS(429, "too_many_requests", "Too many requests"),
    INTERNAL(500, "internal_error", "An unexpected error occurred"),
    // new codes go last: the Checkmarx dialect's numeric messageCode is made from the ordinal
    MALFORMED_PARAMETERS(400, "malformed_parameters",
            "The query string or form body could not be decoded (a malformed %-escape or a NUL character)"),
    EXPECTATION_FAILED(417, "expectation_failed", "The server cannot meet the request's Expect header"),
    NOT_IMPLEMENTED(501, "not_implemented", "The request uses a transfer coding the server does not implement"),
    HTTP_VERSION_NOT_SUPPORTED(505, "http_version_not_supported", "The request's HTTP version is not supported"),
    TEST_REQUIRED(409, "test_required",
            "The identity provider needs a successful test sign-in of its current configuration first"),
    DOMAIN_NOT_VERIFIED(422, "domain_not_verified", "The domain's DNS TXT record does not prove the organization owns it");

    private final int status;
    private final String code;
    private final String title;

    ErrorCode(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }
}
