package io.gatehouse.idp.saml;

import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.idp.saml.MetadataParseResult.MetadataProblem;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Parses SAML 2.0 IdP metadata (an EntityDescriptor, or an EntitiesDescriptor holding one IdP). */
public final class SamlMetadataParser {
    public static final String MD = "urn:oasis:names:tc:SAML:2.0:metadata";
    public static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    static final String SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    private static final int MAX_BYTES = 1024 * 1024;

    public MetadataParseResult parse(String xml, Optional<String> expectedEntityId, Instant now) {
        Document doc;
        try {
            doc = SecureXml.parse(xml.strip(), MAX_BYTES);
        } catch (XmlRejected e) {
            return reject("metadata." + e.code().replace("xml.", ""), e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!MD.equals(root.getNamespaceURI())
                || !("EntityDescriptor".equals(root.getLocalName()) || "EntitiesDescriptor".equals(root.getLocalName()))) {
            return reject("metadata.not_saml_metadata",
                    "is not SAML 2.0 metadata (expected an md:EntityDescriptor in namespace " + MD + ")");
        }
        Element entity;
        if ("EntitiesDescriptor".equals(root.getLocalName())) {
            List<Element> idps = new ArrayList<>();
            for (Element e : descendants(root, "EntityDescriptor")) {
                if (idpDescriptor(e).isPresent()) {
                    idps.add(e);
                }
            }
            if (expectedEntityId.isPresent()) {
                idps = idps.stream().filter(e -> expectedEntityId.get().equals(e.getAttribute("entityID"))).toList();
            }
            if (idps.isEmpty()) {
                return reject("metadata.no_idp_descriptor", "holds no identity provider (IDPSSODescriptor for SAML 2.0)");
            }
            if (idps.size() > 1) {
                return reject("metadata.ambiguous_entity",
                        "holds " + idps.size() + " identity providers; give the metadata of one");
            }
            entity = idps.getFirst();
        } else {
            entity = root;
        }
        List<MetadataProblem> problems = new ArrayList<>();
        String entityId = entity.getAttribute("entityID").strip();
        if (entityId.isEmpty()) {
            problems.add(new MetadataProblem("metadata.no_entity_id", "the EntityDescriptor has no entityID"));
        } else if (entityId.length() > 1024) {
            problems.add(new MetadataProblem("metadata.entity_id_too_long", "the entityID is longer than 1024 characters"));
        }
        Optional<Instant> validUntil = Optional.empty();
        Optional<Duration> cacheDuration = Optional.empty();
        for (Element e : List.of(root, entity)) {
            if (e.hasAttribute("validUntil")) {
                try {
                    Instant v = DatatypeFactory.newInstance().newXMLGregorianCalendar(e.getAttribute("validUntil").strip())
                            .toGregorianCalendar().toInstant();
                    validUntil = validUntil.filter(x -> x.isBefore(v)).or(() -> Optional.of(v));
                } catch (IllegalArgumentException | DatatypeConfigurationException ex) {
                    problems.add(new MetadataProblem("metadata.invalid_valid_until", "validUntil is not an xs:dateTime"));
                }
            }
            if (e.hasAttribute("cacheDuration")) {
                try {
                    cacheDuration = Optional.of(Duration.ofMillis(DatatypeFactory.newInstance()
                            .newDuration(e.getAttribute("cacheDuration").strip()).getTimeInMillis(Date.from(now))));
                } catch (IllegalArgumentException | DatatypeConfigurationException ex) {
                    problems.add(new MetadataProblem("metadata.invalid_cache_duration", "cacheDuration is not an xs:duration"));
                }
            }
        }
        if (validUntil.isPresent() && validUntil.get().isBefore(now)) {
            problems.add(new MetadataProblem("metadata.expired", "the metadata expired on " + validUntil.get()
                    + " (validUntil); download it again from the IdP"));
        }
        Optional<Element> idp = idpDescriptor(entity);
        if (idp.isEmpty()) {
            boolean spOnly = !children(entity, "SPSSODescriptor").isEmpty();
            problems.add(new MetadataProblem("metadata.no_idp_descriptor", spOnly
                    ? "this is a service provider's metadata (SPSSODescriptor); give the identity provider's"
                    : "holds no IDPSSODescriptor supporting SAML 2.0"));
            return new MetadataParseResult.Rejected(problems);
        }
        Element descriptor = idp.get();
        List<SamlEndpoint> sso = endpoints(descriptor, "SingleSignOnService");
        List<SamlEndpoint> slo = endpoints(descriptor, "SingleLogoutService");
        if (sso.isEmpty()) {
            problems.add(new MetadataProblem("metadata.no_sso_service", "the IdP lists no SingleSignOnService"));
        }
        List<X509Certificate> signing = new ArrayList<>();
        List<X509Certificate> encryption = new ArrayList<>();
        int index = 0;
        for (Element key : children(descriptor, "KeyDescriptor")) {
            String use = key.getAttribute("use");
            for (Element certElement : descendantsNs(key, DS, "X509Certificate")) {
                index++;
                try {
                    X509Certificate cert = Certificates.parse(SecureXml.fullText(certElement));
                    if (use.isEmpty() || "signing".equals(use)) {
                        signing.add(cert);
                    }
                    if ("encryption".equals(use)) {
                        encryption.add(cert);
                    }
                } catch (CertificateParseException e) {
                    problems.add(new MetadataProblem("metadata.invalid_certificate",
                            "certificate #" + index + " " + e.getMessage()));
                }
            }
        }
        if (signing.isEmpty() && problems.stream().noneMatch(p -> p.code().equals("metadata.invalid_certificate"))) {
            problems.add(new MetadataProblem("metadata.no_signing_certificate",
                    "the IdP publishes no signing certificate, so its signatures could never be verified"));
        }
        List<String> formats = children(descriptor, "NameIDFormat").stream().map(e -> SecureXml.fullText(e).strip())
                .filter(s -> !s.isEmpty()).distinct().toList();
        if (!problems.isEmpty()) {
            return new MetadataParseResult.Rejected(problems);
        }
        return new MetadataParseResult.Parsed(new IdpMetadata(entityId, sso, slo, signing, encryption, formats,
                validUntil, cacheDuration, "true".equals(descriptor.getAttribute("WantAuthnRequestsSigned"))));
    }

    private static Optional<Element> idpDescriptor(Element entity) {
        return children(entity, "IDPSSODescriptor").stream()
                .filter(d -> List.of(d.getAttribute("protocolSupportEnumeration").split("\\s+")).contains(SAML2_PROTOCOL))
                .findFirst();
    }

    private static List<SamlEndpoint> endpoints(Element descriptor, String name) {
        List<SamlEndpoint> out = new ArrayList<>();
        for (Element e : children(descriptor, name)) {
            String location = e.getAttribute("Location").strip();
            if (!location.isEmpty()) {
                String response = e.getAttribute("ResponseLocation").strip();
                out.add(new SamlEndpoint(SamlBinding.fromUrn(e.getAttribute("Binding").strip()), location,
                        response.isEmpty() ? Optional.empty() : Optional.of(response)));
            }
        }
        return out;
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && MD.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<Element> descendants(Element parent, String localName) {
        return descendantsNs(parent, MD, localName);
    }

    private static List<Element> descendantsNs(Element parent, String ns, String localName) {
        List<Element> out = new ArrayList<>();
        var list = parent.getElementsByTagNameNS(ns, localName);
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static MetadataParseResult reject(String code, String message) {
        return new MetadataParseResult.Rejected(List.of(new MetadataProblem(code, message)));
    }
}
