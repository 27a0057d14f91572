package io.gatehouse.saml.internal;

import io.gatehouse.xml.SecureXml;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** SAML namespaces and direct-child navigation (never a search from the root, so reads stay in verified elements). */
public final class SamlDom {
    public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    public static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    public static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    public static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    public static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public static final String STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    /** Longest piece of a response quoted in a rejection detail. */
    private static final int MAX_QUOTE = 160;

    private SamlDom() {
    }

    public static boolean is(Node node, String namespace, String localName) {
        return node != null && node.getNodeType() == Node.ELEMENT_NODE && namespace.equals(node.getNamespaceURI())
                && localName.equals(node.getLocalName());
    }

    public static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (is(n, namespace, localName)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    public static List<Element> childElements(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** The first such child; the shape checks have already refused duplicates where the schema allows one. */
    public static Optional<Element> child(Element parent, String namespace, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (is(n, namespace, localName)) {
                return Optional.of((Element) n);
            }
        }
        return Optional.empty();
    }

    /** A non-empty attribute without namespace. */
    public static Optional<String> attribute(Element element, String name) {
        return element.hasAttributeNS(null, name) ? Optional.of(element.getAttributeNS(null, name))
                .filter(v -> !v.isEmpty()) : Optional.empty();
    }

    /** The element's whole text, trimmed: comments and split text nodes cannot shorten it. */
    public static String text(Element element) {
        return SecureXml.fullText(element).strip();
    }

    /** A value from the response, shortened and stripped of control characters for a rejection detail. */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > MAX_QUOTE ? clean.substring(0, MAX_QUOTE) + "..." : clean) + "'";
    }
}
