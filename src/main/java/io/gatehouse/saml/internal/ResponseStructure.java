package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import io.gatehouse.signin.RejectReason;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** Step 2, the shape that defeats signature wrapping: unique IDs, one assertion, directly in the Response. */
public final class ResponseStructure {
    /** Real responses nest about ten levels deep; a bound keeps recursive readers safe. */
    static final int MAX_DEPTH = 48;

    private ResponseStructure() {
    }

    /** The Response's only assertion or encrypted assertion. */
    public static Checked<Element> inspect(Document document) {
        Element response = document.getDocumentElement();
        if (!SamlDom.is(response, PROTOCOL, "Response")) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "the root element is not a samlp:Response");
        }
        if (!"2.0".equals(response.getAttributeNS(null, "Version"))) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "the Response is not SAML version 2.0");
        }
        if (SamlDom.attribute(response, "ID").isEmpty()) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "the Response has no ID");
        }
        int assertionsInDocument;
        switch (registerUniqueIds(document)) {
            case Checked.Failed<Integer> failed -> {
                return failed.as();
            }
            case Checked.Passed<Integer>(Integer count) -> assertionsInDocument = count;
        }
        if (SamlDom.children(response, ASSERTION, "Issuer").size() > 1
                || SamlDom.children(response, PROTOCOL, "Status").size() != 1) {
            return Checked.failed(RejectReason.SAML_MALFORMED, "the Response needs one Status and at most one Issuer");
        }
        List<Element> direct = SamlDom.childElements(response).stream()
                .filter(e -> SamlDom.is(e, ASSERTION, "Assertion") || SamlDom.is(e, ASSERTION, "EncryptedAssertion"))
                .toList();
        if (direct.size() != 1) {
            return Checked.failed(RejectReason.SAML_ASSERTION_COUNT,
                    "the Response carries " + direct.size() + " assertions; exactly one is accepted");
        }
        return onlyAssertionInDocument(assertionsInDocument, direct.getFirst())
                ? Checked.passed(direct.getFirst())
                : Checked.failed(RejectReason.SAML_ASSERTION_COUNT,
                        "an assertion appears elsewhere than directly in the Response");
    }

    /**
     * True when the given element is the document's only saml:Assertion or saml:EncryptedAssertion
     * (an Assertion inside it, or an EncryptedAssertion around it after decryption, counts as itself),
     * given how many of them {@link #registerUniqueIds} counted in the whole document.
     */
    public static boolean onlyAssertionInDocument(int assertionsInDocument, Element assertion) {
        boolean decryptedInPlace = SamlDom.is(assertion, ASSERTION, "Assertion")
                && SamlDom.is(assertion.getParentNode(), ASSERTION, "EncryptedAssertion");
        return assertionsInDocument == (decryptedInPlace ? 2 : 1);
    }

    /**
     * Refuses duplicate IDs anywhere in the document and registers every SAML ID attribute as an XML
     * ID, so that a signature's "#id" reference resolves to exactly one element; the value is the
     * number of saml:Assertion and saml:EncryptedAssertion elements anywhere in the document.
     */
    // One walk in document order, by parent and sibling links, does all three: the whole document
    // is visited once instead of three times.
    public static Checked<Integer> registerUniqueIds(Document document) {
        Set<String> seen = new HashSet<>();
        int assertions = 0;
        Element root = document.getDocumentElement();
        Node node = root;
        int depth = 1;
        while (node != null) {
            Element element = (Element) node;
            if (depth > MAX_DEPTH) {
                return Checked.failed(RejectReason.SAML_MALFORMED, "the response is nested too deeply");
            }
            if (SamlDom.is(element, ASSERTION, "Assertion") || SamlDom.is(element, ASSERTION, "EncryptedAssertion")) {
                assertions++;
            }
            NamedNodeMap attributes = element.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr attr = (Attr) attributes.item(i);
                if (attr.getNamespaceURI() == null && isIdName(attr.getLocalName() == null
                        ? attr.getName() : attr.getLocalName())) {
                    if (!seen.add(attr.getValue())) {
                        return Checked.failed(RejectReason.SAML_DUPLICATE_ID,
                                "the ID " + SamlDom.quote(attr.getValue()) + " is used by more than one element");
                    }
                    if (attr.getName().equals("ID")) {
                        element.setIdAttributeNode(attr, true);
                    }
                }
            }
            // next element in document order: the first child element, else the next sibling
            // element of this node or of its nearest ancestor that has one
            Node next = firstElement(element.getFirstChild());
            if (next != null) {
                depth++;
            } else {
                for (Node up = element; up != root; up = up.getParentNode(), depth--) {
                    next = firstElement(up.getNextSibling());
                    if (next != null) {
                        break;
                    }
                }
            }
            node = next;
        }
        return Checked.passed(assertions);
    }

    private static Node firstElement(Node from) {
        Node n = from;
        while (n != null && n.getNodeType() != Node.ELEMENT_NODE) {
            n = n.getNextSibling();
        }
        return n;
    }

    private static boolean isIdName(String name) {
        return name.equals("ID") || name.equals("Id") || name.equals("id");
    }
}
