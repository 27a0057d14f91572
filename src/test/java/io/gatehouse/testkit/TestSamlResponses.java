package io.gatehouse.testkit;

import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.saml.SamlExpectation;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.encryption.EncryptedData;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.keys.KeyInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.transforms.params.XPathContainer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Real SAML 2.0 Responses as Okta sends them, signed and encrypted with Santuario, one knob per field. */
// keys come from TestCertificates (generated per run) and every time is relative to the given now
public final class TestSamlResponses {
    public static final String IDP_ENTITY_ID = "http://www.okta.com/exk1acme";
    public static final String SP_ENTITY_ID = "https://gatehouse.example.com/saml/acme/okta";
    public static final String ACS_URL = "https://gatehouse.example.com/saml/acme/okta/acs";
    public static final String SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
    public static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    public static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

    static {
        Init.init();
    }

    private TestSamlResponses() {
    }

    /** An Okta-style response for the IdP key, answering {@code requestId}, at {@code now}. */
    public static Builder okta(KeyAndCertificate idp, String requestId, Instant now) {
        return new Builder(idp, requestId, now);
    }

    /** What the SP expects from that IdP at that moment: assertions signed, SP-initiated, pinned trust. */
    public static ExpectationBuilder expectation(X509Certificate idpCertificate, String requestId, Instant now) {
        return new ExpectationBuilder(idpCertificate, requestId, now);
    }

    public static String newId() {
        return "id" + HexFormat.of().formatHex(randomBytes(16));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** The transforms of a signature's reference. */
    public enum TransformStyle {
        /** enveloped-signature, exclusive c14n: what every IdP does */
        STANDARD,
        /** an XPath filter before exclusive c14n */
        XPATH,
        /** an identity XSLT stylesheet before exclusive c14n */
        XSLT
    }

    /** How to sign one element: SignedInfo's canonicalization, and the one after enveloped-signature in the reference. */
    public record Signing(KeyAndCertificate key, Optional<X509Certificate> keyInfoCertificate, String algorithm,
                          String digest, TransformStyle transforms, Optional<String> referenceUri,
                          String canonicalization, String referenceCanonicalization) {
        public static Signing with(KeyAndCertificate key) {
            String algorithm = key.privateKey().getAlgorithm().equals("EC") ? ECDSA_SHA256 : RSA_SHA256;
            return new Signing(key, Optional.of(key.certificate()), algorithm,
                    MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256, TransformStyle.STANDARD, Optional.empty(),
                    Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        }

        public Signing keyInfo(X509Certificate certificate) {
            return new Signing(key, Optional.ofNullable(certificate), algorithm, digest, transforms, referenceUri,
                    canonicalization, referenceCanonicalization);
        }

        public Signing algorithm(String signatureAlgorithm, String digestAlgorithm) {
            return new Signing(key, keyInfoCertificate, signatureAlgorithm, digestAlgorithm, transforms, referenceUri,
                    canonicalization, referenceCanonicalization);
        }

        public Signing transforms(TransformStyle style) {
            return new Signing(key, keyInfoCertificate, algorithm, digest, style, referenceUri, canonicalization,
                    referenceCanonicalization);
        }

        /** Reference this URI instead of "#" + the signed element's ID. */
        public Signing referenceUri(String uri) {
            return new Signing(key, keyInfoCertificate, algorithm, digest, transforms, Optional.of(uri),
                    canonicalization, referenceCanonicalization);
        }

        /** SignedInfo's CanonicalizationMethod. */
        public Signing canonicalization(String algorithmUri) {
            return new Signing(key, keyInfoCertificate, algorithm, digest, transforms, referenceUri, algorithmUri,
                    referenceCanonicalization);
        }

        /** The canonicalization transform of the reference, after enveloped-signature. */
        public Signing referenceCanonicalization(String algorithmUri) {
            return new Signing(key, keyInfoCertificate, algorithm, digest, transforms, referenceUri, canonicalization,
                    algorithmUri);
        }
    }

    /** A response under construction; null for an optional field leaves it out. */
    public static final class Builder {
        private final Instant now;
        private String responseId = newId();
        private String assertionId = newId();
        private String responseIssuer = IDP_ENTITY_ID;
        private String assertionIssuer = IDP_ENTITY_ID;
        private String destination = ACS_URL;
        private String recipient = ACS_URL;
        private List<String> audiences = List.of(SP_ENTITY_ID);
        private String responseInResponseTo;
        private String subjectInResponseTo;
        private Instant notBefore;
        private Instant notOnOrAfter;
        private Instant subjectNotOnOrAfter;
        private Instant authnInstant;
        private String sessionIndex = "_session" + HexFormat.of().formatHex(randomBytes(6));
        private String statusCode = "urn:oasis:names:tc:SAML:2.0:status:Success";
        private String secondStatusCode;
        private String nameId = "alice@acme.example";
        private String nameIdFormat = EMAIL_FORMAT;
        private String spNameQualifier;
        private String issuerFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
        private Instant responseIssueInstant;
        private Instant assertionIssueInstant;
        private final Map<String, List<String>> attributes = new LinkedHashMap<>();
        private Signing responseSigning;
        private Signing assertionSigning;
        private X509Certificate encryptFor;
        private String contentCipher = XMLCipher.AES_256_GCM;

        Builder(KeyAndCertificate idp, String requestId, Instant now) {
            this.now = now.truncatedTo(ChronoUnit.SECONDS);
            this.responseInResponseTo = requestId;
            this.subjectInResponseTo = requestId;
            this.notBefore = this.now.minus(Duration.ofMinutes(5));
            this.notOnOrAfter = this.now.plus(Duration.ofMinutes(5));
            this.subjectNotOnOrAfter = this.now.plus(Duration.ofMinutes(5));
            this.authnInstant = this.now.minus(Duration.ofSeconds(2));
            this.responseIssueInstant = this.now;
            this.assertionIssueInstant = this.now;
            this.assertionSigning = Signing.with(idp);
            attributes.put("firstName", List.of("Alice"));
            attributes.put("lastName", List.of("Liddell"));
            attributes.put("groups", List.of("Everyone", "Engineering"));
        }

        public Instant now() {
            return now;
        }

        public String responseId() {
            return responseId;
        }

        public String assertionId() {
            return assertionId;
        }

        public Builder responseId(String id) { responseId = id; return this; }
        public Builder assertionId(String id) { assertionId = id; return this; }
        public Builder issuer(String issuer) { responseIssuer = issuer; assertionIssuer = issuer; return this; }
        public Builder responseIssuer(String issuer) { responseIssuer = issuer; return this; }
        public Builder assertionIssuer(String issuer) { assertionIssuer = issuer; return this; }
        public Builder destination(String url) { destination = url; return this; }
        public Builder recipient(String url) { recipient = url; return this; }
        public Builder audiences(String... values) { audiences = List.of(values); return this; }
        public Builder inResponseTo(String id) { responseInResponseTo = id; subjectInResponseTo = id; return this; }
        public Builder responseInResponseTo(String id) { responseInResponseTo = id; return this; }
        public Builder subjectInResponseTo(String id) { subjectInResponseTo = id; return this; }
        public Builder notBefore(Instant t) { notBefore = t; return this; }
        public Builder notOnOrAfter(Instant t) { notOnOrAfter = t; return this; }
        public Builder subjectNotOnOrAfter(Instant t) { subjectNotOnOrAfter = t; return this; }
        public Builder authnInstant(Instant t) { authnInstant = t; return this; }
        public Builder sessionIndex(String s) { sessionIndex = s; return this; }
        public Builder status(String code, String second) { statusCode = code; secondStatusCode = second; return this; }
        public Builder nameId(String value, String format) { nameId = value; nameIdFormat = format; return this; }
        /** The NameID's SPNameQualifier (null: left out, as by default). */
        public Builder spNameQualifier(String value) { spNameQualifier = value; return this; }
        /** The Format of both Issuers (null: left out; entity by default). */
        public Builder issuerFormat(String format) { issuerFormat = format; return this; }
        public Builder responseIssueInstant(Instant t) { responseIssueInstant = t; return this; }
        public Builder assertionIssueInstant(Instant t) { assertionIssueInstant = t; return this; }
        public Builder noAttributes() { attributes.clear(); return this; }
        public Builder attribute(String name, String... values) { attributes.put(name, List.of(values)); return this; }
        /** Sign the Response (null: leave it unsigned). */
        public Builder signResponse(Signing signing) { responseSigning = signing; return this; }
        /** Sign the Assertion (null: leave it unsigned); signed with the IdP key by default. */
        public Builder signAssertion(Signing signing) { assertionSigning = signing; return this; }
        /** Encrypt the assertion for this SP certificate (RSA-OAEP, AES-256-GCM by default). */
        public Builder encryptFor(X509Certificate spCertificate) { encryptFor = spCertificate; return this; }
        public Builder contentCipher(String algorithmUri) { contentCipher = algorithmUri; return this; }

        /** The response as a DOM: assertion signed, then encrypted, then the response signed. */
        public Document document() {
            Document document = parse(xml(assertionXml()));
            Element response = document.getDocumentElement();
            Element assertion = firstChild(response, SAML, "Assertion");
            if (assertionSigning != null) {
                sign(assertion, assertionSigning);
            }
            if (encryptFor != null) {
                encrypt(assertion, encryptFor, contentCipher);
            }
            if (responseSigning != null) {
                sign(response, responseSigning);
            }
            return document;
        }

        /** The response as XML text. */
        public String xml() {
            return serialize(document());
        }

        /** The response as posted to the ACS. */
        public String base64() {
            return TestSamlResponses.base64(document());
        }

        /** The unsigned assertion alone, e.g. to inject a second one. */
        public String assertionXml() {
            StringBuilder attrs = new StringBuilder();
            attributes.forEach((name, values) -> {
                attrs.append("<saml2:Attribute Name=\"").append(esc(name))
                        .append("\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified\">");
                values.forEach(v -> attrs.append("<saml2:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
                        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">")
                        .append(esc(v)).append("</saml2:AttributeValue>"));
                attrs.append("</saml2:Attribute>");
            });
            return "<saml2:Assertion xmlns:saml2=\"" + SAML + "\" ID=\"" + esc(assertionId) + "\" IssueInstant=\""
                    + assertionIssueInstant + "\" Version=\"2.0\">"
                    + (assertionIssuer == null ? "" : "<saml2:Issuer" + attr("Format", issuerFormat) + ">"
                    + esc(assertionIssuer) + "</saml2:Issuer>")
                    + "<saml2:Subject>"
                    + (nameId == null ? "" : "<saml2:NameID" + attr("Format", nameIdFormat)
                    + attr("SPNameQualifier", spNameQualifier) + ">" + esc(nameId) + "</saml2:NameID>")
                    + "<saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
                    + "<saml2:SubjectConfirmationData" + attr("InResponseTo", subjectInResponseTo)
                    + attr("NotOnOrAfter", subjectNotOnOrAfter) + attr("Recipient", recipient) + "/>"
                    + "</saml2:SubjectConfirmation></saml2:Subject>"
                    + "<saml2:Conditions" + attr("NotBefore", notBefore) + attr("NotOnOrAfter", notOnOrAfter) + ">"
                    + (audiences.isEmpty() ? "" : "<saml2:AudienceRestriction>"
                    + audiences.stream().map(a -> "<saml2:Audience>" + esc(a) + "</saml2:Audience>").reduce("", String::concat)
                    + "</saml2:AudienceRestriction>")
                    + "</saml2:Conditions>"
                    + "<saml2:AuthnStatement" + attr("AuthnInstant", authnInstant) + attr("SessionIndex", sessionIndex) + ">"
                    + "<saml2:AuthnContext><saml2:AuthnContextClassRef>"
                    + "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
                    + "</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>"
                    + (attrs.isEmpty() ? "" : "<saml2:AttributeStatement>" + attrs + "</saml2:AttributeStatement>")
                    + "</saml2:Assertion>";
        }

        private String xml(String assertion) {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<saml2p:Response xmlns:saml2p=\"" + SAMLP + "\"" + attr("Destination", destination)
                    + " ID=\"" + esc(responseId) + "\"" + attr("InResponseTo", responseInResponseTo)
                    + " IssueInstant=\"" + responseIssueInstant + "\" Version=\"2.0\">"
                    + (responseIssuer == null ? "" : "<saml2:Issuer xmlns:saml2=\"" + SAML
                    + "\"" + attr("Format", issuerFormat) + ">" + esc(responseIssuer) + "</saml2:Issuer>")
                    + "<saml2p:Status><saml2p:StatusCode Value=\"" + esc(statusCode) + "\""
                    + (secondStatusCode == null ? "/>" : "><saml2p:StatusCode Value=\"" + esc(secondStatusCode) + "\"/></saml2p:StatusCode>")
                    + "</saml2p:Status>"
                    + assertion
                    + "</saml2p:Response>";
        }
    }

    /** A test expectation with secure defaults and one setter per knob. */
    public static final class ExpectationBuilder {
        private String spEntityId = SP_ENTITY_ID;
        private String acsUrl = ACS_URL;
        private String idpEntityId = IDP_ENTITY_ID;
        private CertificateTrust trust;
        private boolean wantResponseSigned;
        private boolean wantAssertionsSigned = true;
        private boolean allowSha1;
        private boolean allowIdpInitiated;
        private int clockSkewSeconds = 60;
        private String inResponseTo;
        private Instant requestSentAt;
        private final List<PrivateKey> decryptionKeys = new ArrayList<>();
        private List<io.gatehouse.idp.Mapper> mappers = List.of();
        private Instant now;

        ExpectationBuilder(X509Certificate idpCertificate, String requestId, Instant now) {
            this.trust = new CertificateTrust.Pinned(List.of(TestCertificates.pem(idpCertificate)));
            this.inResponseTo = requestId;
            this.now = now.truncatedTo(ChronoUnit.SECONDS);
            // the user took half a minute at the IdP's login page
            this.requestSentAt = this.now.minusSeconds(30);
        }

        public ExpectationBuilder pinned(X509Certificate... certificates) {
            trust = new CertificateTrust.Pinned(java.util.Arrays.stream(certificates).map(TestCertificates::pem).toList());
            return this;
        }

        public ExpectationBuilder fingerprint(FingerprintAlgorithm algorithm, X509Certificate certificate) {
            trust = new CertificateTrust.Fingerprint(algorithm, algorithm.fingerprint(certificate));
            return this;
        }

        public ExpectationBuilder spEntityId(String v) { spEntityId = v; return this; }
        public ExpectationBuilder acsUrl(String v) { acsUrl = v; return this; }
        public ExpectationBuilder idpEntityId(String v) { idpEntityId = v; return this; }
        public ExpectationBuilder wantResponseSigned(boolean v) { wantResponseSigned = v; return this; }
        public ExpectationBuilder wantAssertionsSigned(boolean v) { wantAssertionsSigned = v; return this; }
        public ExpectationBuilder allowSha1(boolean v) { allowSha1 = v; return this; }
        public ExpectationBuilder allowIdpInitiated(boolean v) { allowIdpInitiated = v; return this; }
        public ExpectationBuilder clockSkewSeconds(int v) { clockSkewSeconds = v; return this; }
        /** The request this sign-in sent; null for an IdP-initiated sign-in. */
        public ExpectationBuilder inResponseTo(String v) { inResponseTo = v; return this; }
        public ExpectationBuilder decryptionKeys(PrivateKey... keys) {
            decryptionKeys.clear();
            decryptionKeys.addAll(List.of(keys));
            return this;
        }
        /** When the request was sent (30 s before now unless set). */
        public ExpectationBuilder requestSentAt(Instant v) { requestSentAt = v; return this; }
        /** The provider's mappers, whose sources the profile reads too (none unless set). */
        public ExpectationBuilder mappers(io.gatehouse.idp.Mapper... v) { mappers = List.of(v); return this; }
        public ExpectationBuilder now(Instant v) { now = v; return this; }

        public SamlExpectation build() {
            return new SamlExpectation(spEntityId, acsUrl, Optional.ofNullable(idpEntityId), trust, wantResponseSigned, wantAssertionsSigned,
                    allowSha1, allowIdpInitiated, clockSkewSeconds,
                    Optional.ofNullable(inResponseTo).map(id -> new SamlExpectation.SentRequest(id, requestSentAt)),
                    decryptionKeys, SamlExpectation.ReadAttributes.of(mappers), now);
        }
    }

    /** Signs an element in place, the Signature placed after its Issuer as the SAML schema orders it. */
    public static void sign(Element element, Signing signing) {
        try {
            Document document = element.getOwnerDocument();
            registerIds(document.getDocumentElement());
            XMLSignature signature = new XMLSignature(document, "", signing.algorithm(), signing.canonicalization());
            Element issuer = firstChild(element, SAML, "Issuer");
            Node before = issuer != null ? issuer.getNextSibling() : element.getFirstChild();
            element.insertBefore(signature.getElement(), before);
            Transforms transforms = new Transforms(document);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            switch (signing.transforms()) {
                case STANDARD -> {
                }
                case XPATH -> {
                    XPathContainer xpath = new XPathContainer(document);
                    xpath.setXPath("not(ancestor-or-self::*[local-name()='Signature'])");
                    transforms.addTransform(Transforms.TRANSFORM_XPATH, xpath.getElementPlusReturns());
                }
                case XSLT -> {
                    // Santuario itself refuses XSLT under secure validation; the attacker's signer does not
                    transforms.setSecureValidation(false);
                    transforms.addTransform(Transforms.TRANSFORM_XSLT, identityStylesheet(document));
                }
            }
            transforms.addTransform(signing.referenceCanonicalization());
            signature.addDocument(signing.referenceUri().orElse("#" + element.getAttribute("ID")), transforms,
                    signing.digest());
            if (signing.keyInfoCertificate().isPresent()) {
                signature.addKeyInfo(signing.keyInfoCertificate().get());
            }
            signature.sign(signing.key().privateKey());
        } catch (Exception e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    private static void registerIds(Element element) {
        if (element.hasAttributeNS(null, "ID")) {
            element.setIdAttributeNS(null, "ID", true);
        }
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                registerIds(child);
            }
        }
    }

    private static Element identityStylesheet(Document document) {
        String xsl = "http://www.w3.org/1999/XSL/Transform";
        Element stylesheet = document.createElementNS(xsl, "xsl:stylesheet");
        stylesheet.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xsl", xsl);
        stylesheet.setAttribute("version", "1.0");
        Element template = document.createElementNS(xsl, "xsl:template");
        template.setAttribute("match", "@*|node()");
        Element copy = document.createElementNS(xsl, "xsl:copy");
        Element apply = document.createElementNS(xsl, "xsl:apply-templates");
        apply.setAttribute("select", "@*|node()");
        copy.appendChild(apply);
        template.appendChild(copy);
        stylesheet.appendChild(template);
        return stylesheet;
    }

    /** Replaces an Assertion with an EncryptedAssertion for the SP certificate (RSA-OAEP key transport). */
    public static void encrypt(Element assertion, X509Certificate spCertificate, String contentCipher) {
        try {
            Document document = assertion.getOwnerDocument();
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(contentCipher.contains("128") ? 128 : 256);
            SecretKey contentKey = generator.generateKey();
            XMLCipher keyCipher = XMLCipher.getInstance(XMLCipher.RSA_OAEP);
            keyCipher.init(XMLCipher.WRAP_MODE, spCertificate.getPublicKey());
            EncryptedKey encryptedKey = keyCipher.encryptKey(document, contentKey);
            XMLCipher dataCipher = XMLCipher.getInstance(contentCipher);
            dataCipher.init(XMLCipher.ENCRYPT_MODE, contentKey);
            EncryptedData data = dataCipher.getEncryptedData();
            KeyInfo keyInfo = new KeyInfo(document);
            keyInfo.add(encryptedKey);
            data.setKeyInfo(keyInfo);
            Element wrapper = document.createElementNS(SAML, "saml2:EncryptedAssertion");
            wrapper.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml2", SAML);
            assertion.getParentNode().replaceChild(wrapper, assertion);
            wrapper.appendChild(assertion);
            dataCipher.doFinal(document, assertion, false);
        } catch (Exception e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String serialize(Document document) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String base64(Document document) {
        return base64(serialize(document));
    }

    public static String base64(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The first child element with that name, or null. */
    public static Element firstChild(Element parent, String namespace, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    /** The first descendant element with that name, or null. */
    public static Element find(Document document, String namespace, String localName) {
        return (Element) document.getElementsByTagNameNS(namespace, localName).item(0);
    }

    private static String attr(String name, Object value) {
        return value == null ? "" : " " + name + "=\"" + esc(value.toString()) + "\"";
    }

    private static String esc(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
