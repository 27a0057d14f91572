package io.gatehouse.xml;

/** An XML document refused before or while parsing; the message never quotes the document. */
public final class XmlRejected extends Exception {
    private final String code;

    public XmlRejected(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
