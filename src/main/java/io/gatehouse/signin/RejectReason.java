package io.gatehouse.signin;

import java.util.Optional;

/**
 * Every reason a sign-in (or an identity provider's logout message) is refused, in one catalog: the
 * stable code that events, the {@code error=} of an IdP's error_url, tests and docs name; a title for
 * the person who was refused; a hint for the admin who can fix it; and, where a specification sets
 * the rule, where it does. Codes are {@code family.reason} and never change once published; the
 * constant's name is its code in upper case. The detail of one case travels beside the reason, in
 * {@link SignInFailure}.
 */
public enum RejectReason {
    // saml.*: the SAML service provider (ACS, single logout)
    SAML_MALFORMED("saml.malformed", "The SAML response is not a well-formed SAML 2.0 Response",
            "Check that the identity provider posts a SAMLResponse with the HTTP-POST binding.",
            "SAML 2.0 Core 3.2.2, 3.3.3"),
    SAML_TOO_LARGE("saml.too_large", "The SAML response is too large",
            "Trim the attributes the identity provider releases (e.g. large group lists)."),
    SAML_DUPLICATE_ID("saml.duplicate_id", "Two elements of the SAML response carry the same ID",
            "A legitimate identity provider never does this; it is a signature wrapping attempt.",
            "SAML 2.0 Core 1.3.4"),
    SAML_STATUS_NOT_SUCCESS("saml.status_not_success", "The identity provider reported a failure",
            "Look at the status code and at the identity provider's logs (user not assigned to the app?).",
            "SAML 2.0 Core 3.2.2.2"),
    SAML_ASSERTION_COUNT("saml.assertion_count",
            "The response must carry exactly one assertion, directly in the Response",
            "Extra or misplaced assertions are refused as a signature wrapping defence.",
            "SAML 2.0 Profiles 4.1.4.2"),
    SAML_DECRYPTION_FAILED("saml.decryption_failed", "The encrypted assertion could not be decrypted",
            "The identity provider must encrypt for the current SP encryption certificate (RSA-OAEP, AES-GCM or AES-CBC).",
            "SAML 2.0 Core 2.3.4, 6"),
    SAML_SIGNATURE_MISSING("saml.signature_missing", "A required signature is missing",
            "Have the identity provider sign the response and/or the assertion as configured.",
            "SAML 2.0 Profiles 4.1.4.5"),
    SAML_SIGNATURE_INVALID("saml.signature_invalid", "The signature does not verify",
            "The message was altered, or the signature does not cover the element it sits in.",
            "SAML 2.0 Core 5.4"),
    SAML_SIGNATURE_ALGORITHM_REFUSED("saml.signature_algorithm_refused",
            "The signature uses a refused algorithm or transform",
            "Use RSA or ECDSA with SHA-256 or stronger, exclusive canonicalization and the enveloped-signature transform.",
            "SAML 2.0 Core 5.4.3, 5.4.4"),
    SAML_CERTIFICATE_EXPIRED("saml.certificate_expired", "The identity provider's signing certificate has expired",
            "The identity provider should sign with a current certificate; update the trusted certificate."),
    SAML_CERTIFICATE_UNTRUSTED("saml.certificate_untrusted", "The signature was made with a key that is not trusted",
            "The identity provider's signing certificate may have rotated: refresh its metadata or certificates."),
    SAML_ISSUER_MISMATCH("saml.issuer_mismatch", "The issuer is not the configured identity provider",
            "Compare the identity provider's entity ID with the configured one.",
            "SAML 2.0 Profiles 4.1.4.2"),
    SAML_DESTINATION_MISMATCH("saml.destination_mismatch", "The response was sent to another destination",
            "The identity provider's ACS URL must be exactly Gatehouse's ACS URL.",
            "SAML 2.0 Core 3.2.2; SAML 2.0 Bindings 3.5.5.2"),
    SAML_RECIPIENT_MISMATCH("saml.recipient_mismatch", "The assertion's bearer confirmation is for another recipient",
            "The identity provider's ACS URL (recipient) must be exactly Gatehouse's ACS URL.",
            "SAML 2.0 Profiles 4.1.4.3"),
    SAML_IN_RESPONSE_TO_MISMATCH("saml.in_response_to_mismatch", "The response does not answer this sign-in's request",
            "Start the sign-in again from the application; the response may belong to another attempt.",
            "SAML 2.0 Profiles 4.1.4.3"),
    SAML_UNSOLICITED_REFUSED("saml.unsolicited_refused",
            "IdP-initiated sign-in is not allowed for this identity provider",
            "Start the sign-in from the application, or allow IdP-initiated sign-in in the settings.",
            "SAML 2.0 Profiles 4.1.5"),
    SAML_AUDIENCE_MISMATCH("saml.audience_mismatch", "The assertion is not addressed to this service provider",
            "The audience (Entity ID / Identifier) configured at the identity provider must be Gatehouse's SP entity ID.",
            "SAML 2.0 Core 2.5.1.4"),
    SAML_NOT_YET_VALID("saml.not_yet_valid", "The assertion is not valid yet",
            "The clocks of the identity provider and Gatehouse differ; check NTP or raise the clock skew.",
            "SAML 2.0 Core 2.4.1.2, 2.5.1.2"),
    SAML_EXPIRED("saml.expired", "The assertion has expired",
            "The response arrived too late or the clocks differ; check NTP or raise the clock skew.",
            "SAML 2.0 Core 2.4.1.2, 2.5.1.2"),
    SAML_SUBJECT_MISSING("saml.subject_missing", "The assertion has no usable subject",
            "The assertion needs a NameID and a bearer SubjectConfirmation.",
            "SAML 2.0 Profiles 4.1.4.2"),
    SAML_AUTHN_STATEMENT_MISSING("saml.authn_statement_missing", "The assertion has no authentication statement",
            "A Web SSO assertion must contain an AuthnStatement.",
            "SAML 2.0 Profiles 4.1.4.2"),
    SAML_AUTHN_STATEMENT_COUNT("saml.authn_statement_count",
            "The assertion carries more than one authentication statement",
            "Which authentication counts would be ambiguous: the identity provider must send exactly one AuthnStatement."),
    SAML_ISSUED_IN_FUTURE("saml.issued_in_future", "The message was issued in the future",
            "The clocks of the identity provider and Gatehouse differ; check NTP or raise the clock skew."),
    SAML_ISSUED_BEFORE_REQUEST("saml.issued_before_request", "The response was issued before this sign-in started",
            "It was made for an earlier sign-in and replayed, or the clocks differ; sign in again and check NTP."),
    SAML_ISSUED_TOO_LONG_AGO("saml.issued_too_long_ago", "The unsolicited message was issued too long ago",
            "An IdP-initiated response or a logout message must arrive within minutes of being issued; check NTP."),
    SAML_DESTINATION_MISSING("saml.destination_missing", "The signed message names no Destination",
            "A signed message must carry Destination = Gatehouse's endpoint URL (SAML bindings 3.4.5.2, 3.5.5.2).",
            "SAML 2.0 Bindings 3.4.5.2, 3.5.5.2"),
    SAML_ATTRIBUTE_REPEATED("saml.attribute_repeated",
            "An attribute Gatehouse reads one value from appears more than once",
            "Which value counts would be ambiguous: have the identity provider send that attribute once."),
    SAML_NAME_ID_QUALIFIER_MISMATCH("saml.name_id_qualifier_mismatch",
            "The NameID is qualified for another service provider",
            "SPNameQualifier, when present, must be Gatehouse's SP entity ID; check the identity provider's SP settings.",
            "SAML 2.0 Core 2.2.2"),
    SAML_ISSUER_FORMAT_REFUSED("saml.issuer_format_refused", "The issuer is not named by its entity ID",
            "The Issuer's Format must be omitted or urn:oasis:names:tc:SAML:2.0:nameid-format:entity (SAML profiles 4.1.4.2).",
            "SAML 2.0 Profiles 4.1.4.2"),
    SAML_CANONICALIZATION_WITH_COMMENTS("saml.canonicalization_with_comments", "The signature keeps XML comments",
            "Signed content with comments reads differently than it was signed; sign with exclusive c14n without comments.",
            "SAML 2.0 Core 5.4.3"),
    SAML_NAME_ID_NOT_EXACT("saml.name_id_not_exact", "The NameID has surrounding whitespace or control characters",
            "Gatehouse takes the subject exactly as signed and never trims it; fix the value at the identity provider."),
    SAML_EMAIL_NOT_EXACT("saml.email_not_exact", "The email has surrounding whitespace or control characters",
            "Gatehouse takes the email exactly as signed and never trims it; fix the value at the identity provider."),
    SAML_RESPONSE_MISSING("saml.response_missing", "No SAMLResponse was posted",
            "The identity provider must post the response with HTTP-POST.",
            "SAML 2.0 Bindings 3.5.4"),
    SAML_REPLAYED("saml.replayed", "This assertion was already used", "A response can be used once; sign in again.",
            "SAML 2.0 Profiles 4.1.4.5"),
    SAML_LOGOUT_MALFORMED("saml.logout_malformed", "The logout message could not be read",
            "The identity provider must send a LogoutRequest or LogoutResponse with the HTTP-Redirect or HTTP-POST binding.",
            "SAML 2.0 Core 3.7.1, 3.7.2"),
    SAML_INTERNAL_ERROR("saml.internal_error", "Gatehouse failed while checking the message",
            "This is a defect in Gatehouse, not a fault of the identity provider: report the trace id."),

    // oidc.*: the OpenID Connect relying party (callback, tokens, userinfo)
    OIDC_ACCESS_DENIED("oidc.access_denied", "The identity provider denied the sign-in",
            "The user cancelled, or is not assigned to the application at the identity provider.",
            "OpenID Connect Core 1.0 3.1.2.6"),
    OIDC_IDP_ERROR("oidc.idp_error", "The identity provider answered the sign-in with an error",
            "The event's detail names the error the identity provider returned; check its logs and the client settings.",
            "OpenID Connect Core 1.0 3.1.2.6"),
    OIDC_STATE_UNKNOWN("oidc.state_unknown", "The sign-in expired, was already completed, or was never started here",
            "Start the sign-in again from the application (a sign-in must finish within "
                    + SignInAttempts.LIFETIME.toMinutes() + " minutes).",
            "RFC 6749 10.12"),
    OIDC_STATE_MISMATCH("oidc.state_mismatch",
            "The answer arrived for another identity provider than the sign-in started with",
            "Start the sign-in again; an answer is only accepted at the callback of the provider it was started at."),
    OIDC_ISS_MISSING("oidc.iss_missing", "The identity provider's answer does not name its issuer",
            "The provider announces RFC 9207 issuer identification but sent no iss parameter; check its configuration.",
            "RFC 9207"),
    OIDC_ISS_MISMATCH("oidc.iss_mismatch",
            "The answer or the ID token comes from another issuer than the configured one",
            "Compare the configured issuer with the provider's (exact match, including any trailing slash).",
            "RFC 9207; OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_CODE_MISSING("oidc.code_missing", "The identity provider's answer carries no authorization code",
            "The provider must answer with response_type=code.",
            "RFC 6749 4.1.2"),
    OIDC_TOKEN_REQUEST_FAILED("oidc.token_request_failed", "The authorization code could not be exchanged for tokens",
            "Check the client id, the client authentication method and its secret or key, and the redirect URI.",
            "OpenID Connect Core 1.0 3.1.3; RFC 6749 5.2"),
    OIDC_ID_TOKEN_MISSING("oidc.id_token_missing", "The token response carries no ID token",
            "Request the openid scope, or mark the provider as OAuth 2.0-only.",
            "OpenID Connect Core 1.0 3.1.3.3"),
    OIDC_ID_TOKEN_TOO_LARGE("oidc.id_token_too_large", "The ID token is larger than 64 KiB",
            "ID tokens are a few kilobytes; the provider may put too many claims (groups) into it. Ask for fewer claims,"
                    + " or have them read from the userinfo endpoint (fetch_userinfo)."),
    OIDC_ID_TOKEN_MALFORMED("oidc.id_token_malformed", "The ID token is not a well-formed signed JWT",
            "The provider must return a JWS-signed ID token.",
            "OpenID Connect Core 1.0 2"),
    OIDC_ID_TOKEN_ALG_REFUSED("oidc.id_token_alg_refused",
            "The ID token is signed with another algorithm than the configured one",
            "Set id_token_signed_response_alg to the algorithm the provider uses (never none).",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_ID_TOKEN_KEY_UNKNOWN("oidc.id_token_key_unknown",
            "The ID token is signed with a key the provider does not publish",
            "The provider may have rotated its keys; check the jwks_uri. A forged token also ends here.",
            "OpenID Connect Core 1.0 10.1.1"),
    OIDC_ID_TOKEN_SIGNATURE_INVALID("oidc.id_token_signature_invalid", "The ID token's signature does not verify",
            "The token was altered, or was signed with another key (for HS* algorithms: the client secret).",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_JWKS_UNAVAILABLE("oidc.jwks_unavailable", "The provider's signing keys could not be fetched",
            "Check that the jwks_uri answers with a JSON Web Key Set.",
            "OpenID Connect Core 1.0 10.1.1"),
    OIDC_TENANT_MISMATCH("oidc.tenant_mismatch", "The ID token comes from another tenant than the configured one",
            "Only users of the configured tenant may sign in; check tenant_id."),
    OIDC_AUDIENCE_MISMATCH("oidc.audience_mismatch", "The ID token is not addressed to this client",
            "The token's aud must contain the configured client_id.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_AZP_MISMATCH("oidc.azp_mismatch", "The ID token was issued to another authorized party",
            "A token with several audiences must name this client_id as its azp.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_EXPIRED("oidc.expired", "The ID token has expired",
            "The answer arrived too late or the clocks differ; check NTP.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_NOT_YET_VALID("oidc.not_yet_valid", "The ID token is not valid yet",
            "The clocks of the identity provider and Gatehouse differ; check NTP.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_ISSUED_BEFORE_SIGN_IN("oidc.issued_before_sign_in", "The ID token was issued before this sign-in started",
            "An older token was replayed into this sign-in, or the provider's clock is behind; check NTP.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_NONCE_MISMATCH("oidc.nonce_mismatch", "The ID token does not belong to this sign-in",
            "The nonce is missing or differs: the token was issued for another sign-in, or replayed.",
            "OpenID Connect Core 1.0 3.1.3.7"),
    OIDC_AT_HASH_MISMATCH("oidc.at_hash_mismatch", "The access token does not match the ID token's at_hash",
            "The access token was swapped; the provider's answer was tampered with.",
            "OpenID Connect Core 1.0 3.1.3.8"),
    OIDC_HOSTED_DOMAIN_MISMATCH("oidc.hosted_domain_mismatch", "The account is not of the configured hosted domain",
            "Only accounts of the configured Google Workspace domain (hd) may sign in."),
    OIDC_SUBJECT_MISSING("oidc.subject_missing", "The identity provider did not name the user",
            "The ID token (or for OAuth 2.0-only providers, the userinfo answer) must carry the user's id.",
            "OpenID Connect Core 1.0 2"),
    OIDC_USERINFO_FAILED("oidc.userinfo_failed", "The user's profile could not be fetched from the userinfo endpoint",
            "Check the userinfo_endpoint and that the granted scopes allow reading the profile.",
            "OpenID Connect Core 1.0 5.3"),
    OIDC_USERINFO_SUBJECT_MISMATCH("oidc.userinfo_subject_mismatch",
            "The userinfo answer is about another user than the ID token",
            "The sub of the userinfo answer must equal the ID token's; the answer was not merged.",
            "OpenID Connect Core 1.0 5.3.2"),

    // signin.*: the sign-in attempt and the application that asked for it
    SIGNIN_ATTEMPT_MISMATCH("signin.attempt_mismatch",
            "The response arrived for another identity provider than the sign-in started with",
            "Start the sign-in again from the application."),
    SIGNIN_ATTEMPT_UNKNOWN("signin.attempt_unknown",
            "The sign-in expired, was already completed, or was never started here",
            "Start the sign-in again from the application (a sign-in must finish within "
                    + SignInAttempts.LIFETIME.toMinutes() + " minutes)."),
    SIGNIN_APPLICATION_UNKNOWN("signin.application_unknown",
            "The application that started the sign-in is no longer registered", "Register it again."),
    SIGNIN_ORGANIZATION_NOT_ALLOWED("signin.organization_not_allowed",
            "This application does not accept sign-ins from this organization",
            "Add the organization to the application's allowed_orgs."),
    SIGNIN_TEST_EXPIRED("signin.test_expired", "The test sign-in was not finished in time",
            "Open the test link and sign in at the identity provider within "
                    + SignInAttempts.LIFETIME.toMinutes() + " minutes. If you did, the identity provider never answered at"
                    + " Gatehouse: check the ACS URL (SAML) or redirect URI (OpenID Connect) configured there, then"
                    + " start a new test."),

    // provisioning.*: Gatehouse's own rules on the user the identity provider vouched for
    PROVISIONING_USER_UNKNOWN("provisioning.user_unknown",
            "The user is not known to this organization",
            "The identity provider only admits existing users (mode existing_only): create the user first,"
                    + " or switch the identity provider's provisioning mode to jit."),
    PROVISIONING_EMAIL_DOMAIN_NOT_ALLOWED("provisioning.email_domain_not_allowed",
            "The email address is outside the organization's email domains",
            "The identity provider asserted an email of a domain none of the organization's identity providers"
                    + " lists. Add the domain to an identity provider, fix the email mapping, or set"
                    + " provisioning.allow_any_email_domain on this identity provider."),
    PROVISIONING_EMAIL_DOMAIN_CLAIMED_ELSEWHERE("provisioning.email_domain_claimed_elsewhere",
            "The email address is in a domain another organization has claimed",
            "Only the organization that lists a domain (or its nearest parent domain) on one of its identity"
                    + " providers may sign users in with addresses of that domain, whatever this identity"
                    + " provider's allow_any_email_domain says: applications match users by email. Users of that"
                    + " domain sign in through that organization's identity provider. If the domain is yours,"
                    + " have it removed from the other organization; if the identity provider sent the wrong"
                    + " attribute, fix its email mapping."),
    PROVISIONING_SUBJECT_INVALID("provisioning.subject_invalid",
            "The identity provider named the user with an empty or over-long subject",
            "The subject (SAML NameID, OIDC sub) must be 1-1024 characters: check the NameID format and"
                    + " the attribute the identity provider uses for it."),

    // provider.*: the identity provider's configuration as stored here
    PROVIDER_SECRET_UNAVAILABLE("provider.secret_unavailable", "This identity provider cannot be used right now",
            "A secret or key its sign-ins need is sealed with a master key that is not configured; the event's"
                    + " detail names which, and the key. Enter the secret again in the provider's settings (SP and"
                    + " client keys: rotate them), or add that master key back to GATEHOUSE_MASTER_KEY.");

    private final String code;
    private final String title;
    private final String hint;
    private final String spec;

    RejectReason(String code, String title, String hint) {
        this(code, title, hint, "");
    }

    RejectReason(String code, String title, String hint, String spec) {
        this.code = code;
        this.title = title;
        this.hint = hint;
        this.spec = spec;
    }

    /** The stable wire form, e.g. {@code saml.audience_mismatch}. */
    public String code() {
        return code;
    }

    /** What happened, for the person who was refused. */
    public String title() {
        return title;
    }

    /** What to look at or change, for the admin who can fix it. */
    public String hint() {
        return hint;
    }

    /** The section of the specification that sets the rule, when one does (e.g. "SAML 2.0 Profiles 4.1.4.3"). */
    public Optional<String> spec() {
        return spec.isEmpty() ? Optional.empty() : Optional.of(spec);
    }
}
