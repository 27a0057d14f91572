package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.DSIG;
import static io.gatehouse.saml.internal.SamlDom.XENC;

import io.gatehouse.signin.RejectReason;
import java.security.Key;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.xml.security.Init;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Step 5: an EncryptedAssertion opened in place with Santuario, trying each SP decryption key. */
// Key transport is RSA-OAEP only: RSA PKCS#1 v1.5 invites padding-oracle attacks (Bleichenbacher).
public final class AssertionDecrypter {
    static {
        Init.init();
    }

    private static final Set<String> KEY_TRANSPORTS = Set.of(XMLCipher.RSA_OAEP, XMLCipher.RSA_OAEP_11);
    private static final Set<String> CONTENT_CIPHERS = Set.of(XMLCipher.AES_128_GCM, XMLCipher.AES_192_GCM,
            XMLCipher.AES_256_GCM, XMLCipher.AES_128, XMLCipher.AES_192, XMLCipher.AES_256);

    private AssertionDecrypter() {
    }

    /** The decrypted Assertion, now the only element child of the EncryptedAssertion (besides its keys). */
    public static Checked<Element> decrypt(Element encryptedAssertion, List<PrivateKey> keys) {
        if (keys.isEmpty()) {
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED,
                    "the assertion is encrypted but no SP decryption key is configured");
        }
        List<Element> encryptedData = SamlDom.children(encryptedAssertion, XENC, "EncryptedData");
        if (encryptedData.size() != 1) {
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED,
                    "the EncryptedAssertion must hold exactly one EncryptedData");
        }
        Element data = encryptedData.getFirst();
        String contentCipher = SamlDom.child(data, XENC, "EncryptionMethod")
                .map(m -> m.getAttributeNS(null, "Algorithm")).orElse("");
        if (!CONTENT_CIPHERS.contains(contentCipher)) {
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED, "the content encryption algorithm "
                    + SamlDom.quote(contentCipher) + " is refused; AES-GCM or AES-CBC is required");
        }
        List<Element> encryptedKeys = new ArrayList<>();
        SamlDom.child(data, DSIG, "KeyInfo").ifPresent(ki -> encryptedKeys.addAll(SamlDom.children(ki, XENC,
                "EncryptedKey")));
        encryptedKeys.addAll(SamlDom.children(encryptedAssertion, XENC, "EncryptedKey"));
        List<Element> usable = encryptedKeys.stream().filter(k -> KEY_TRANSPORTS.contains(SamlDom.child(k, XENC,
                "EncryptionMethod").map(m -> m.getAttributeNS(null, "Algorithm")).orElse(""))).toList();
        if (usable.isEmpty()) {
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED, encryptedKeys.isEmpty()
                    ? "the encrypted assertion carries no EncryptedKey"
                    : "the key transport algorithm is refused; RSA-OAEP is required");
        }
        Document document = encryptedAssertion.getOwnerDocument();
        Optional<Key> contentKey = unwrap(document, usable, keys, contentCipher);
        if (contentKey.isEmpty()) {
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED,
                    "none of the SP decryption keys opens the assertion (encrypted for another certificate?)");
        }
        try {
            XMLCipher cipher = XMLCipher.getInstance();
            cipher.setSecureValidation(true);
            cipher.init(XMLCipher.DECRYPT_MODE, contentKey.get());
            cipher.doFinal(document, data);
        } catch (Exception e) {
            // Santuario declares Exception; the cause (a bad tag, bad padding) is not worth more detail
            return Checked.failed(RejectReason.SAML_DECRYPTION_FAILED,
                    "the encrypted assertion content does not decrypt");
        }
        List<Element> content = SamlDom.childElements(encryptedAssertion).stream()
                .filter(e -> !SamlDom.is(e, XENC, "EncryptedKey")).toList();
        if (content.size() != 1 || !SamlDom.is(content.getFirst(), ASSERTION, "Assertion")) {
            return Checked.failed(RejectReason.SAML_ASSERTION_COUNT,
                    "the encrypted assertion does not decrypt to exactly one Assertion");
        }
        return Checked.passed(content.getFirst());
    }

    private static Optional<Key> unwrap(Document document, List<Element> encryptedKeys, List<PrivateKey> keys,
                                        String contentCipher) {
        for (PrivateKey privateKey : keys) {
            for (Element encryptedKey : encryptedKeys) {
                try {
                    XMLCipher cipher = XMLCipher.getInstance();
                    cipher.setSecureValidation(true);
                    cipher.init(XMLCipher.UNWRAP_MODE, privateKey);
                    EncryptedKey loaded = cipher.loadEncryptedKey(document, encryptedKey);
                    return Optional.of(cipher.decryptKey(loaded, contentCipher));
                } catch (Exception e) {
                    // OAEP fails loudly with a wrong key: try the next key
                }
            }
        }
        return Optional.empty();
    }
}
