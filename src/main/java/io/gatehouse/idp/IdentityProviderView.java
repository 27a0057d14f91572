package io.gatehouse.idp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The API's response for an identity provider: its request view plus computed fields and warnings. */
public final class IdentityProviderView {
    /** Read-only response fields a client may send back unchanged on PUT. */
    static final List<String> READ_ONLY_FIELDS = List.of("id", "org", "created_at", "updated_at", "mapper_count",
            "login_url", "sp", "certificates", "warnings", "redirect_uri", "jwks_url", "frontchannel_logout_uri",
            "configuration_changed_at", "last_successful_test_at", "test_outdated", "_links");
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final Cache<String, CertificateSummary> CERTIFICATES = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(10_000).build();

    private IdentityProviderView() {
    }

    /** What the API shows of a certificate. */
    public record CertificateSummary(String subject, Instant notAfter, String fingerprintSha256, String signatureAlgorithm) {
    }

    /** The provider as the API shows it, with what its test sign-ins proved. */
    public static ObjectNode response(IdentityProvider idp, ProviderTests tests, String baseUrl, Instant now) {
        ObjectNode o = IdentityProviderJson.JSON.createObjectNode();
        o.put("id", idp.id());
        o.put("org", idp.org().value());
        o.setAll(IdentityProviderJson.requestView(idp));
        SpEndpoints sp = SpEndpoints.of(baseUrl, idp.org(), idp.alias());
        o.put("login_url", sp.loginUrl());
        o.put("mapper_count", idp.mappers().size());
        List<String> warnings = new ArrayList<>();
        switch (idp.settings()) {
            case SamlSettings saml -> {
                ObjectNode spNode = o.putObject("sp");
                spNode.put("entity_id", sp.entityId());
                spNode.put("acs_url", sp.acsUrl());
                spNode.put("metadata_url", sp.metadataUrl());
                spNode.put("slo_url", sp.sloUrl());
                ObjectNode samlNode = (ObjectNode) o.get("saml");
                if (!samlNode.has("sign_authn_requests")) {
                    // not set by the admin: what the IdP's metadata made of it
                    samlNode.put("sign_authn_requests", saml.signsAuthnRequests());
                }
                ObjectNode resolved = samlNode.putObject("idp");
                saml.resolved().entityId().ifPresent(e -> resolved.put("entity_id", e));
                resolved.put("sso_url", saml.resolved().sso(saml.options().ssoBinding())
                        .or(() -> saml.resolved().ssoServices().stream().findFirst()).map(e -> e.location()).orElse(null));
                resolved.put("slo_url", saml.resolved().slo().map(e -> e.location()).orElse(null));
                resolved.set("sso_services", IdentityProviderJson.endpoints(saml.resolved().ssoServices()));
                resolved.set("slo_services", IdentityProviderJson.endpoints(saml.resolved().sloServices()));
                resolved.set("name_id_formats", IdentityProviderJson.strings(saml.resolved().nameIdFormats()));
                saml.resolved().validUntil().ifPresent(v -> resolved.put("valid_until", v.toString()));
                saml.resolved().fetchedAt().ifPresent(v -> resolved.put("fetched_at", v.toString()));
                resolved.put("want_authn_requests_signed", saml.resolved().wantAuthnRequestsSigned());
                ArrayNode certs = o.putArray("certificates");
                samlWarnings(saml, now, certs, warnings);
            }
            case OidcSettings oidc -> {
                o.put("redirect_uri", sp.oidcRedirectUri());
                o.put("frontchannel_logout_uri", sp.oidcFrontChannelLogoutUri());
                if (oidc.tokenEndpointAuthMethod() == TokenEndpointAuthMethod.PRIVATE_KEY_JWT) {
                    o.put("jwks_url", sp.oidcJwksUrl());
                }
                oidc.discovered().ifPresent(d -> {
                    ObjectNode disc = ((ObjectNode) o.get("oidc")).putObject("discovered");
                    disc.setAll(IdentityProviderJson.endpointsJson(d.endpoints()));
                    disc.put("fetched_at", d.fetchedAt().toString());
                });
                if (oidc.idTokenSignedResponseAlg().startsWith("HS")) {
                    warnings.add("ID tokens are verified with the client secret (" + oidc.idTokenSignedResponseAlg()
                            + "): anyone who holds the secret can mint them; prefer RS256 or ES256");
                }
                if (oidc.pkce() == io.gatehouse.idp.oidc.Pkce.PLAIN) {
                    warnings.add("PKCE method plain protects less than S256");
                }
            }
        }
        if (idp.mappers().stream().anyMatch(m -> m.target().equals("email_verified"))) {
            warnings.add("A mapper targets email_verified, which no mapper sets: Gatehouse decides it from the email's"
                    + " domain and the identity provider's own email_verified; the mapper has no effect");
        }
        idp.secrets().unreadable().ifPresent(u -> warnings.add(unreadableWarning(idp, u)));
        lifecycle(idp, tests, o, warnings);
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        o.put("created_at", idp.createdAt().toString());
        o.put("updated_at", idp.updatedAt().toString());
        return o;
    }

    /** The status's story: when the configuration last changed, and whether a test sign-in proved it. */
    private static void lifecycle(IdentityProvider idp, ProviderTests tests, ObjectNode o, List<String> warnings) {
        o.put("configuration_changed_at", idp.lifecycle().configuredAt().toString());
        tests.lastSucceeded().ifPresentOrElse(t -> o.put("last_successful_test_at", t.at().toString()),
                () -> o.putNull("last_successful_test_at"));
        o.put("test_outdated", tests.outdated());
        if (tests.outdated()) {
            warnings.add("The last successful test sign-in (" + tests.lastSucceeded().orElseThrow().at()
                    + ") predates the last configuration change (" + idp.lifecycle().configuredAt()
                    + "): run a test sign-in to see that the connection still works");
        }
        if (idp.status() == ProviderStatus.DRAFT && !tests.currentConfigurationTested()) {
            warnings.add("This identity provider is a draft: it signs nobody in to an application until it is"
                    + " activated, which needs a successful test sign-in of its current configuration");
        }
    }

    private static void samlWarnings(SamlSettings saml, Instant now, ArrayNode certs, List<String> warnings) {
        if (saml.resolved().entityId().isEmpty()) {
            warnings.add("The IdP's entity ID is not set, so the Issuer of its responses is not checked; set"
                    + " saml.entity_id (its metadata's entityID) to have it checked");
        }
        switch (saml.resolved().trust()) {
            case CertificateTrust.Pinned p -> {
                for (String pem : p.certificatesPem()) {
                    CertificateSummary c = summary(pem);
                    certs.addObject().put("subject", c.subject()).put("not_after", c.notAfter().toString())
                            .put("fingerprint_sha256", c.fingerprintSha256());
                    if (c.notAfter().isBefore(now)) {
                        warnings.add("The IdP certificate " + c.subject() + " expired on " + c.notAfter()
                                + ": signatures made with it are refused");
                    } else if (c.notAfter().isBefore(now.plus(EXPIRY_WARNING))) {
                        warnings.add("The IdP certificate " + c.subject() + " expires on " + c.notAfter()
                                + ": ask the IdP admin for the next certificate");
                    }
                    if (c.signatureAlgorithm().toUpperCase(Locale.ROOT).contains("SHA1")) {
                        warnings.add("The IdP certificate " + c.subject() + " is signed with SHA-1");
                    }
                }
            }
            case CertificateTrust.Fingerprint f -> {
                if (f.algorithm() == FingerprintAlgorithm.SHA1) {
                    warnings.add("The certificate is pinned by a SHA-1 fingerprint; prefer sha256");
                }
            }
        }
        if (saml.options().allowSha1()) {
            warnings.add("allow_sha1 is on: RSA-SHA1 signatures are accepted although SHA-1 is broken");
        }
        if (saml.resolved().sloServices().isEmpty()) {
            warnings.add("The IdP has no single logout endpoint: signing out of the app will not sign out of the IdP");
        }
        if (saml.resolved().sso(saml.options().ssoBinding()).isEmpty()) {
            warnings.add("The IdP lists no " + saml.options().ssoBinding().apiName()
                    + " binding for sign-in; another of its bindings will be used");
        }
        saml.resolved().validUntil().filter(v -> v.isBefore(now.plus(EXPIRY_WARNING)))
                .ifPresent(v -> warnings.add("The IdP metadata is valid only until " + v));
    }

    /** Which stored secrets must be entered again, and why. */
    private static String unreadableWarning(IdentityProvider idp, IdpSecrets.Unreadable unreadable) {
        List<String> fields = new ArrayList<>();
        for (IdpSecrets.Field f : IdpSecrets.Field.values()) {
            if (idp.secrets().isSet(f, idp.settings())) {
                fields.add(idp.protocol().wireName() + "." + f.wireName());
            }
        }
        return "The stored secrets" + (fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")")
                + " cannot be opened (" + unreadableReason(unreadable) + "): enter them again; until then"
                + " sign-ins through this provider are refused";
    }

    static String unreadableReason(IdpSecrets.Unreadable unreadable) {
        return unreadable.keyConfigured()
                ? "not decryptable under master key " + unreadable.sealed().keyId()
                : "sealed with master key " + unreadable.sealed().keyId() + ", which GATEHOUSE_MASTER_KEY no longer lists";
    }

    /** The certificates a SAML provider trusts by pinning (none for OIDC or a fingerprint), as the API lists them. */
    public static List<CertificateSummary> certificates(IdentityProvider idp) {
        if (idp.settings() instanceof SamlSettings saml && saml.resolved().trust() instanceof CertificateTrust.Pinned p) {
            return p.certificatesPem().stream().map(IdentityProviderView::summary).toList();
        }
        return List.of();
    }

    static CertificateSummary summary(String pem) {
        return CERTIFICATES.get(pem, p -> {
            try {
                X509Certificate cert = Certificates.parse(p);
                return new CertificateSummary(cert.getSubjectX500Principal().getName(), cert.getNotAfter().toInstant(),
                        FingerprintAlgorithm.SHA256.fingerprint(cert), cert.getSigAlgName());
            } catch (CertificateParseException e) {
                return new CertificateSummary("(unreadable)", Instant.EPOCH, "", "");
            }
        });
    }

}
