package io.gatehouse.saml;

import io.gatehouse.idp.saml.SamlBinding;
import java.io.StringWriter;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Writes SP metadata with DOM, so no value can break out of its attribute or element. */
public final class SpMetadataWriter {
    private static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
    private static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    private static final List<String> ENCRYPTION_METHODS = List.of(
            "http://www.w3.org/2009/xmlenc11#aes256-gcm", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc", "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p");

    public String write(SpMetadata sp) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().newDocument();
            Element entity = doc.createElementNS(MD, "md:EntityDescriptor");
            entity.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:ds", DS);
            entity.setAttribute("entityID", sp.entityId());
            sp.validUntil().ifPresent(v -> entity.setAttribute("validUntil", v.toString()));
            doc.appendChild(entity);
            Element descriptor = doc.createElementNS(MD, "md:SPSSODescriptor");
            descriptor.setAttribute("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol");
            descriptor.setAttribute("AuthnRequestsSigned", Boolean.toString(sp.authnRequestsSigned()));
            descriptor.setAttribute("WantAssertionsSigned", Boolean.toString(sp.wantAssertionsSigned()));
            entity.appendChild(descriptor);
            for (X509Certificate cert : sp.signingCertificates()) {
                descriptor.appendChild(keyDescriptor(doc, "signing", cert));
            }
            for (X509Certificate cert : sp.encryptionCertificates()) {
                Element key = keyDescriptor(doc, "encryption", cert);
                for (String method : ENCRYPTION_METHODS) {
                    Element m = doc.createElementNS(MD, "md:EncryptionMethod");
                    m.setAttribute("Algorithm", method);
                    key.appendChild(m);
                }
                descriptor.appendChild(key);
            }
            for (SamlBinding binding : List.of(SamlBinding.HTTP_REDIRECT, SamlBinding.HTTP_POST)) {
                Element slo = doc.createElementNS(MD, "md:SingleLogoutService");
                slo.setAttribute("Binding", binding.urn());
                slo.setAttribute("Location", sp.sloUrl());
                descriptor.appendChild(slo);
            }
            for (String format : sp.nameIdFormats()) {
                Element nameId = doc.createElementNS(MD, "md:NameIDFormat");
                nameId.setTextContent(format);
                descriptor.appendChild(nameId);
            }
            Element acs = doc.createElementNS(MD, "md:AssertionConsumerService");
            acs.setAttribute("Binding", SamlBinding.HTTP_POST.urn());
            acs.setAttribute("Location", sp.acsUrl());
            acs.setAttribute("index", "0");
            acs.setAttribute("isDefault", "true");
            descriptor.appendChild(acs);
            return serialize(doc);
        } catch (ParserConfigurationException | TransformerException | CertificateEncodingException e) {
            throw new IllegalStateException("SP metadata could not be written", e);
        }
    }

    private static Element keyDescriptor(Document doc, String use, X509Certificate cert)
            throws CertificateEncodingException {
        Element key = doc.createElementNS(MD, "md:KeyDescriptor");
        key.setAttribute("use", use);
        Element info = doc.createElementNS(DS, "ds:KeyInfo");
        Element data = doc.createElementNS(DS, "ds:X509Data");
        Element c = doc.createElementNS(DS, "ds:X509Certificate");
        c.setTextContent(Base64.getEncoder().encodeToString(cert.getEncoded()));
        data.appendChild(c);
        info.appendChild(data);
        key.appendChild(info);
        return key;
    }

    private static String serialize(Document doc) throws TransformerException {
        TransformerFactory tf = TransformerFactory.newInstance();
        tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        Transformer t = tf.newTransformer();
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        t.setOutputProperty(OutputKeys.INDENT, "yes");
        t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        StringWriter out = new StringWriter();
        t.transform(new DOMSource(doc), new StreamResult(out));
        return out.toString();
    }
}
