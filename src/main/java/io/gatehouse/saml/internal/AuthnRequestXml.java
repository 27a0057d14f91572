package io.gatehouse.saml.internal;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.Deflater;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
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
 * Writes an AuthnRequest and encodes it for a binding: deflated, base64 and signed over the query
 * string for HTTP-Redirect; base64 with an enveloped XML signature for HTTP-POST.
 */
public final class AuthnRequestXml {
    public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    private static final String PASSWORD_PROTECTED =
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

    static {
        org.apache.xml.security.Init.init();
    }

    /** What goes into one AuthnRequest. */
    public record Request(String id, Instant issueInstant, String destination, String acsUrl, String spEntityId,
                          Optional<String> nameIdFormat, boolean forceAuthn, boolean requestAuthnContext) {
    }

    private AuthnRequestXml() {
    }

    public static Document document(Request r) {
        Document doc = newDocument();
        Element root = doc.createElementNS(PROTOCOL, "samlp:AuthnRequest");
        root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:saml", ASSERTION);
        root.setAttribute("ID", r.id());
        root.setAttribute("Version", "2.0");
        root.setAttribute("IssueInstant", r.issueInstant().truncatedTo(ChronoUnit.SECONDS).toString());
        root.setAttribute("Destination", r.destination());
        root.setAttribute("AssertionConsumerServiceURL", r.acsUrl());
        root.setAttribute("ProtocolBinding", POST_BINDING);
        if (r.forceAuthn()) {
            root.setAttribute("ForceAuthn", "true");
        }
        doc.appendChild(root);
        Element issuer = doc.createElementNS(ASSERTION, "saml:Issuer");
        issuer.setTextContent(r.spEntityId());
        root.appendChild(issuer);
        Element policy = doc.createElementNS(PROTOCOL, "samlp:NameIDPolicy");
        r.nameIdFormat().ifPresent(f -> policy.setAttribute("Format", f));
        policy.setAttribute("AllowCreate", "true");
        root.appendChild(policy);
        if (r.requestAuthnContext()) {
            // "minimum", not "exact": a user who also passed MFA must not be refused
            Element context = doc.createElementNS(PROTOCOL, "samlp:RequestedAuthnContext");
            context.setAttribute("Comparison", "minimum");
            Element classRef = doc.createElementNS(ASSERTION, "saml:AuthnContextClassRef");
            classRef.setTextContent(PASSWORD_PROTECTED);
            context.appendChild(classRef);
            root.appendChild(context);
        }
        return doc;
    }

    /** HTTP-Redirect: the query string (SAMLRequest, RelayState, and when signing SigAlg and Signature). */
    public static String redirectQuery(Document doc, String relayState, Optional<KeyAndCertificate> signer,
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
        String query = "SAMLRequest=" + encode(Base64.getEncoder().encodeToString(out.toByteArray()))
                + "&RelayState=" + encode(relayState);
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
            throw new IllegalStateException("signing the AuthnRequest failed: " + e.getClass().getSimpleName());
        }
    }

    /** HTTP-POST: the base64 request, with an enveloped signature over the root when signing. */
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
                throw new IllegalStateException("signing the AuthnRequest failed: " + e.getClass().getSimpleName());
            }
        }
        return Base64.getEncoder().encodeToString(serialize(doc));
    }

    /** An RSA key cannot make an ECDSA signature (and the reverse): the key decides the family. */
    static SignatureAlgorithm compatible(SignatureAlgorithm wanted, PrivateKey key) {
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

    private static Document newDocument() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] serialize(Document doc) {
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
