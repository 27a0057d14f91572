package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Single logout messages: the LogoutRequest and LogoutResponse Gatehouse writes, and reading the IdP's. */
public final class LogoutXml {
    private LogoutXml() {
    }

    /** A LogoutRequest for one subject's session at the IdP. */
    public static Document request(String id, Instant now, String destination, String spEntityId, String nameId,
                                   Optional<String> nameIdFormat, Optional<String> sessionIndex) {
        Document doc = AuthnRequestXml.newDocument();
        Element root = root(doc, "LogoutRequest", id, now, destination, spEntityId);
        Element name = doc.createElementNS(ASSERTION, "saml:NameID");
        nameIdFormat.ifPresent(f -> name.setAttribute("Format", f));
        name.setTextContent(nameId);
        root.appendChild(name);
        sessionIndex.ifPresent(s -> {
            Element index = doc.createElementNS(PROTOCOL, "samlp:SessionIndex");
            index.setTextContent(s);
            root.appendChild(index);
        });
        return doc;
    }

    /** The answer to the IdP's LogoutRequest. */
    public static Document response(String id, Instant now, String destination, String spEntityId, String inResponseTo,
                                    String statusCode) {
        Document doc = AuthnRequestXml.newDocument();
        Element root = root(doc, "LogoutResponse", id, now, destination, spEntityId);
        root.setAttribute("InResponseTo", inResponseTo);
        Element status = doc.createElementNS(PROTOCOL, "samlp:Status");
        Element code = doc.createElementNS(PROTOCOL, "samlp:StatusCode");
        code.setAttribute("Value", statusCode);
        status.appendChild(code);
        root.appendChild(status);
        return doc;
    }

    private static Element root(Document doc, String name, String id, Instant now, String destination, String issuer) {
        Element root = doc.createElementNS(PROTOCOL, "samlp:" + name);
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:samlp", PROTOCOL);
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:saml", ASSERTION);
        root.setAttribute("ID", id);
        root.setAttribute("Version", "2.0");
        root.setAttribute("IssueInstant", now.truncatedTo(ChronoUnit.SECONDS).toString());
        root.setAttribute("Destination", destination);
        doc.appendChild(root);
        Element issuerElement = doc.createElementNS(ASSERTION, "saml:Issuer");
        issuerElement.setTextContent(issuer);
        root.appendChild(issuerElement);
        return root;
    }

    /** What an IdP's logout message says, as written; {@code root} is the element whose signature is checked. */
    public record Incoming(Element root, String kind, String id, Optional<String> issuer, Optional<String> destination,
                           Optional<String> inResponseTo, Optional<String> nameId, List<String> sessionIndexes,
                           Optional<String> notOnOrAfter, Optional<String> status) {
    }

    /** The IdP's LogoutRequest or LogoutResponse; empty for anything else. */
    public static Optional<Incoming> read(Document doc) {
        Element root = doc.getDocumentElement();
        boolean request = SamlDom.is(root, PROTOCOL, "LogoutRequest");
        if (!request && !SamlDom.is(root, PROTOCOL, "LogoutResponse")) {
            return Optional.empty();
        }
        String id = root.getAttributeNS(null, "ID");
        if (id.isEmpty()) {
            return Optional.empty();
        }
        root.setIdAttributeNS(null, "ID", true);
        Optional<String> status = SamlDom.child(root, PROTOCOL, "Status")
                .flatMap(s -> SamlDom.child(s, PROTOCOL, "StatusCode")).map(c -> c.getAttributeNS(null, "Value"));
        Optional<String> notOnOrAfter = SamlDom.attribute(root, "NotOnOrAfter");
        return Optional.of(new Incoming(root, request ? "LogoutRequest" : "LogoutResponse", id,
                SamlDom.child(root, ASSERTION, "Issuer").map(SamlDom::text), SamlDom.attribute(root, "Destination"),
                SamlDom.attribute(root, "InResponseTo"), SamlDom.child(root, ASSERTION, "NameID").map(SamlDom::text),
                SamlDom.children(root, PROTOCOL, "SessionIndex").stream().map(SamlDom::text).toList(),
                notOnOrAfter, status));
    }
}
