package io.gatehouse.provisioning;

import io.gatehouse.signin.SignInFailure;

/** What provisioning made of a sign-in: the user (new or known), or a refusal with a stable reason code. */
public sealed interface ProvisioningResult {

    /** The user signed in; {@code created} on their first sign-in. */
    record Provisioned(User user, boolean created) implements ProvisioningResult {
    }

    /**
     * The sign-in is refused: a stable code for events and tests, a title and a hint for people, and
     * the detail of this case for the admin's event (empty when the code says it all).
     */
    record Refused(String code, String title, String hint, String detail) implements ProvisioningResult {
        public static final Refused USER_UNKNOWN = new Refused("provisioning.user_unknown",
                "The user is not known to this organization",
                "The identity provider only admits existing users (mode existing_only): create the user first,"
                        + " or switch the identity provider's provisioning mode to jit.", "");
        public static final Refused EMAIL_DOMAIN_NOT_ALLOWED = new Refused("provisioning.email_domain_not_allowed",
                "The email address is outside the organization's email domains",
                "The identity provider asserted an email of a domain none of the organization's identity providers"
                        + " lists. Add the domain to an identity provider, fix the email mapping, or set"
                        + " provisioning.allow_any_email_domain on this identity provider.", "");
        public static final Refused EMAIL_DOMAIN_CLAIMED_ELSEWHERE = new Refused(
                "provisioning.email_domain_claimed_elsewhere",
                "The email address is in a domain another organization has claimed",
                "Only the organization that lists a domain (or its nearest parent domain) on one of its identity"
                        + " providers may sign users in with addresses of that domain, whatever this identity"
                        + " provider's allow_any_email_domain says: applications match users by email. Users of that"
                        + " domain sign in through that organization's identity provider. If the domain is yours,"
                        + " have it removed from the other organization; if the identity provider sent the wrong"
                        + " attribute, fix its email mapping.", "");
        public static final Refused SUBJECT_INVALID = new Refused("provisioning.subject_invalid",
                "The identity provider named the user with an empty or over-long subject",
                "The subject (SAML NameID, OIDC sub) must be 1-1024 characters: check the NameID format and"
                        + " the attribute the identity provider uses for it.", "");

        /** The same refusal, with what happened in this case. */
        Refused withDetail(String caseDetail) {
            return new Refused(code, title, hint, caseDetail);
        }

        /** The same refusal in the sign-in pipeline's terms. */
        public SignInFailure failure() {
            return new SignInFailure(code, title, hint, detail);
        }
    }
}
