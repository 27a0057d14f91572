package io.gatehouse.saml.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Writes the AuthnRequest Gatehouse sends an identity provider ({@link SamlBindings} carries it).
 */
public final class AuthnRequestXml {
    public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    private static final String PASSWORD_PROTECTED =
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

    /** What goes into one AuthnRequest. */
    public record Request(String id, Instant issueInstant, String destination, String acsUrl, String spEntityId,
                          Optional<String> nameIdFormat, boolean forceAuthn, boolean requestAuthnContext) {
    }

    private AuthnRequestXml() {
    }

    public static Document document(Request r) {
        Document doc = newDocument();
        Element root = doc.createElementNS(PROTOCOL, "samlp:AuthnRequest");
        // declared as attributes, not left to the serializer: canonicalization (so the signature) sees only attributes
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:samlp", PROTOCOL);
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:saml", ASSERTION);
        root.setAttribute("ID", r.id());
        root.setAttribute("Version", "2.0");
        root.setAttribute("IssueInstant", r.issueInstant().truncatedTo(ChronoUnit.SECONDS).toString());
        root.setAttribute("Destination", r.destination());
        root.setAttribute("AssertionConsumerServiceURL", r.acsUrl());
        root.setAttribute("ProtocolBinding", POST_BINDING);
        if (r.forceAuthn()) {
            root.setAttribute("ForceAuthn", "true");
        }
        doc.appendChild(root);
        Element issuer = doc.createElementNS(ASSERTION, "saml:Issuer");
        issuer.setTextContent(r.spEntityId());
        root.appendChild(issuer);
        Element policy = doc.createElementNS(PROTOCOL, "samlp:NameIDPolicy");
        r.nameIdFormat().ifPresent(f -> policy.setAttribute("Format", f));
        policy.setAttribute("AllowCreate", "true");
        root.appendChild(policy);
        if (r.requestAuthnContext()) {
            // "minimum", not "exact": a user who also passed MFA must not be refused
            Element context = doc.createElementNS(PROTOCOL, "samlp:RequestedAuthnContext");
            context.setAttribute("Comparison", "minimum");
            Element classRef = doc.createElementNS(ASSERTION, "saml:AuthnContextClassRef");
            classRef.setTextContent(PASSWORD_PROTECTED);
            context.appendChild(classRef);
            root.appendChild(context);
        }
        return doc;
    }

    static Document newDocument() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
