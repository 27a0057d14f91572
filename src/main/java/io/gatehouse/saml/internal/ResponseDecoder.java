package io.gatehouse.saml.internal;

import io.gatehouse.saml.SamlRejectReason;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import java.util.Arrays;
import java.util.Base64;
import org.w3c.dom.Document;

/** Step 1: the posted SAMLResponse, base64-decoded within a size cap and parsed without DTDs. */
public final class ResponseDecoder {
    /** Decoded size cap; real responses with large group lists stay well under 100 KiB. */
    public static final int MAX_DECODED_BYTES = 256 * 1024;

    private ResponseDecoder() {
    }

    public static Checked<Document> decode(String samlResponse) {
        if (samlResponse == null || samlResponse.isBlank()) {
            return Checked.failed(SamlRejectReason.MALFORMED, "no SAMLResponse was posted");
        }
        // bound the work before stripping whitespace: line breaks at most double the base64 length
        if (samlResponse.length() > 2 * base64Length(MAX_DECODED_BYTES)) {
            return tooLarge();
        }
        byte[] compact = withoutWhitespace(samlResponse);
        if (compact.length > base64Length(MAX_DECODED_BYTES)) {
            return tooLarge();
        }
        byte[] xml;
        try {
            xml = Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            return Checked.failed(SamlRejectReason.MALFORMED, "the SAMLResponse is not base64");
        }
        if (xml.length > MAX_DECODED_BYTES) {
            return tooLarge();
        }
        try {
            return Checked.passed(SecureXml.parse(xml, MAX_DECODED_BYTES));
        } catch (XmlRejected e) {
            return switch (e.code()) {
                case "xml.too_large" -> tooLarge();
                case "xml.doctype_not_allowed" -> Checked.failed(SamlRejectReason.MALFORMED,
                        "a DOCTYPE is not allowed in a SAML response (DTDs and entities are refused)");
                default -> Checked.failed(SamlRejectReason.MALFORMED, e.getMessage());
            };
        }
    }

    private static Checked<Document> tooLarge() {
        return Checked.failed(SamlRejectReason.TOO_LARGE, "the decoded response exceeds " + MAX_DECODED_BYTES / 1024
                + " KiB");
    }

    private static int base64Length(int bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /**
     * The base64 text without the line breaks and spaces that some IdPs wrap it in, as the bytes the
     * decoder reads. This is the hot path: one pass into a byte array, no StringBuilder, no regex.
     */
    private static byte[] withoutWhitespace(String s) {
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (!Character.isWhitespace(c)) {
                    out[n++] = (byte) c;
                }
            } else if (!Character.isWhitespace(c)) {
                // never base64: the decoder refuses it, as it did the character itself
                out[n++] = '?';
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
