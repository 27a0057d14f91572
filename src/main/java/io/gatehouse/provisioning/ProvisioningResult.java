package io.gatehouse.provisioning;

import io.gatehouse.signin.SignInFailure;

/** What provisioning made of a sign-in: the user (new or known), or a refusal with a stable reason code. */
public sealed interface ProvisioningResult {

    /** The user signed in; {@code created} on their first sign-in. */
    record Provisioned(User user, boolean created) implements ProvisioningResult {
    }

    /** The sign-in is refused: a stable code for events and tests, a title and a hint for people. */
    record Refused(String code, String title, String hint) implements ProvisioningResult {
        public static final Refused USER_UNKNOWN = new Refused("provisioning.user_unknown",
                "The user is not known to this organization",
                "The identity provider only admits existing users (mode existing_only): create the user first,"
                        + " or switch the identity provider's provisioning mode to jit.");
        public static final Refused EMAIL_DOMAIN_NOT_ALLOWED = new Refused("provisioning.email_domain_not_allowed",
                "The email address is outside the organization's email domains",
                "The identity provider asserted an email of a domain none of the organization's identity providers"
                        + " lists. Add the domain to an identity provider, fix the email mapping, or set"
                        + " provisioning.allow_any_email_domain on this identity provider.");
        public static final Refused SUBJECT_INVALID = new Refused("provisioning.subject_invalid",
                "The identity provider named the user with an empty or over-long subject",
                "The subject (SAML NameID, OIDC sub) must be 1-1024 characters: check the NameID format and"
                        + " the attribute the identity provider uses for it.");

        /** The same refusal in the sign-in pipeline's terms. */
        public SignInFailure failure() {
            return SignInFailure.of(code, title, hint);
        }
    }
}
