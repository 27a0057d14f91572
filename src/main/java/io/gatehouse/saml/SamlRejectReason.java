package io.gatehouse.saml;

/** Why a SAML Response was refused: a stable code for events and tests, a title and a hint for people. */
public enum SamlRejectReason {
    MALFORMED("saml.malformed", "The SAML response is not a well-formed SAML 2.0 Response",
            "Check that the identity provider posts a SAMLResponse with the HTTP-POST binding."),
    TOO_LARGE("saml.too_large", "The SAML response is too large",
            "Trim the attributes the identity provider releases (e.g. large group lists)."),
    DUPLICATE_ID("saml.duplicate_id", "Two elements of the SAML response carry the same ID",
            "A legitimate identity provider never does this; it is a signature wrapping attempt."),
    STATUS_NOT_SUCCESS("saml.status_not_success", "The identity provider reported a failure",
            "Look at the status code and at the identity provider's logs (user not assigned to the app?)."),
    ASSERTION_COUNT("saml.assertion_count", "The response must carry exactly one assertion, directly in the Response",
            "Extra or misplaced assertions are refused as a signature wrapping defence."),
    DECRYPTION_FAILED("saml.decryption_failed", "The encrypted assertion could not be decrypted",
            "The identity provider must encrypt for the current SP encryption certificate (RSA-OAEP, AES-GCM or AES-CBC)."),
    SIGNATURE_MISSING("saml.signature_missing", "A required signature is missing",
            "Have the identity provider sign the response and/or the assertion as configured."),
    SIGNATURE_INVALID("saml.signature_invalid", "The signature does not verify",
            "The message was altered, or the signature does not cover the element it sits in."),
    SIGNATURE_ALGORITHM_REFUSED("saml.signature_algorithm_refused", "The signature uses a refused algorithm or transform",
            "Use RSA or ECDSA with SHA-256 or stronger, exclusive canonicalization and the enveloped-signature transform."),
    CERTIFICATE_EXPIRED("saml.certificate_expired", "The identity provider's signing certificate has expired",
            "The identity provider should sign with a current certificate; update the trusted certificate."),
    CERTIFICATE_UNTRUSTED("saml.certificate_untrusted", "The signature was made with a key that is not trusted",
            "The identity provider's signing certificate may have rotated: refresh its metadata or certificates."),
    ISSUER_MISMATCH("saml.issuer_mismatch", "The issuer is not the configured identity provider",
            "Compare the identity provider's entity ID with the configured one."),
    DESTINATION_MISMATCH("saml.destination_mismatch", "The response was sent to another destination",
            "The identity provider's ACS URL must be exactly Gatehouse's ACS URL."),
    RECIPIENT_MISMATCH("saml.recipient_mismatch", "The assertion's bearer confirmation is for another recipient",
            "The identity provider's ACS URL (recipient) must be exactly Gatehouse's ACS URL."),
    IN_RESPONSE_TO_MISMATCH("saml.in_response_to_mismatch", "The response does not answer this sign-in's request",
            "Start the sign-in again from the application; the response may belong to another attempt."),
    UNSOLICITED_REFUSED("saml.unsolicited_refused", "IdP-initiated sign-in is not allowed for this identity provider",
            "Start the sign-in from the application, or allow IdP-initiated sign-in in the settings."),
    AUDIENCE_MISMATCH("saml.audience_mismatch", "The assertion is not addressed to this service provider",
            "The audience (Entity ID / Identifier) configured at the identity provider must be Gatehouse's SP entity ID."),
    NOT_YET_VALID("saml.not_yet_valid", "The assertion is not valid yet",
            "The clocks of the identity provider and Gatehouse differ; check NTP or raise the clock skew."),
    EXPIRED("saml.expired", "The assertion has expired",
            "The response arrived too late or the clocks differ; check NTP or raise the clock skew."),
    SUBJECT_MISSING("saml.subject_missing", "The assertion has no usable subject",
            "The assertion needs a NameID and a bearer SubjectConfirmation."),
    AUTHN_STATEMENT_MISSING("saml.authn_statement_missing", "The assertion has no authentication statement",
            "A Web SSO assertion must contain an AuthnStatement."),
    AUTHN_STATEMENT_COUNT("saml.authn_statement_count", "The assertion carries more than one authentication statement",
            "Which authentication counts would be ambiguous: the identity provider must send exactly one AuthnStatement."),
    ISSUED_IN_FUTURE("saml.issued_in_future", "The message was issued in the future",
            "The clocks of the identity provider and Gatehouse differ; check NTP or raise the clock skew."),
    ISSUED_BEFORE_REQUEST("saml.issued_before_request", "The response was issued before this sign-in started",
            "It was made for an earlier sign-in and replayed, or the clocks differ; sign in again and check NTP."),
    ISSUED_TOO_LONG_AGO("saml.issued_too_long_ago", "The unsolicited message was issued too long ago",
            "An IdP-initiated response or a logout message must arrive within minutes of being issued; check NTP."),
    DESTINATION_MISSING("saml.destination_missing", "The signed message names no Destination",
            "A signed message must carry Destination = Gatehouse's endpoint URL (SAML bindings 3.4.5.2, 3.5.5.2)."),
    ATTRIBUTE_REPEATED("saml.attribute_repeated", "An attribute Gatehouse reads one value from appears more than once",
            "Which value counts would be ambiguous: have the identity provider send that attribute once."),
    NAME_ID_QUALIFIER_MISMATCH("saml.name_id_qualifier_mismatch", "The NameID is qualified for another service provider",
            "SPNameQualifier, when present, must be Gatehouse's SP entity ID; check the identity provider's SP settings."),
    ISSUER_FORMAT_REFUSED("saml.issuer_format_refused", "The issuer is not named by its entity ID",
            "The Issuer's Format must be omitted or urn:oasis:names:tc:SAML:2.0:nameid-format:entity (SAML profiles 4.1.4.2)."),
    CANONICALIZATION_WITH_COMMENTS("saml.canonicalization_with_comments", "The signature keeps XML comments",
            "Signed content with comments reads differently than it was signed; sign with exclusive c14n without comments."),
    NAME_ID_NOT_EXACT("saml.name_id_not_exact", "The NameID has surrounding whitespace or control characters",
            "Gatehouse takes the subject exactly as signed and never trims it; fix the value at the identity provider."),
    EMAIL_NOT_EXACT("saml.email_not_exact", "The email has surrounding whitespace or control characters",
            "Gatehouse takes the email exactly as signed and never trims it; fix the value at the identity provider."),
    RESPONSE_MISSING("saml.response_missing", "No SAMLResponse was posted",
            "The identity provider must post the response with HTTP-POST."),
    REPLAYED("saml.replayed", "This assertion was already used", "A response can be used once; sign in again."),
    LOGOUT_MALFORMED("saml.logout_malformed", "The logout message could not be read",
            "The identity provider must send a LogoutRequest or LogoutResponse with the HTTP-Redirect or HTTP-POST binding."),
    INTERNAL_ERROR("saml.internal_error", "Gatehouse failed while checking the message",
            "This is a defect in Gatehouse, not a fault of the identity provider: report the trace id.");

    private final String code;
    private final String title;
    private final String hint;

    SamlRejectReason(String code, String title, String hint) {
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
