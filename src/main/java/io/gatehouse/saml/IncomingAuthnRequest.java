package io.gatehouse.saml;

import io.gatehouse.saml.internal.SamlBindings;
import io.gatehouse.saml.internal.SamlDom;
import io.gatehouse.xml.SecureXml;
import io.gatehouse.xml.XmlRejected;
import java.util.Optional;
import org.w3c.dom.Element;

/** An AuthnRequest as an identity provider receives it by HTTP-Redirect (the demo IdP reads Gatehouse's own). */
public record IncomingAuthnRequest(String id, Optional<String> issuer, Optional<String> acsUrl) {

    /** The SAMLRequest parameter's value (URL-decoded): deflated, base64; empty when unreadable. */
    public static Optional<IncomingAuthnRequest> fromRedirect(String samlRequest) {
        return Optional.ofNullable(samlRequest).flatMap(SamlBindings::inflate).flatMap(xml -> {
            try {
                Element root = SecureXml.parse(xml, SamlBindings.MAX_INFLATED_BYTES).getDocumentElement();
                if (!SamlDom.is(root, SamlDom.PROTOCOL, "AuthnRequest") || root.getAttribute("ID").isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new IncomingAuthnRequest(root.getAttribute("ID"),
                        SamlDom.child(root, SamlDom.ASSERTION, "Issuer").map(SamlDom::text),
                        SamlDom.attribute(root, "AssertionConsumerServiceURL")));
            } catch (XmlRejected e) {
                return Optional.empty();
            }
        });
    }
}
