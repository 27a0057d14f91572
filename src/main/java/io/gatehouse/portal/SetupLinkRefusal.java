package io.gatehouse.portal;

/**
 * Why a presented setup link (or the portal session made from one) is not honoured: each with its
 * stable code, for the portal to word and tests to assert.
 */
public enum SetupLinkRefusal {
    /** No link (or session) has this secret. */
    UNKNOWN("setup_link.unknown"),
    /** The link's time is over. */
    EXPIRED("setup_link.expired"),
    /** The SaaS team revoked the link. */
    REVOKED("setup_link.revoked"),
    /** The link is another organization's. */
    OTHER_ORG("setup_link.other_org"),
    /** The link was made for another identity provider of the organization. */
    OTHER_ALIAS("setup_link.other_alias");

    private final String code;

    SetupLinkRefusal(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
