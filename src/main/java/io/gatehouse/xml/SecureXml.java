package io.gatehouse.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The only XML parser configuration Gatehouse uses: namespace-aware DOM with any DOCTYPE refused,
 * which rules out DTDs, external entities (XXE) and entity expansion (billion laughs) at once.
 */
public final class SecureXml {
    private static final DocumentBuilderFactory FACTORY = factory();
    /** Builders are costly to make and not thread-safe; requests run on virtual threads, so a pool, not a ThreadLocal. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<DocumentBuilder> BUILDERS =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private SecureXml() {
    }

    public static Document parse(String xml, int maxBytes) throws XmlRejected {
        return parse(xml.getBytes(StandardCharsets.UTF_8), maxBytes);
    }

    public static Document parse(byte[] xml, int maxBytes) throws XmlRejected {
        if (xml.length > maxBytes) {
            throw new XmlRejected("xml.too_large", "the document is larger than " + maxBytes / 1024 + " KiB");
        }
        DocumentBuilder pooled = BUILDERS.poll();
        DocumentBuilder builder = pooled != null ? pooled : newBuilder();
        builder.reset();
        builder.setErrorHandler(SILENT);
        try {
            return builder.parse(new ByteArrayInputStream(stripBom(xml)));
        } catch (SAXParseException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("DOCTYPE")) {
                throw new XmlRejected("xml.doctype_not_allowed", "DOCTYPE declarations are not allowed");
            }
            throw new XmlRejected("xml.malformed", "not well-formed XML (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ")");
        } catch (SAXException | IOException e) {
            throw new XmlRejected("xml.malformed", "not well-formed XML");
        } finally {
            if (BUILDERS.size() < 32) {
                BUILDERS.offer(builder);
            }
        }
    }

    /**
     * The whole text of an element: every text and CDATA descendant concatenated, so a comment or
     * a split text node cannot cut a value short (the classic NameID truncation attack).
     */
    public static String fullText(Element element) {
        StringBuilder out = new StringBuilder();
        appendText(element, out);
        return out.toString();
    }

    private static void appendText(Node node, StringBuilder out) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            switch (child.getNodeType()) {
                case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> out.append(child.getNodeValue());
                case Node.ELEMENT_NODE -> appendText(child, out);
                default -> {
                }
            }
        }
    }

    private static byte[] stripBom(byte[] xml) {
        if (xml.length >= 3 && (xml[0] & 0xff) == 0xef && (xml[1] & 0xff) == 0xbb && (xml[2] & 0xff) == 0xbf) {
            return java.util.Arrays.copyOfRange(xml, 3, xml.length);
        }
        return xml;
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setIgnoringComments(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The XML parser cannot be secured", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static DocumentBuilder newBuilder() {
        try {
            synchronized (FACTORY) {
                return FACTORY.newDocumentBuilder();
            }
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
