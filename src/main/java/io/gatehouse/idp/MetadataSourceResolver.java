package io.gatehouse.idp;

import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.SamlSettings.ResolvedSamlIdp;
import io.gatehouse.idp.SamlSettings.SamlSource;
import io.gatehouse.idp.oidc.DiscoveryException;
import io.gatehouse.idp.oidc.DiscoveryMode;
import io.gatehouse.idp.oidc.OidcDiscovery;
import io.gatehouse.idp.oidc.OidcDiscoveryClient;
import io.gatehouse.idp.saml.IdpMetadata;
import io.gatehouse.idp.saml.MetadataParseResult;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SamlMetadataParser;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Resolves SAML sources and OIDC discovery through the one SSRF-safe fetcher. */
@Component
class MetadataSourceResolver implements SourceResolver {
    private final SafeFetcher fetcher;
    private final SamlMetadataParser parser = new SamlMetadataParser();
    private final OidcDiscoveryClient discovery;

    MetadataSourceResolver(SafeFetcher fetcher, OidcDiscoveryClient discovery) {
        this.fetcher = fetcher;
        this.discovery = discovery;
    }

    @Override
    public ResolvedSamlIdp resolveSaml(SamlSource source, Instant now) {
        return switch (source) {
            case SamlSource.MetadataXml x -> fromMetadata(x.xml(), "saml.metadata_xml", Optional.empty(), now);
            case SamlSource.MetadataUrl u -> {
                FetchedDocument doc;
                try {
                    doc = fetcher.fetch(URI.create(u.url()), "application/samlmetadata+xml, application/xml, text/xml");
                } catch (FetchException e) {
                    throw ProblemException.validation("saml.metadata_url", e.reason().code(),
                            "could not be fetched: " + e.getMessage());
                }
                yield fromMetadata(new String(doc.body(), StandardCharsets.UTF_8), "saml.metadata_url",
                        Optional.of(now), now);
            }
            case SamlSource.Manual m -> {
                List<SamlEndpoint> sso = List.of(new SamlEndpoint(SamlBinding.HTTP_REDIRECT, m.ssoUrl(), Optional.empty()),
                        new SamlEndpoint(SamlBinding.HTTP_POST, m.ssoUrl(), Optional.empty()));
                List<SamlEndpoint> slo = m.sloUrl().map(s -> List.of(
                                new SamlEndpoint(SamlBinding.HTTP_REDIRECT, s, Optional.empty()),
                                new SamlEndpoint(SamlBinding.HTTP_POST, s, Optional.empty())))
                        .orElse(List.of());
                yield new ResolvedSamlIdp(m.entityId(), sso, slo, m.trust(), List.of(), Optional.empty(),
                        Optional.empty(), Optional.empty(), false);
            }
        };
    }

    private ResolvedSamlIdp fromMetadata(String xml, String field, Optional<Instant> fetchedAt, Instant now) {
        IdpMetadata metadata = switch (parser.parse(xml, Optional.empty(), now)) {
            case MetadataParseResult.Parsed p -> p.metadata();
            case MetadataParseResult.Rejected r -> throw ProblemException.validation(r.problems().stream()
                    .map(p -> new FieldError(field, p.code(), p.message())).toList());
        };
        List<FieldError> errors = new ArrayList<>();
        List<String> pems = new ArrayList<>();
        for (X509Certificate cert : metadata.signingCertificates()) {
            if (cert.getNotAfter().toInstant().isBefore(now)) {
                errors.add(new FieldError(field, "certificate_expired", "the signing certificate "
                        + cert.getSubjectX500Principal().getName() + " expired on " + cert.getNotAfter().toInstant()));
            } else {
                pems.add(Certificates.toPem(cert));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new ResolvedSamlIdp(Optional.of(metadata.entityId()), metadata.singleSignOnServices(),
                metadata.singleLogoutServices(), new CertificateTrust.Pinned(pems), metadata.nameIdFormats(),
                metadata.validUntil(), metadata.cacheDuration(), fetchedAt, metadata.wantAuthnRequestsSigned());
    }

    @Override
    public OidcSettings discover(OidcSettings s, Instant now) {
        OidcSettings.OidcEndpoints c = s.configured();
        boolean complete = c.authorization().isPresent() && c.token().isPresent()
                && (c.jwks().isPresent() || s.oauth2Only());
        if (complete && s.discovery() == DiscoveryMode.AUTO) {
            return s;
        }
        OidcDiscovery d;
        try {
            d = discovery.discover(s.issuer());
        } catch (DiscoveryException e) {
            if (complete) {
                return s;
            }
            throw ProblemException.validation("oidc.issuer", e.code(),
                    "discovery failed (" + e.getMessage() + "); give authorization_endpoint, token_endpoint and"
                            + " jwks_uri by hand if the IdP has no discovery document");
        }
        OidcSettings.Discovered discovered = new OidcSettings.Discovered(new OidcSettings.OidcEndpoints(
                Optional.of(d.authorizationEndpoint().toString()), Optional.of(d.tokenEndpoint().toString()),
                d.userinfoEndpoint().map(URI::toString), Optional.of(d.jwksUri().toString()),
                d.endSessionEndpoint().map(URI::toString)), d.codeChallengeMethods(), d.idTokenSigningAlgs(),
                d.tokenEndpointAuthMethods(), d.authorizationResponseIssParameterSupported(), now);
        List<FieldError> errors = new ArrayList<>();
        if (!d.idTokenSigningAlgs().isEmpty() && !d.idTokenSigningAlgs().contains(s.idTokenSignedResponseAlg())) {
            errors.add(new FieldError("oidc.id_token_signed_response_alg", "not_supported_by_idp",
                    "the IdP signs ID tokens with " + String.join(", ", d.idTokenSigningAlgs()) + " only"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return s.withDiscovered(Optional.of(discovered));
    }
}
