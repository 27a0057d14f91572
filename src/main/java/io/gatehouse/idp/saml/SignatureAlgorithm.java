package io.gatehouse.idp.saml;

import io.gatehouse.idp.WireEnum;

/** XML signature algorithms Gatehouse signs with and accepts. */
public enum SignatureAlgorithm implements WireEnum {
    RSA_SHA256("rsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
    RSA_SHA384("rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"),
    RSA_SHA512("rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"),
    ECDSA_SHA256("ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"),
    ECDSA_SHA384("ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"),
    ECDSA_SHA512("ecdsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"),
    /** Broken; accepted only where the IdP's config explicitly allows SHA-1. */
    RSA_SHA1("rsa-sha1", "http://www.w3.org/2000/09/xmldsig#rsa-sha1");

    private final String wireName;
    private final String uri;

    SignatureAlgorithm(String wireName, String uri) {
        this.wireName = wireName;
        this.uri = uri;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public String uri() {
        return uri;
    }
}
