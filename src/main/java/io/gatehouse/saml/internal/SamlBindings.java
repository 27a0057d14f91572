package io.gatehouse.saml.internal;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The SAML bindings for messages Gatehouse sends and receives outside the ACS: HTTP-Redirect
 * (deflate, base64, a detached signature over the query) and HTTP-POST (base64, enveloped signature).
 */
public final class SamlBindings {
    /** Inflated size cap: a deflate bomb must not fill the heap. */
    public static final int MAX_INFLATED_BYTES = 256 * 1024;

    static {
        org.apache.xml.security.Init.init();
    }

    private SamlBindings() {
    }

    /** HTTP-Redirect: the query string (the message, RelayState, and when signing SigAlg and Signature). */
    public static String redirectQuery(String parameter, Document doc, String relayState, Optional<KeyAndCertificate> signer,
                                       SignatureAlgorithm algorithm) {
        byte[] xml = serialize(doc);
        Deflater deflater = new Deflater(Deflater.DEFLATED, true);
        deflater.setInput(xml);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        String query = parameter + "=" + encode(Base64.getEncoder().encodeToString(out.toByteArray()))
                + (relayState == null || relayState.isEmpty() ? "" : "&RelayState=" + encode(relayState));
        if (signer.isEmpty()) {
            return query;
        }
        SignatureAlgorithm alg = compatible(algorithm, signer.get().privateKey());
        query += "&SigAlg=" + encode(alg.uri());
        try {
            Signature signature = Signature.getInstance(jcaName(alg));
            signature.initSign(signer.get().privateKey());
            // the bindings spec signs the URL-encoded query exactly as sent
            signature.update(query.getBytes(StandardCharsets.US_ASCII));
            return query + "&Signature=" + encode(Base64.getEncoder().encodeToString(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing the SAML message failed: " + e.getClass().getSimpleName());
        }
    }

    /** HTTP-POST: the base64 message, with an enveloped signature over the root (after its Issuer) when signing. */
    public static String postValue(Document doc, Optional<KeyAndCertificate> signer, SignatureAlgorithm algorithm) {
        if (signer.isPresent()) {
            Element root = doc.getDocumentElement();
            root.setIdAttributeNS(null, "ID", true);
            try {
                XMLSignature signature = new XMLSignature(doc, "",
                        compatible(algorithm, signer.get().privateKey()).uri(),
                        Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
                // the signature goes right after the Issuer, as the SAML schema wants
                root.insertBefore(signature.getElement(), root.getFirstChild().getNextSibling());
                Transforms transforms = new Transforms(doc);
                transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
                transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
                signature.addDocument("#" + root.getAttribute("ID"), transforms, MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
                signature.addKeyInfo(signer.get().certificate());
                signature.sign(signer.get().privateKey());
            } catch (XMLSecurityException e) {
                throw new IllegalStateException("signing the SAML message failed: " + e.getClass().getSimpleName());
            }
        }
        return Base64.getEncoder().encodeToString(serialize(doc));
    }

    /** An RSA key cannot make an ECDSA signature (and the reverse): the key decides the family. */
    public static SignatureAlgorithm compatible(SignatureAlgorithm wanted, PrivateKey key) {
        boolean rsaKey = key instanceof RSAPrivateKey;
        boolean rsaAlg = wanted.wireName().startsWith("rsa");
        if (rsaKey == rsaAlg) {
            return wanted;
        }
        return rsaKey ? SignatureAlgorithm.RSA_SHA256 : SignatureAlgorithm.ECDSA_SHA256;
    }

    private static String jcaName(SignatureAlgorithm alg) {
        return switch (alg) {
            case RSA_SHA256 -> "SHA256withRSA";
            case RSA_SHA384 -> "SHA384withRSA";
            case RSA_SHA512 -> "SHA512withRSA";
            case RSA_SHA1 -> "SHA1withRSA";
            // XML signatures carry ECDSA as r||s, not DER
            case ECDSA_SHA256 -> "SHA256withECDSAinP1363Format";
            case ECDSA_SHA384 -> "SHA384withECDSAinP1363Format";
            case ECDSA_SHA512 -> "SHA512withECDSAinP1363Format";
        };
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** An HTTP-Redirect message: base64, then raw deflate, refused past the size cap. */
    public static Optional<byte[]> inflate(String base64) {
        byte[] deflated;
        try {
            deflated = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    return Optional.empty();
                }
            }
            return Optional.of(out.toByteArray());
        } catch (DataFormatException e) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
    }

    /** The query's parameters, still URL-encoded exactly as received (the signature covers those bytes). */
    public static Map<String, String> rawParameters(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    public static String decoded(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    /**
     * Whether an HTTP-Redirect message's detached signature verifies with one of the certificates:
     * the signed octets are "message=..&RelayState=..&SigAlg=.." as received.
     */
    public static boolean redirectSignatureVerifies(Map<String, String> raw, String messageParameter,
                                                    List<X509Certificate> certificates, boolean allowSha1) {
        String sigAlg = raw.get("SigAlg");
        String signature = raw.get("Signature");
        if (sigAlg == null || signature == null || !raw.containsKey(messageParameter)) {
            return false;
        }
        Optional<SignatureAlgorithm> alg = java.util.Arrays.stream(SignatureAlgorithm.values())
                .filter(a -> a.uri().equals(decoded(sigAlg))).findFirst();
        if (alg.isEmpty() || (alg.get() == SignatureAlgorithm.RSA_SHA1 && !allowSha1)) {
            return false;
        }
        String signed = messageParameter + "=" + raw.get(messageParameter)
                + (raw.containsKey("RelayState") ? "&RelayState=" + raw.get("RelayState") : "")
                + "&SigAlg=" + sigAlg;
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getMimeDecoder().decode(decoded(signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (X509Certificate certificate : certificates) {
            try {
                Signature verifier = Signature.getInstance(jcaName(alg.get()));
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
                if (verifier.verify(signatureBytes)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // a key of the other family, or a malformed signature: try the next certificate
            }
        }
        return false;
    }

    public static byte[] serialize(Document doc) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
