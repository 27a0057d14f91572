package io.gatehouse.idp.saml;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SAML NameID formats, accepted as URNs or by their short names. */
public final class NameIdFormats {
    public static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    public static final String EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public static final String PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
    public static final String TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
    private static final Map<String, String> BY_SHORT_NAME = Map.of(
            "unspecified", UNSPECIFIED,
            "email", EMAIL,
            "emailAddress", EMAIL,
            "persistent", PERSISTENT,
            "transient", TRANSIENT,
            "x509", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
            "windows", "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
            "kerberos", "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
            "entity", "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
            "encrypted", "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted");
    public static final List<String> ALL = BY_SHORT_NAME.values().stream().distinct().sorted().toList();

    private NameIdFormats() {
    }

    /** The URN for a URN or a short name; empty for anything else. */
    public static Optional<String> canonical(String value) {
        if (ALL.contains(value)) {
            return Optional.of(value);
        }
        return Optional.ofNullable(BY_SHORT_NAME.get(value));
    }
}
