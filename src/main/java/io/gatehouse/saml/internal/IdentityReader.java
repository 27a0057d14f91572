package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;

import io.gatehouse.saml.SamlExpectation;
import io.gatehouse.saml.SamlIdentity;
import io.gatehouse.saml.SamlExpectation.ReadAttributes;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.xml.SecureXml;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/** Step 10: the identity, read from the verified Assertion element and nothing else. */
public final class IdentityReader {
    static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    private static final List<String> EMAIL = List.of("email", "mail", "emailaddress",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3");
    private static final List<String> FIRST_NAME = List.of("givenName", "firstName", "first_name",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42");
    private static final List<String> LAST_NAME = List.of("surname", "sn", "lastName", "last_name",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4");
    private static final List<String> GROUPS = List.of("groups", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
            "memberOf", "http://schemas.xmlsoap.org/claims/Group");
    private static final Set<String> GROUPS_LOWER_CASE = lowerCase(GROUPS);
    private static final Set<String> EMAIL_LOWER_CASE = lowerCase(EMAIL);
    /** The names read here for one value; the profile's own list (in the expectation) adds its defaults and mappers. */
    private static final Set<String> SINGLE_VALUED = union(EMAIL_LOWER_CASE, lowerCase(FIRST_NAME), lowerCase(LAST_NAME));

    private IdentityReader() {
    }

    public static Checked<SamlIdentity> read(Element assertion, Instant expiresAt, SamlExpectation expected) {
        Optional<Element> nameIdElement = SamlDom.child(assertion, ASSERTION, "Subject")
                .flatMap(s -> SamlDom.child(s, ASSERTION, "NameID"));
        // the subject is exactly what the IdP signed: never trimmed, never folded
        String nameId = nameIdElement.map(SecureXml::fullText).orElse("");
        if (nameId.isEmpty()) {
            return Checked.failed(RejectReason.SAML_SUBJECT_MISSING, nameIdElement.isEmpty()
                    ? "the Subject has no NameID (encrypted NameIDs are not supported)" : "the NameID is empty");
        }
        if (!exact(nameId)) {
            return Checked.failed(RejectReason.SAML_NAME_ID_NOT_EXACT, "the NameID " + SamlDom.quote(nameId)
                    + " has leading or trailing whitespace or control characters");
        }
        Element nameIdFound = nameIdElement.get();
        if (nameIdFound.hasAttributeNS(null, "SPNameQualifier")
                && !nameIdFound.getAttributeNS(null, "SPNameQualifier").equals(expected.spEntityId())) {
            return Checked.failed(RejectReason.SAML_NAME_ID_QUALIFIER_MISMATCH, "the NameID's SPNameQualifier is "
                    + SamlDom.quote(nameIdFound.getAttributeNS(null, "SPNameQualifier")) + ", not "
                    + SamlDom.quote(expected.spEntityId()));
        }
        String format = SamlDom.attribute(nameIdFound, "Format").orElse(UNSPECIFIED);
        Optional<Element> authn = SamlDom.child(assertion, ASSERTION, "AuthnStatement");
        if (authn.isEmpty()) {
            return Checked.failed(RejectReason.SAML_AUTHN_STATEMENT_MISSING, "the Assertion has no AuthnStatement");
        }
        Optional<Instant> authnInstant = SamlDom.attribute(authn.get(), "AuthnInstant").flatMap(Times::parse);
        if (authnInstant.isEmpty()) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "the AuthnStatement has no valid AuthnInstant");
        }
        Optional<String> sessionEnd = SamlDom.attribute(authn.get(), "SessionNotOnOrAfter");
        if (sessionEnd.isPresent()) {
            Optional<Instant> end = Times.parse(sessionEnd.get());
            if (end.isEmpty()) {
                return Checked.failed(RejectReason.SAML_MALFORMED, "SessionNotOnOrAfter is not a time");
            }
            if (Times.expired(end.get(), expected.now(), Duration.ofSeconds(expected.clockSkewSeconds()))) {
                return Checked.failed(RejectReason.SAML_EXPIRED, "the IdP session ended at " + end.get());
            }
        }
        Map<String, List<String>> attributes;
        switch (attributes(assertion, expected.readAttributes())) {
            case Checked.Failed<Map<String, List<String>>> failed -> {
                return failed.as();
            }
            case Checked.Passed<Map<String, List<String>>>(Map<String, List<String>> value) -> attributes = value;
        }
        Optional<String> email = first(attributes, EMAIL)
                .or(() -> EMAIL_FORMAT.equals(format) ? Optional.of(nameId) : Optional.empty());
        return Checked.passed(new SamlIdentity(SamlDom.attribute(assertion, "ID").orElseThrow(), expiresAt,
                SamlDom.child(assertion, ASSERTION, "Issuer").map(SamlDom::text).orElseThrow(), nameId, format,
                SamlDom.attribute(authn.get(), "SessionIndex"), authnInstant.get(), attributes, email,
                first(attributes, FIRST_NAME), first(attributes, LAST_NAME), all(attributes, GROUPS_LOWER_CASE),
                SamlDom.attribute(assertion, "IssueInstant").flatMap(Times::parse)));
    }

    /**
     * Every Attribute of every AttributeStatement by Name; nil values are left out. A name the
     * profile takes one value from may appear once (which value counts would be ambiguous); others,
     * such as groups split over several elements, merge. An email's values must be exact.
     */
    private static Checked<Map<String, List<String>>> attributes(Element assertion, ReadAttributes read) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Element statement : SamlDom.children(assertion, ASSERTION, "AttributeStatement")) {
            for (Element attribute : SamlDom.children(statement, ASSERTION, "Attribute")) {
                Optional<String> name = SamlDom.attribute(attribute, "Name");
                if (name.isEmpty()) {
                    continue;
                }
                String lower = name.get().toLowerCase(Locale.ROOT);
                if (!seen.add(lower) && (read.singleValued().contains(lower) || SINGLE_VALUED.contains(lower))) {
                    return Checked.failed(RejectReason.SAML_ATTRIBUTE_REPEATED, "the attribute "
                            + SamlDom.quote(name.get()) + " appears more than once");
                }
                boolean email = read.email().contains(lower) || EMAIL_LOWER_CASE.contains(lower);
                List<String> values = out.computeIfAbsent(name.get(), n -> new ArrayList<>());
                for (Element value : SamlDom.children(attribute, ASSERTION, "AttributeValue")) {
                    String nil = value.getAttributeNS(SamlDom.XSI, "nil");
                    if (nil.equals("true") || nil.equals("1")) {
                        continue;
                    }
                    String text = SecureXml.fullText(value);
                    if (email && !exact(text)) {
                        return Checked.failed(RejectReason.SAML_EMAIL_NOT_EXACT, "the " + SamlDom.quote(name.get())
                                + " value " + SamlDom.quote(text)
                                + " has leading or trailing whitespace or control characters");
                    }
                    values.add(text.strip());
                }
            }
        }
        return Checked.passed(out);
    }

    /**
     * Whether an identifier is exactly what it shows: no control, format (zero-width, bidi) or line
     * separator characters anywhere, and no space of any kind at either end.
     */
    static boolean exact(String value) {
        if (value.isEmpty()) {
            return true;
        }
        if (space(value.codePointAt(0)) || space(value.codePointBefore(value.length()))) {
            return false;
        }
        return value.codePoints().noneMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        });
    }

    private static boolean space(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }

    private static Optional<String> first(Map<String, List<String>> attributes, List<String> names) {
        for (String name : names) {
            for (Map.Entry<String, List<String>> e : attributes.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    Optional<String> value = e.getValue().stream().filter(v -> !v.isBlank()).findFirst();
                    if (value.isPresent()) {
                        return value;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> all(Map<String, List<String>> attributes, Set<String> lowerNames) {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
            if (lowerNames.contains(attribute.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : attribute.getValue()) {
                    if (!value.isBlank()) {
                        out.add(value);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static Set<String> lowerCase(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return Set.copyOf(out);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new HashSet<>();
        for (Set<String> set : sets) {
            out.addAll(set);
        }
        return Set.copyOf(out);
    }
}
