package io.gatehouse.saml.internal;

import static io.gatehouse.saml.internal.SamlDom.ASSERTION;
import static io.gatehouse.saml.internal.SamlDom.PROTOCOL;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Writes a SAML Response with a signed Assertion (the IdP's side, for the demo IdP and benchmarks). */
public final class ResponseXml {
    private static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    static {
        org.apache.xml.security.Init.init();
    }

    private ResponseXml() {
    }

    public static Document signed(String issuer, String audience, String acsUrl, Optional<String> inResponseTo,
                                  String nameId, String nameIdFormat, Map<String, List<String>> attributes,
                                  Instant now, Duration validity, String responseId, String assertionId,
                                  String sessionIndex, KeyAndCertificate key, SignatureAlgorithm algorithm) {
        Document doc = AuthnRequestXml.newDocument();
        Element response = doc.createElementNS(PROTOCOL, "samlp:Response");
        response.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:samlp", PROTOCOL);
        response.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:saml", ASSERTION);
        response.setAttribute("ID", responseId);
        response.setAttribute("Version", "2.0");
        response.setAttribute("IssueInstant", now.toString());
        response.setAttribute("Destination", acsUrl);
        inResponseTo.ifPresent(r -> response.setAttribute("InResponseTo", r));
        doc.appendChild(response);
        append(doc, response, ASSERTION, "saml:Issuer", issuer);
        Element status = child(doc, response, PROTOCOL, "samlp:Status");
        child(doc, status, PROTOCOL, "samlp:StatusCode").setAttribute("Value", SamlDom.STATUS_SUCCESS);

        Element assertion = child(doc, response, ASSERTION, "saml:Assertion");
        assertion.setAttribute("ID", assertionId);
        assertion.setAttribute("Version", "2.0");
        assertion.setAttribute("IssueInstant", now.toString());
        append(doc, assertion, ASSERTION, "saml:Issuer", issuer);
        Element subject = child(doc, assertion, ASSERTION, "saml:Subject");
        append(doc, subject, ASSERTION, "saml:NameID", nameId).setAttribute("Format", nameIdFormat);
        Element confirmation = child(doc, subject, ASSERTION, "saml:SubjectConfirmation");
        confirmation.setAttribute("Method", BEARER);
        Element data = child(doc, confirmation, ASSERTION, "saml:SubjectConfirmationData");
        data.setAttribute("NotOnOrAfter", now.plus(validity).toString());
        data.setAttribute("Recipient", acsUrl);
        inResponseTo.ifPresent(r -> data.setAttribute("InResponseTo", r));
        Element conditions = child(doc, assertion, ASSERTION, "saml:Conditions");
        conditions.setAttribute("NotBefore", now.minusSeconds(30).toString());
        conditions.setAttribute("NotOnOrAfter", now.plus(validity).toString());
        append(doc, child(doc, conditions, ASSERTION, "saml:AudienceRestriction"), ASSERTION, "saml:Audience", audience);
        Element authn = child(doc, assertion, ASSERTION, "saml:AuthnStatement");
        authn.setAttribute("AuthnInstant", now.toString());
        authn.setAttribute("SessionIndex", sessionIndex);
        append(doc, child(doc, authn, ASSERTION, "saml:AuthnContext"), ASSERTION, "saml:AuthnContextClassRef",
                "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
        if (!attributes.isEmpty()) {
            Element statement = child(doc, assertion, ASSERTION, "saml:AttributeStatement");
            attributes.forEach((name, values) -> {
                Element attribute = child(doc, statement, ASSERTION, "saml:Attribute");
                attribute.setAttribute("Name", name);
                values.forEach(v -> append(doc, attribute, ASSERTION, "saml:AttributeValue", v));
            });
        }
        sign(doc, assertion, key, algorithm);
        return doc;
    }

    private static void sign(Document doc, Element assertion, KeyAndCertificate key, SignatureAlgorithm algorithm) {
        assertion.setIdAttributeNS(null, "ID", true);
        try {
            XMLSignature signature = new XMLSignature(doc, "", SamlBindings.compatible(algorithm, key.privateKey()).uri(),
                    Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            // after the Issuer, as the schema orders it
            assertion.insertBefore(signature.getElement(), assertion.getFirstChild().getNextSibling());
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("#" + assertion.getAttribute("ID"), transforms,
                    MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
            signature.addKeyInfo(key.certificate());
            signature.sign(key.privateKey());
        } catch (XMLSecurityException e) {
            throw new IllegalStateException("signing the assertion failed: " + e.getClass().getSimpleName());
        }
    }

    private static Element child(Document doc, Element parent, String ns, String name) {
        Element e = doc.createElementNS(ns, name);
        parent.appendChild(e);
        return e;
    }

    private static Element append(Document doc, Element parent, String ns, String name, String text) {
        Element e = child(doc, parent, ns, name);
        e.setTextContent(text);
        return e;
    }
}
