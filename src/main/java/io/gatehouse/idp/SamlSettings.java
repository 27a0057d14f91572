package io.gatehouse.idp;

import io.gatehouse.crypto.FingerprintAlgorithm;

import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A SAML identity provider's settings: where its description came from (the source as the admin
 * gave it), what that description says (resolved), and the options of the sign-in.
 */
public record SamlSettings(SamlSource source, ResolvedSamlIdp resolved, SamlOptions options) implements ProtocolSettings {

    @Override
    public Protocol protocol() {
        return Protocol.SAML;
    }

    /** Whether AuthnRequests are signed: as the admin set it, else as the IdP's metadata asks (WantAuthnRequestsSigned). */
    public boolean signsAuthnRequests() {
        return options.signAuthnRequests().orElse(resolved.wantAuthnRequestsSigned());
    }

    /** Where the IdP's entity ID, endpoints and certificates come from. */
    public sealed interface SamlSource {
        /** Metadata XML pasted or uploaded by the admin. */
        record MetadataXml(String xml) implements SamlSource {
        }

        /** Metadata fetched from a URL on save and refreshed on a schedule. */
        record MetadataUrl(String url) implements SamlSource {
        }

        /**
         * Entered by hand. The entity ID may be left out (some products' APIs have no field for it):
         * the signing certificate then authenticates the IdP alone, and the admin is warned.
         */
        record Manual(Optional<String> entityId, String ssoUrl, Optional<String> sloUrl, CertificateTrust trust)
                implements SamlSource {
        }
    }

    /** How the IdP's signatures are trusted. */
    public sealed interface CertificateTrust {
        /** Any of these certificates (several during a rotation). */
        record Pinned(List<String> certificatesPem) implements CertificateTrust {
            public Pinned {
                certificatesPem = List.copyOf(certificatesPem);
            }
        }

        /** Whatever certificate has this fingerprint. */
        record Fingerprint(FingerprintAlgorithm algorithm, String value) implements CertificateTrust {
        }
    }

    /** What the source says about the IdP; an IdP entered by hand asks for nothing (wantAuthnRequestsSigned false). */
    public record ResolvedSamlIdp(Optional<String> entityId, List<SamlEndpoint> ssoServices, List<SamlEndpoint> sloServices,
                                  CertificateTrust trust, List<String> nameIdFormats, Optional<Instant> validUntil,
                                  Optional<Duration> cacheDuration, Optional<Instant> fetchedAt,
                                  boolean wantAuthnRequestsSigned) {
        public ResolvedSamlIdp {
            ssoServices = List.copyOf(ssoServices);
            sloServices = List.copyOf(sloServices);
            nameIdFormats = List.copyOf(nameIdFormats);
        }

        public Optional<SamlEndpoint> sso(SamlBinding binding) {
            return ssoServices.stream().filter(e -> e.binding() == binding).findFirst();
        }

        public Optional<SamlEndpoint> slo() {
            return sloServices.stream().filter(e -> e.binding() == SamlBinding.HTTP_REDIRECT).findFirst()
                    .or(() -> sloServices.stream().filter(e -> e.binding() == SamlBinding.HTTP_POST).findFirst());
        }
    }

    /**
     * The sign-in options; secure defaults live here. {@code signAuthnRequests} is empty unless the
     * admin set it: the IdP's metadata then decides ({@link SamlSettings#signsAuthnRequests()}).
     */
    public record SamlOptions(SamlBinding ssoBinding, Optional<Boolean> signAuthnRequests, boolean wantAssertionsSigned,
                              boolean wantResponseSigned, Optional<String> nameIdFormat,
                              boolean disableRequestedAuthnContext, boolean allowIdpInitiated, boolean allowSha1,
                              boolean forceAuthn, SignatureAlgorithm signatureAlgorithm, int clockSkewSeconds,
                              int metadataRefreshSeconds, Optional<String> defaultApplication) {
        public static final int DEFAULT_CLOCK_SKEW = 60;
        public static final int MAX_CLOCK_SKEW = 300;
        public static final int DEFAULT_METADATA_REFRESH = 86_400;
    }
}
