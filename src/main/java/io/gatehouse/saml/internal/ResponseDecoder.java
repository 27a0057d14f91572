package io.gatehouse.saml.internal;

import io.gatehouse.signin.RejectReason;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import java.nio.charset.StandardCharsets;
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
            return Checked.failed(RejectReason.SAML_MALFORMED, "no SAMLResponse was posted");
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
            return Checked.failed(RejectReason.SAML_MALFORMED, "the SAMLResponse is not base64");
        }
        if (xml.length > MAX_DECODED_BYTES) {
            return tooLarge();
        }
        try {
            return Checked.passed(SecureXml.parse(xml, MAX_DECODED_BYTES));
        } catch (XmlRejected e) {
            return switch (e.code()) {
                case "xml.too_large" -> tooLarge();
                case "xml.doctype_not_allowed" -> Checked.failed(RejectReason.SAML_MALFORMED,
                        "a DOCTYPE is not allowed in a SAML response (DTDs and entities are refused)");
                default -> Checked.failed(RejectReason.SAML_MALFORMED, e.getMessage());
            };
        }
    }

    private static Checked<Document> tooLarge() {
        return Checked.failed(RejectReason.SAML_TOO_LARGE, "the decoded response exceeds " + MAX_DECODED_BYTES / 1024
                + " KiB");
    }

    private static int base64Length(int bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /**
     * The base64 text without the line breaks and spaces that some IdPs wrap it in, as the bytes the
     * decoder reads. This is the hot path: one bulk copy to bytes (exactly what the decoder's String
     * overload does, a character beyond Latin-1 becoming '?', which no decoder accepts), then one
     * pass that drops whitespace in place; Character.isWhitespace only for bytes that may be some.
     */
    private static byte[] withoutWhitespace(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length != s.length()) {
            // a surrogate pair became one '?': byte i is no longer character i
            return withoutWhitespaceCharByChar(s);
        }
        int n = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b > ' ' && b != '?' || !isWhitespace(b, s.charAt(i))) {
                bytes[n++] = b;
            }
        }
        return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
    }

    private static boolean isWhitespace(byte b, char c) {
        return b >= 0 && b <= ' ' ? Character.isWhitespace((char) b) : b == '?' && Character.isWhitespace(c);
    }

    private static byte[] withoutWhitespaceCharByChar(String s) {
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c)) {
                out[n++] = c <= 0xff ? (byte) c : (byte) '?';
            }
        }
        return Arrays.copyOf(out, n);
    }
}
