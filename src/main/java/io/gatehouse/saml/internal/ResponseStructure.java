package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import io.gatehouse.saml.SamlRejectReason;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
    private static final List<String> ID_ATTRIBUTES = List.of("ID", "Id", "id");

    private ResponseStructure() {
    }

    /** The Response's only assertion or encrypted assertion. */
    public static Checked<Element> inspect(Document document) {
        Element response = document.getDocumentElement();
        if (!SamlDom.is(response, PROTOCOL, "Response")) {
            return Checked.failed(SamlRejectReason.MALFORMED, "the root element is not a samlp:Response");
        }
        if (!"2.0".equals(response.getAttributeNS(null, "Version"))) {
            return Checked.failed(SamlRejectReason.MALFORMED, "the Response is not SAML version 2.0");
        }
        if (SamlDom.attribute(response, "ID").isEmpty()) {
            return Checked.failed(SamlRejectReason.MALFORMED, "the Response has no ID");
        }
        Optional<Checked.Failed<Element>> ids = registerUniqueIds(document);
        if (ids.isPresent()) {
            return ids.get();
        }
        if (SamlDom.children(response, ASSERTION, "Issuer").size() > 1
                || SamlDom.children(response, PROTOCOL, "Status").size() != 1) {
            return Checked.failed(SamlRejectReason.MALFORMED, "the Response needs one Status and at most one Issuer");
        }
        List<Element> direct = SamlDom.childElements(response).stream()
                .filter(e -> SamlDom.is(e, ASSERTION, "Assertion") || SamlDom.is(e, ASSERTION, "EncryptedAssertion"))
                .toList();
        if (direct.size() != 1) {
            return Checked.failed(SamlRejectReason.ASSERTION_COUNT,
                    "the Response carries " + direct.size() + " assertions; exactly one is accepted");
        }
        return onlyAssertionInDocument(document, direct.getFirst())
                ? Checked.passed(direct.getFirst())
                : Checked.failed(SamlRejectReason.ASSERTION_COUNT,
                        "an assertion appears elsewhere than directly in the Response");
    }

    /**
     * True when the given element is the document's only saml:Assertion or saml:EncryptedAssertion
     * (an Assertion inside it, or an EncryptedAssertion around it after decryption, counts as itself).
     */
    public static boolean onlyAssertionInDocument(Document document, Element assertion) {
        int count = document.getElementsByTagNameNS(ASSERTION, "Assertion").getLength()
                + document.getElementsByTagNameNS(ASSERTION, "EncryptedAssertion").getLength();
        boolean decryptedInPlace = SamlDom.is(assertion, ASSERTION, "Assertion")
                && SamlDom.is(assertion.getParentNode(), ASSERTION, "EncryptedAssertion");
        return count == (decryptedInPlace ? 2 : 1);
    }

    /**
     * Refuses duplicate IDs anywhere in the document and registers every SAML ID attribute as an XML
     * ID, so that a signature's "#id" reference resolves to exactly one element.
     */
    public static Optional<Checked.Failed<Element>> registerUniqueIds(Document document) {
        Set<String> seen = new HashSet<>();
        Deque<Node> stack = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        stack.push(document.getDocumentElement());
        depths.push(1);
        while (!stack.isEmpty()) {
            Element element = (Element) stack.pop();
            int depth = depths.pop();
            if (depth > MAX_DEPTH) {
                return Optional.of(Checked.failed(SamlRejectReason.MALFORMED, "the response is nested too deeply"));
            }
            NamedNodeMap attributes = element.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr attr = (Attr) attributes.item(i);
                if (attr.getNamespaceURI() == null && ID_ATTRIBUTES.contains(attr.getLocalName() == null
                        ? attr.getName() : attr.getLocalName())) {
                    if (!seen.add(attr.getValue())) {
                        return Optional.of(Checked.failed(SamlRejectReason.DUPLICATE_ID,
                                "the ID " + SamlDom.quote(attr.getValue()) + " is used by more than one element"));
                    }
                    if (attr.getName().equals("ID")) {
                        element.setIdAttributeNode(attr, true);
                    }
                }
            }
            for (Node n = element.getLastChild(); n != null; n = n.getPreviousSibling()) {
                if (n.getNodeType() == Node.ELEMENT_NODE) {
                    stack.push(n);
                    depths.push(depth + 1);
                }
            }
        }
        return Optional.empty();
    }
}
