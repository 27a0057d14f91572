package io.gatehouse.idp.saml;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a SAML IdP's metadata says: entity ID, endpoints per binding, certificates, NameID formats, validity. */
public record IdpMetadata(String entityId, List<SamlEndpoint> singleSignOnServices,
                          List<SamlEndpoint> singleLogoutServices, List<X509Certificate> signingCertificates,
                          List<X509Certificate> encryptionCertificates, List<String> nameIdFormats,
                          Optional<Instant> validUntil, Optional<Duration> cacheDuration,
                          boolean wantAuthnRequestsSigned) {
    public IdpMetadata {
        singleSignOnServices = List.copyOf(singleSignOnServices);
        singleLogoutServices = List.copyOf(singleLogoutServices);
        signingCertificates = List.copyOf(signingCertificates);
        encryptionCertificates = List.copyOf(encryptionCertificates);
        nameIdFormats = List.copyOf(nameIdFormats);
    }
}
