package io.gatehouse.oidc;

/** Why an OpenID Connect sign-in was refused: a stable code for events and tests, a title and a hint for people. */
public enum OidcRejectReason {
    ACCESS_DENIED("oidc.access_denied", "The identity provider denied the sign-in",
            "The user cancelled, or is not assigned to the application at the identity provider."),
    IDP_ERROR("oidc.idp_error", "The identity provider answered the sign-in with an error",
            "The event's detail names the error the identity provider returned; check its logs and the client settings."),
    STATE_UNKNOWN("oidc.state_unknown", "The sign-in expired, was already completed, or was never started here",
            "Start the sign-in again from the application (a sign-in must finish within 15 minutes)."),
    STATE_MISMATCH("oidc.state_mismatch", "The answer arrived for another identity provider than the sign-in started with",
            "Start the sign-in again; an answer is only accepted at the callback of the provider it was started at."),
    ISS_MISSING("oidc.iss_missing", "The identity provider's answer does not name its issuer",
            "The provider announces RFC 9207 issuer identification but sent no iss parameter; check its configuration."),
    ISS_MISMATCH("oidc.iss_mismatch", "The answer or the ID token comes from another issuer than the configured one",
            "Compare the configured issuer with the provider's (exact match, including any trailing slash)."),
    CODE_MISSING("oidc.code_missing", "The identity provider's answer carries no authorization code",
            "The provider must answer with response_type=code."),
    TOKEN_REQUEST_FAILED("oidc.token_request_failed", "The authorization code could not be exchanged for tokens",
            "Check the client id, the client authentication method and its secret or key, and the redirect URI."),
    ID_TOKEN_MISSING("oidc.id_token_missing", "The token response carries no ID token",
            "Request the openid scope, or mark the provider as OAuth 2.0-only."),
    ID_TOKEN_TOO_LARGE("oidc.id_token_too_large", "The ID token is larger than 64 KiB",
            "ID tokens are a few kilobytes; the provider may put too many claims (groups) into it. Ask for fewer claims,"
                    + " or have them read from the userinfo endpoint (fetch_userinfo)."),
    ID_TOKEN_MALFORMED("oidc.id_token_malformed", "The ID token is not a well-formed signed JWT",
            "The provider must return a JWS-signed ID token."),
    ID_TOKEN_ALG_REFUSED("oidc.id_token_alg_refused", "The ID token is signed with another algorithm than the configured one",
            "Set id_token_signed_response_alg to the algorithm the provider uses (never none)."),
    ID_TOKEN_KEY_UNKNOWN("oidc.id_token_key_unknown", "The ID token is signed with a key the provider does not publish",
            "The provider may have rotated its keys; check the jwks_uri. A forged token also ends here."),
    ID_TOKEN_SIGNATURE_INVALID("oidc.id_token_signature_invalid", "The ID token's signature does not verify",
            "The token was altered, or was signed with another key (for HS* algorithms: the client secret)."),
    JWKS_UNAVAILABLE("oidc.jwks_unavailable", "The provider's signing keys could not be fetched",
            "Check that the jwks_uri answers with a JSON Web Key Set."),
    TENANT_MISMATCH("oidc.tenant_mismatch", "The ID token comes from another tenant than the configured one",
            "Only users of the configured tenant may sign in; check tenant_id."),
    AUDIENCE_MISMATCH("oidc.audience_mismatch", "The ID token is not addressed to this client",
            "The token's aud must contain the configured client_id."),
    AZP_MISMATCH("oidc.azp_mismatch", "The ID token was issued to another authorized party",
            "A token with several audiences must name this client_id as its azp."),
    EXPIRED("oidc.expired", "The ID token has expired",
            "The answer arrived too late or the clocks differ; check NTP."),
    NOT_YET_VALID("oidc.not_yet_valid", "The ID token is not valid yet",
            "The clocks of the identity provider and Gatehouse differ; check NTP."),
    ISSUED_BEFORE_SIGN_IN("oidc.issued_before_sign_in", "The ID token was issued before this sign-in started",
            "An older token was replayed into this sign-in, or the provider's clock is behind; check NTP."),
    NONCE_MISMATCH("oidc.nonce_mismatch", "The ID token does not belong to this sign-in",
            "The nonce is missing or differs: the token was issued for another sign-in, or replayed."),
    AT_HASH_MISMATCH("oidc.at_hash_mismatch", "The access token does not match the ID token's at_hash",
            "The access token was swapped; the provider's answer was tampered with."),
    HOSTED_DOMAIN_MISMATCH("oidc.hosted_domain_mismatch", "The account is not of the configured hosted domain",
            "Only accounts of the configured Google Workspace domain (hd) may sign in."),
    SUBJECT_MISSING("oidc.subject_missing", "The identity provider did not name the user",
            "The ID token (or for OAuth 2.0-only providers, the userinfo answer) must carry the user's id."),
    USERINFO_FAILED("oidc.userinfo_failed", "The user's profile could not be fetched from the userinfo endpoint",
            "Check the userinfo_endpoint and that the granted scopes allow reading the profile."),
    USERINFO_SUBJECT_MISMATCH("oidc.userinfo_subject_mismatch", "The userinfo answer is about another user than the ID token",
            "The sub of the userinfo answer must equal the ID token's; the answer was not merged.");

    private final String code;
    private final String title;
    private final String hint;

    OidcRejectReason(String code, String title, String hint) {
        this.code = code;
        this.title = title;
        this.hint = hint;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String hint() {
        return hint;
    }
}
