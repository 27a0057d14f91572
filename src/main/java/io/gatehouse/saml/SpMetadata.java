package io.gatehouse.saml;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What Gatehouse publishes about itself as the SAML service provider for one identity provider. */
public record SpMetadata(String entityId, String acsUrl, String sloUrl, List<X509Certificate> signingCertificates,
                         List<X509Certificate> encryptionCertificates, boolean authnRequestsSigned,
                         boolean wantAssertionsSigned, List<String> nameIdFormats, Optional<Instant> validUntil) {
}
