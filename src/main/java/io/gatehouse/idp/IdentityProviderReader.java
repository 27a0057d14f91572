package io.gatehouse.idp;

import io.gatehouse.api.JsonFields;
import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.idp.IdpDraft.ProtocolDraft;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.SamlSettings.SamlOptions;
import io.gatehouse.idp.SamlSettings.SamlSource;
import io.gatehouse.idp.oidc.DiscoveryMode;
import io.gatehouse.idp.oidc.Pkce;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import io.gatehouse.idp.saml.NameIdFormats;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.metadata.AddressRules;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the native identity-provider request into a draft, checking every field and reporting
 * every problem at once. No I/O happens here: fetching and discovery come after.
 */
public final class IdentityProviderReader {
    public static final int MAX_URL = 2048;
    public static final int MAX_METADATA = 1024 * 1024;
    public static final int MAX_CERTIFICATE = 16 * 1024;
    public static final int MAX_DOMAINS = 5;
    private static final List<String> ID_TOKEN_ALGS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "HS256", "HS384", "HS512");
    private static final Pattern SCOPE = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}$");
    private static final Pattern PROFILE_TARGET =
            Pattern.compile("^(email|email_verified|given_name|family_name|name|username|groups|role|team|custom\\.[A-Za-z0-9_.-]{1,64})$");

    /** The (lower-cased) parameters the SAML HTTP-Redirect and HTTP-POST bindings add to the IdP's URL themselves. */
    private static final Set<String> BINDING_PARAMETERS = Set.of("samlrequest", "samlresponse", "relaystate",
            "sigalg", "signature");

    private final boolean allowPrivateNetwork;

    public IdentityProviderReader(boolean allowPrivateNetwork) {
        this.allowPrivateNetwork = allowPrivateNetwork;
    }

    public IdpDraft read(ObjectNode body, Instant now) {
        ObjectNode request = KnownProviderPresets.withDefaults(body);
        JsonFields f = JsonFields.of(request);
        // a GET response sent back on PUT carries these; they are computed, so they are ignored
        IdentityProviderView.READ_ONLY_FIELDS.forEach(f::raw);

        Optional<String> aliasText = f.requiredString("alias", 200);
        Optional<IdpAlias> alias = aliasText.flatMap(a -> {
            Optional<IdpAlias> parsed = IdpAlias.parse(a);
            if (parsed.isEmpty()) {
                f.error("alias", "invalid_format", IdpAlias.FORMAT_RULE);
            }
            return parsed;
        });
        Optional<String> displayName = f.requiredString("display_name", 100);
        if (displayName.isPresent() && displayName.get().chars().anyMatch(Character::isISOControl)) {
            f.error("display_name", "invalid_characters", "must not contain control characters");
        }
        Optional<Boolean> enabled = f.bool("enabled");
        Optional<ProviderStatus> status = f.enumeration("status", n -> WireEnum.parse(ProviderStatus.class, n),
                WireEnum.names(ProviderStatus.class));

        Optional<Protocol> protocol = readProtocol(f);
        Optional<KnownProvider> known = f.enumeration("known_provider", n -> WireEnum.parse(KnownProvider.class, n),
                WireEnum.names(KnownProvider.class));
        if (known.isPresent() && protocol.isPresent() && !known.get().supports(protocol.get())) {
            f.error("known_provider", "protocol_mismatch",
                    known.get().wireName() + " does not speak " + protocol.get().wireName());
        }

        List<EmailDomain> domains = readDomains(f);
        Optional<ProtocolDraft> protocolDraft = Optional.empty();
        boolean hasSaml = f.has("saml");
        boolean hasOidc = f.has("oidc");
        if (protocol.isPresent()) {
            switch (protocol.get()) {
                case SAML -> {
                    if (hasOidc) {
                        f.error("oidc", "not_allowed", "must not be given when protocol is saml");
                    }
                    Optional<JsonFields> saml = f.object("saml");
                    if (saml.isEmpty() && !hasSaml) {
                        f.error("saml", "required", "is required when protocol is saml");
                    }
                    protocolDraft = saml.flatMap(s -> readSaml(s, now));
                }
                case OIDC -> {
                    if (hasSaml) {
                        f.error("saml", "not_allowed", "must not be given when protocol is oidc");
                    }
                    Optional<JsonFields> oidc = f.object("oidc");
                    if (oidc.isEmpty() && !hasOidc) {
                        f.error("oidc", "required", "is required when protocol is oidc");
                    }
                    protocolDraft = oidc.flatMap(o -> readOidc(o, known));
                }
            }
        } else {
            // still consume them so they are not also reported as unknown
            f.raw("saml");
            f.raw("oidc");
        }
        List<Mapper> mappers = readMappers(f);
        Provisioning provisioning = f.object("provisioning").map(this::readProvisioning).orElse(Provisioning.DEFAULT);
        Optional<String> errorUrl = url(f, "error_url");
        Optional<String> logoutRedirectUrl = url(f, "logout_redirect_url");
        f.refuseUnknownFields();
        f.throwIfInvalid();
        return new IdpDraft(alias.orElseThrow(), displayName.orElseThrow().strip(), status, enabled, known, domains,
                protocolDraft.orElseThrow(), mappers, provisioning, errorUrl, logoutRedirectUrl);
    }

    private Optional<Protocol> readProtocol(JsonFields f) {
        Optional<String> protocol = f.string("protocol", 20);
        Optional<String> providerId = f.string("provider_id", 20);
        if (protocol.isPresent() && providerId.isPresent() && !protocol.get().equals(providerId.get())) {
            f.error("provider_id", "conflict", "is a synonym of protocol and must agree with it");
        }
        Optional<String> value = protocol.or(() -> providerId);
        if (value.isEmpty()) {
            if (!f.hasErrorsUnder("protocol") && !f.hasErrorsUnder("provider_id")) {
                f.error("protocol", "required", "is required: saml or oidc");
            }
            return Optional.empty();
        }
        Optional<Protocol> parsed = WireEnum.parse(Protocol.class, value.get().toLowerCase(Locale.ROOT));
        if (parsed.isEmpty()) {
            f.error(protocol.isPresent() ? "protocol" : "provider_id", "invalid_value", "must be saml or oidc");
        }
        return parsed;
    }

    private List<EmailDomain> readDomains(JsonFields f) {
        List<EmailDomain> out = new ArrayList<>();
        Optional<List<String>> domains = f.strings("domains", MAX_DOMAINS, 253);
        if (domains.isEmpty()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < domains.get().size(); i++) {
            String path = f.path("domains") + "[" + i + "]";
            switch (EmailDomain.parse(domains.get().get(i))) {
                case EmailDomain.Parsed.Valid v -> {
                    if (!seen.add(v.domain().value())) {
                        f.errorAt(path, "duplicate", "is listed twice");
                    } else {
                        out.add(v.domain());
                    }
                }
                case EmailDomain.Parsed.Invalid inv -> f.errorAt(path, inv.code(), inv.message());
            }
        }
        return out;
    }

    private Optional<ProtocolDraft> readSaml(JsonFields s, Instant now) {
        int before = s.errors().size();
        Optional<String> metadataXml = s.string("metadata_xml", MAX_METADATA);
        Optional<String> metadataUrl = s.string("metadata_url", MAX_URL);
        boolean manual = s.has("entity_id") || s.has("sso_url") || s.has("certificates") || s.has("cert_fingerprint");
        int sources = (s.has("metadata_xml") ? 1 : 0) + (s.has("metadata_url") ? 1 : 0) + (manual ? 1 : 0);
        Optional<SamlSource> source = Optional.empty();
        if (sources == 0) {
            s.error("metadata_xml", "source_required",
                    "give exactly one source: metadata_xml, metadata_url, or entity_id + sso_url + certificates"
                            + " (or cert_fingerprint)");
        } else if (sources > 1) {
            s.error(s.has("metadata_xml") ? "metadata_xml" : "metadata_url", "multiple_sources",
                    "give exactly one source: metadata_xml, metadata_url, or the fields by hand");
        }
        if (metadataXml.isPresent() && sources == 1) {
            if (metadataXml.get().isBlank()) {
                s.error("metadata_xml", "required", "must not be empty");
            } else {
                source = Optional.of(new SamlSource.MetadataXml(metadataXml.get()));
            }
        }
        if (metadataUrl.isPresent() && sources == 1) {
            source = url(s, "metadata_url").map(SamlSource.MetadataUrl::new);
        }
        if (manual && sources == 1) {
            source = readManualSaml(s, now);
        } else if (sources > 1) {
            s.raw("entity_id");
            s.raw("sso_url");
            s.raw("slo_url");
            s.raw("certificates");
            s.raw("cert_fingerprint");
            s.raw("cert_fingerprint_algorithm");
        } else {
            // slo_url alone with a metadata source: the metadata is the source of truth
            if (s.has("slo_url")) {
                s.error("slo_url", "not_allowed", "comes from the metadata when a metadata source is given");
            }
            s.raw("cert_fingerprint_algorithm");
        }

        Optional<SamlBinding> binding = s.enumeration("sso_binding",
                n -> SamlBinding.fromApiName(n).filter(b -> b == SamlBinding.HTTP_REDIRECT || b == SamlBinding.HTTP_POST),
                List.of("redirect", "post"));
        // left out: the IdP's metadata decides (WantAuthnRequestsSigned), and keeps deciding after refreshes
        Optional<Boolean> signAuthnRequests = s.bool("sign_authn_requests");
        boolean wantAssertionsSigned = s.bool("want_assertions_signed").orElse(true);
        boolean wantResponseSigned = s.bool("want_response_signed").orElse(false);
        if (!wantAssertionsSigned && !wantResponseSigned && !s.hasErrorsUnder("want_assertions_signed")
                && !s.hasErrorsUnder("want_response_signed")) {
            s.error("want_assertions_signed", "signature_required",
                    "want_assertions_signed and want_response_signed cannot both be false: some signature is always required");
        }
        Optional<String> nameIdFormat = s.string("name_id_format", 200).flatMap(v -> {
            Optional<String> c = NameIdFormats.canonical(v);
            if (c.isEmpty()) {
                s.error("name_id_format", "invalid_value",
                        "must be a SAML NameID format URN or one of email, persistent, transient, unspecified");
            }
            return c;
        });
        boolean disableRac = s.bool("disable_requested_authn_context").orElse(false);
        boolean allowIdpInitiated = s.bool("allow_idp_initiated").orElse(false);
        boolean allowSha1 = s.bool("allow_sha1").orElse(false);
        boolean forceAuthn = s.bool("force_authn").orElse(false);
        // the application an IdP-initiated sign-in lands in (its client_id), checked at sign-in time
        Optional<String> defaultApplication = s.string("default_application", 64);
        Optional<SignatureAlgorithm> algorithm = s.enumeration("signature_algorithm",
                n -> WireEnum.parse(SignatureAlgorithm.class, n), WireEnum.names(SignatureAlgorithm.class));
        if (algorithm.orElse(null) == SignatureAlgorithm.RSA_SHA1 && !allowSha1) {
            s.error("signature_algorithm", "sha1_not_allowed", "rsa-sha1 is broken; it needs allow_sha1: true");
        }
        int skew = s.integer("clock_skew_seconds", 0, SamlOptions.MAX_CLOCK_SKEW).orElse(SamlOptions.DEFAULT_CLOCK_SKEW);
        int refresh = s.integer("metadata_refresh_seconds", 300, 7 * 86_400).orElse(SamlOptions.DEFAULT_METADATA_REFRESH);
        s.raw("idp");
        Optional<String> decryptionKey = s.string("decryption_private_key", 64 * 1024);
        SecretInput decryption = SecretInput.of(decryptionKey);
        if (decryption instanceof SecretInput.Given g) {
            checkPrivateKey(s, "decryption_private_key", g);
        }
        s.refuseUnknownFields();
        if (s.errors().size() > before || source.isEmpty()) {
            return Optional.empty();
        }
        SamlOptions options = new SamlOptions(binding.orElse(SamlBinding.HTTP_REDIRECT), signAuthnRequests,
                wantAssertionsSigned, wantResponseSigned, nameIdFormat, disableRac, allowIdpInitiated, allowSha1,
                forceAuthn, algorithm.orElse(SignatureAlgorithm.RSA_SHA256), skew, refresh, defaultApplication);
        return Optional.of(new ProtocolDraft.Saml(source.get(), options, decryption));
    }

    private Optional<SamlSource> readManualSaml(JsonFields s, Instant now) {
        Optional<String> entityId = s.string("entity_id", 1024).map(String::strip);
        if (entityId.isPresent() && entityId.get().isEmpty()) {
            s.error("entity_id", "required", "must not be blank (leave it out if the IdP's entity ID is unknown)");
        }
        Optional<String> ssoUrl = url(s, "sso_url").filter(u -> withoutBindingParameters(s, "sso_url", u));
        if (!s.has("sso_url")) {
            s.error("sso_url", "required", "is required when the IdP is entered by hand (or give metadata)");
        }
        Optional<String> sloUrl = url(s, "slo_url");
        boolean hasCerts = s.has("certificates");
        boolean hasFingerprint = s.has("cert_fingerprint");
        Optional<CertificateTrust> trust = Optional.empty();
        if (hasCerts && hasFingerprint) {
            s.error("cert_fingerprint", "conflict", "give certificates or cert_fingerprint, not both");
        } else if (!hasCerts && !hasFingerprint) {
            s.error("certificates", "required",
                    "signatures are always verified: give the IdP's signing certificate(s) or cert_fingerprint");
        }
        if (hasCerts) {
            trust = readCertificates(s, now);
        } else {
            s.raw("certificates");
        }
        Optional<String> fingerprint = s.string("cert_fingerprint", 200);
        Optional<FingerprintAlgorithm> algorithm = s.enumeration("cert_fingerprint_algorithm",
                FingerprintAlgorithm::fromWireName, List.of("sha1", "sha256", "sha384", "sha512"));
        if (hasFingerprint && fingerprint.isPresent() && !s.hasErrorsUnder("cert_fingerprint_algorithm")) {
            FingerprintAlgorithm alg = algorithm.orElse(FingerprintAlgorithm.SHA256);
            Optional<String> normalized = alg.normalize(fingerprint.get());
            if (normalized.isEmpty()) {
                s.error("cert_fingerprint", "invalid_fingerprint",
                        "must be the " + alg.wireName() + " digest in hex (colons optional)");
            } else if (!hasCerts) {
                trust = Optional.of(new CertificateTrust.Fingerprint(alg, normalized.get()));
            }
        }
        if (s.hasErrorsUnder("entity_id") || ssoUrl.isEmpty() || trust.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SamlSource.Manual(entityId, ssoUrl.get(), sloUrl, trust.get()));
    }

    private Optional<CertificateTrust> readCertificates(JsonFields s, Instant now) {
        Optional<JsonNode> raw = s.raw("certificates");
        List<String> texts = new ArrayList<>();
        if (raw.isPresent() && raw.get().isString()) {
            texts.add(raw.get().stringValue());
        } else {
            // re-read as a list with the reader's checks
            Optional<List<String>> list = s.strings("certificates", 10, MAX_CERTIFICATE);
            if (list.isEmpty()) {
                return Optional.empty();
            }
            texts.addAll(list.get());
        }
        if (texts.isEmpty()) {
            s.error("certificates", "required", "must hold at least one certificate");
            return Optional.empty();
        }
        List<String> pems = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < texts.size(); i++) {
            String path = s.path("certificates") + "[" + i + "]";
            if (texts.get(i).length() > MAX_CERTIFICATE) {
                s.errorAt(path, "too_long", "is longer than any certificate");
                ok = false;
                continue;
            }
            try {
                X509Certificate cert = Certificates.parse(texts.get(i));
                if (cert.getNotAfter().toInstant().isBefore(now)) {
                    s.errorAt(path, "certificate_expired", "expired on " + cert.getNotAfter().toInstant());
                    ok = false;
                } else {
                    pems.add(Certificates.toPem(cert));
                }
            } catch (CertificateParseException e) {
                s.errorAt(path, "invalid_certificate", "is not a certificate: " + e.getMessage());
                ok = false;
            }
        }
        return ok ? Optional.of(new CertificateTrust.Pinned(pems)) : Optional.empty();
    }

    private Optional<ProtocolDraft> readOidc(JsonFields o, Optional<KnownProvider> known) {
        int before = o.errors().size();
        boolean oauth2Only = known.orElse(null) == KnownProvider.GITHUB;
        Optional<String> issuer = issuer(o);
        if (!o.has("issuer")) {
            o.error("issuer", "required", "is required");
        }
        Optional<String> clientId = o.requiredString("client_id", 255);
        SecretInput secret = SecretInput.of(o.string("client_secret", 4096));
        Optional<TokenEndpointAuthMethod> method = o.enumeration("token_endpoint_auth_method",
                n -> WireEnum.parse(TokenEndpointAuthMethod.class, n), WireEnum.names(TokenEndpointAuthMethod.class));
        TokenEndpointAuthMethod authMethod = method.orElse(TokenEndpointAuthMethod.CLIENT_SECRET_BASIC);
        Optional<String> alg = o.string("id_token_signed_response_alg", 10).flatMap(a -> {
            if (!ID_TOKEN_ALGS.contains(a)) {
                o.error("id_token_signed_response_alg", "invalid_value",
                        "must be one of " + String.join(", ", ID_TOKEN_ALGS) + " (never none)");
                return Optional.empty();
            }
            return Optional.of(a);
        });
        String idTokenAlg = alg.orElse("RS256");
        List<String> scopes = readScopes(o, oauth2Only);
        Optional<Pkce> pkce = o.enumeration("pkce", n -> WireEnum.parse(Pkce.class, n), WireEnum.names(Pkce.class));
        Optional<String> authorization = url(o, "authorization_endpoint");
        Optional<String> token = url(o, "token_endpoint");
        Optional<String> userinfo = url(o, "userinfo_endpoint");
        Optional<String> jwks = url(o, "jwks_uri");
        Optional<String> endSession = url(o, "end_session_endpoint");
        if (o.has("front_channel_logout_url")) {
            // Front-Channel Logout 1.0 has the provider frame a URL of the relying party: Gatehouse's own, which
            // no setting can move; the provider's logout URL is end_session_endpoint. Stored, it would do nothing.
            o.error("front_channel_logout_url", "not_supported", "cannot be set: Gatehouse serves front-channel"
                    + " logout itself at the frontchannel_logout_uri this provider's response shows (register that URL"
                    + " at the identity provider); the provider's own logout URL goes in end_session_endpoint");
        }
        boolean fetchUserinfo = o.bool("fetch_userinfo").orElse(oauth2Only);
        Optional<String> tenantId = o.string("tenant_id", 100);
        if (tenantId.isPresent() && !tenantId.get().matches("^[A-Za-z0-9.-]{1,100}$")) {
            o.error("tenant_id", "invalid_format", "must be a tenant id (a GUID) or a verified domain");
        }
        Optional<String> hostedDomain = o.string("hosted_domain", 253);
        Optional<String> clientCertificate = o.string("client_certificate", MAX_CERTIFICATE);
        SecretInput clientKey = SecretInput.of(o.string("client_private_key", 64 * 1024));
        o.raw("discovered");
        DiscoveryMode discovery = o.enumeration("discovery", n -> WireEnum.parse(DiscoveryMode.class, n),
                WireEnum.names(DiscoveryMode.class)).orElse(DiscoveryMode.AUTO);

        if (authMethod.usesClientSecret() && secret instanceof SecretInput.Absent) {
            o.error("client_secret", "required", "is required for " + authMethod.wireName());
        }
        if (idTokenAlg.startsWith("HS") && secret instanceof SecretInput.Absent
                && !o.hasErrorsUnder("client_secret")) {
            o.error("client_secret", "required", "is required to verify " + idTokenAlg + " ID tokens");
        }
        if (authMethod == TokenEndpointAuthMethod.NONE && pkce.orElse(Pkce.S256) == Pkce.DISABLED) {
            o.error("pkce", "pkce_required", "a public client (token_endpoint_auth_method none) must use PKCE");
        }
        if (authMethod.usesTlsClientCertificate()) {
            if (clientCertificate.isEmpty()) {
                o.error("client_certificate", "required", "is required for " + authMethod.wireName());
            }
            if (clientKey instanceof SecretInput.Absent) {
                o.error("client_private_key", "required", "is required for " + authMethod.wireName());
            }
        }
        clientCertificate.ifPresent(c -> {
            try {
                Certificates.parse(c);
            } catch (CertificateParseException e) {
                o.error("client_certificate", "invalid_certificate", "is not a certificate: " + e.getMessage());
            }
        });
        if (clientKey instanceof SecretInput.Given g) {
            checkPrivateKey(o, "client_private_key", g);
        }
        if (oauth2Only && (authorization.isEmpty() || token.isEmpty() || userinfo.isEmpty())
                && !o.hasErrorsUnder("authorization_endpoint")) {
            o.error("authorization_endpoint", "required",
                    "an OAuth 2.0-only provider needs authorization_endpoint, token_endpoint and userinfo_endpoint");
        }
        o.refuseUnknownFields();
        if (o.errors().size() > before) {
            return Optional.empty();
        }
        OidcSettings settings = new OidcSettings(issuer.orElseThrow(), clientId.orElseThrow(),
                new OidcSettings.OidcEndpoints(authorization, token, userinfo, jwks, endSession), Optional.empty(),
                authMethod, idTokenAlg, scopes, pkce.orElse(Pkce.S256), fetchUserinfo, tenantId,
                hostedDomain.map(h -> h.toLowerCase(Locale.ROOT)), clientCertificate, oauth2Only, discovery);
        return Optional.of(new ProtocolDraft.Oidc(settings, secret, clientKey));
    }

    private List<String> readScopes(JsonFields o, boolean oauth2Only) {
        Optional<JsonNode> raw = o.raw("scopes");
        List<String> scopes = new ArrayList<>();
        if (raw.isEmpty()) {
            scopes.addAll(OidcSettings.DEFAULT_SCOPES);
        } else if (raw.get().isString()) {
            scopes.addAll(Arrays.stream(raw.get().stringValue().trim().split("\\s+")).filter(x -> !x.isEmpty()).toList());
        } else {
            o.strings("scopes", 30, 100).ifPresent(scopes::addAll);
        }
        for (String scope : scopes) {
            if (!SCOPE.matcher(scope).matches()) {
                o.error("scopes", "invalid_scope", "scopes are space-free printable tokens of 1-100 characters");
                break;
            }
        }
        if (scopes.size() > 30) {
            o.error("scopes", "too_many", "must have at most 30 entries");
        }
        List<String> distinct = new ArrayList<>(scopes.stream().distinct().toList());
        if (!oauth2Only && !distinct.contains("openid")) {
            distinct.addFirst("openid");
        }
        return distinct;
    }

    private List<Mapper> readMappers(JsonFields f) {
        List<Mapper> out = new ArrayList<>();
        Optional<List<JsonFields>> list = f.objects("mappers", Mapper.MAX_MAPPERS);
        if (list.isEmpty()) {
            return out;
        }
        Set<String> names = new HashSet<>();
        for (JsonFields m : list.get()) {
            int before = m.errors().size();
            Optional<String> name = m.requiredString("name", 100);
            name.filter(n -> !names.add(n)).ifPresent(n -> m.error("name", "duplicate", "is used by another mapper"));
            Optional<Mapper.MapperType> type = m.enumeration("type", n -> WireEnum.parse(Mapper.MapperType.class, n),
                    WireEnum.names(Mapper.MapperType.class));
            if (!m.has("type")) {
                m.error("type", "required", "is required: " + String.join(", ", WireEnum.names(Mapper.MapperType.class)));
            }
            Optional<String> source = m.string("source", 500);
            Optional<String> target = m.string("target", 100);
            Optional<String> value = m.string("value", 500);
            int priority = m.integer("priority", 0, 10_000).orElse(0);
            Map<String, String> valueMap = new LinkedHashMap<>();
            m.object("value_map").ifPresent(vm -> readValueMap(m, valueMap));
            if (type.isPresent()) {
                switch (type.get()) {
                    case ATTRIBUTE -> {
                        if (source.isEmpty()) {
                            m.error("source", "required", "is required for an attribute mapper");
                        }
                        requireTarget(m, target);
                    }
                    case ROLE, TEAM -> {
                        if (source.isEmpty()) {
                            m.error("source", "required", "is required for a " + type.get().wireName() + " mapper");
                        }
                        if (valueMap.isEmpty() && value.isEmpty()) {
                            m.error("value_map", "required",
                                    "maps asserted values to " + type.get().wireName() + "s; give at least one entry");
                        }
                    }
                    case HARDCODED -> {
                        requireTarget(m, target);
                        if (value.isEmpty()) {
                            m.error("value", "required", "is required for a hardcoded mapper");
                        }
                    }
                }
            }
            m.refuseUnknownFields();
            if (m.errors().size() == before && name.isPresent() && type.isPresent()) {
                String t = target.orElse(type.get() == Mapper.MapperType.TEAM ? "team" : "role");
                out.add(new Mapper(name.get(), type.get(), source, t, valueMap, value, priority));
            }
        }
        return out;
    }

    private static void readValueMap(JsonFields m, Map<String, String> into) {
        JsonNode node = m.raw("value_map").orElseThrow();
        if (node.size() > 200) {
            m.error("value_map", "too_many", "must have at most 200 entries");
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString() || e.getValue().stringValue().length() > 200 || e.getKey().length() > 500) {
                m.errorAt(m.path("value_map") + "." + truncate(e.getKey()), "type",
                        "must map a value (≤ 500 characters) to a string of at most 200 characters");
            } else {
                into.put(e.getKey(), e.getValue().stringValue());
            }
        }
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private static void requireTarget(JsonFields m, Optional<String> target) {
        if (target.isEmpty()) {
            m.error("target", "required", "is required: a profile field or custom.<name>");
        } else if (!PROFILE_TARGET.matcher(target.get()).matches()) {
            m.error("target", "invalid_value",
                    "must be email, email_verified, given_name, family_name, name, username, groups, role, team"
                            + " or custom.<name>");
        }
    }

    private Provisioning readProvisioning(JsonFields p) {
        Optional<Provisioning.Mode> mode = p.enumeration("mode", n -> WireEnum.parse(Provisioning.Mode.class, n),
                WireEnum.names(Provisioning.Mode.class));
        Optional<Provisioning.SyncMode> sync = p.enumeration("sync_mode",
                n -> WireEnum.parse(Provisioning.SyncMode.class, n), WireEnum.names(Provisioning.SyncMode.class));
        Optional<Provisioning.RoleManagement> roles = p.enumeration("role_management",
                n -> WireEnum.parse(Provisioning.RoleManagement.class, n),
                WireEnum.names(Provisioning.RoleManagement.class));
        Optional<String> defaultRole = p.string("default_role", 100).filter(v -> !v.isBlank());
        Optional<String> defaultTeam = p.string("default_team", 100).filter(v -> !v.isBlank());
        Optional<Boolean> anyEmailDomain = p.bool("allow_any_email_domain");
        p.refuseUnknownFields();
        Provisioning d = Provisioning.DEFAULT;
        return new Provisioning(mode.orElse(d.mode()), sync.orElse(d.syncMode()), roles.orElse(d.roleManagement()),
                defaultRole, defaultTeam, anyEmailDomain.orElse(d.allowAnyEmailDomain()));
    }

    /**
     * A configured URL, whether the browser is sent there or Gatehouse fetches from it: absolute,
     * https (http only in development), no credentials, no private address on its face. Fetched
     * URLs are checked again, address by address, by the fetcher at the moment of fetching.
     */
    private Optional<String> url(JsonFields f, String name) {
        return f.string(name, MAX_URL).flatMap(url -> checkUrl(f, name, url));
    }

    /**
     * The issuer is compared character for character with the ID token's iss and is the base of the
     * discovery URL: a URL with no query and no fragment (OpenID Connect Discovery 1.0, section 3).
     */
    private Optional<String> issuer(JsonFields o) {
        Optional<String> text = o.string("issuer", MAX_URL);
        if (text.isEmpty()) {
            return text;
        }
        try {
            URI uri = new URI(text.get().strip());
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                o.error("issuer", "invalid_issuer", "must have no ?query and no #fragment (OpenID Connect Discovery"
                        + " 1.0, section 3): give the issuer exactly as the IdP's discovery document states it");
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // checkUrl names it
        }
        return checkUrl(o, "issuer", text.get());
    }

    /**
     * An SSO URL that already carries a binding parameter would reach the IdP with two SAMLRequests
     * or RelayStates, and which one it reads is up to the IdP: refused rather than guessed.
     */
    private static boolean withoutBindingParameters(JsonFields s, String name, String url) {
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return true;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String parameter = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (BINDING_PARAMETERS.contains(parameter.toLowerCase(Locale.ROOT))) {
                s.error(name, "binding_parameter_in_url", "must not carry " + parameter + ": Gatehouse adds"
                        + " SAMLRequest, RelayState, SigAlg and Signature itself when it sends the user there");
                return false;
            }
        }
        return true;
    }

    private Optional<String> checkUrl(JsonFields f, String name, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            f.error(name, "invalid_url", "is not a valid URL");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.isOpaque()) {
            f.error(name, "invalid_url", "must be an absolute URL such as https://idp.example.com/...");
            return Optional.empty();
        }
        if (!scheme.equals("https") && !(allowPrivateNetwork && scheme.equals("http"))) {
            f.error(name, "https_required", "must use https");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            f.error(name, "invalid_url", "must not carry a user name or password");
            return Optional.empty();
        }
        if (uri.getRawFragment() != null) {
            f.error(name, "invalid_url", "must not have a #fragment");
            return Optional.empty();
        }
        if (!allowPrivateNetwork && AddressRules.isForbiddenHost(IDN.toASCII(uri.getHost(), IDN.ALLOW_UNASSIGNED))) {
            f.error(name, "private_address", "must not point at a loopback, private or link-local address");
            return Optional.empty();
        }
        return Optional.of(uri.toString());
    }

    private static void checkPrivateKey(JsonFields f, String name, SecretInput.Given key) {
        try {
            PrivateKeys.parsePem(key.secret().value());
        } catch (PrivateKeys.PrivateKeyException e) {
            // the message names the problem, never the key
            f.error(name, "invalid_private_key", "must be a PEM-encoded private key; it " + e.getMessage());
        }
    }
}
