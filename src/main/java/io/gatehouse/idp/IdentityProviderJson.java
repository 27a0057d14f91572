package io.gatehouse.idp;

import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.crypto.Secret;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.idp.SamlSettings.ResolvedSamlIdp;
import io.gatehouse.idp.SamlSettings.SamlOptions;
import io.gatehouse.idp.SamlSettings.SamlSource;
import io.gatehouse.idp.oidc.DiscoveryMode;
import io.gatehouse.idp.oidc.Pkce;
import io.gatehouse.idp.oidc.TokenEndpointAuthMethod;
import io.gatehouse.idp.saml.SamlBinding;
import io.gatehouse.idp.saml.SamlEndpoint;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.tenancy.OrgId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON shape of an identity provider's configuration, in both directions: the request
 * view (what an admin sends, secrets masked; also the base a PATCH merges onto) and the stored
 * form (the request view plus what metadata and discovery resolved).
 */
public final class IdentityProviderJson {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private IdentityProviderJson() {
    }

    /** The fields an admin sets, as the API shows them; secrets appear as the mask when set. */
    public static ObjectNode requestView(IdentityProvider idp) {
        ObjectNode o = JSON.createObjectNode();
        o.put("alias", idp.alias().value());
        o.put("display_name", idp.displayName());
        o.put("protocol", idp.protocol().wireName());
        o.put("status", idp.status().wireName());
        o.put("enabled", idp.active());
        idp.knownProvider().ifPresentOrElse(k -> o.put("known_provider", k.wireName()), () -> o.putNull("known_provider"));
        ArrayNode domains = o.putArray("domains");
        idp.domains().forEach(d -> domains.add(d.value()));
        switch (idp.settings()) {
            case SamlSettings saml -> o.set("saml", samlView(saml, idp.secrets()));
            case OidcSettings oidc -> o.set("oidc", oidcView(oidc, idp.secrets()));
        }
        ArrayNode mappers = o.putArray("mappers");
        idp.mappers().forEach(m -> mappers.add(mapper(m)));
        o.set("provisioning", provisioning(idp.provisioning()));
        putOptional(o, "error_url", idp.errorUrl());
        putOptional(o, "logout_redirect_url", idp.logoutRedirectUrl());
        return o;
    }

    /** The stored configuration: the request view plus resolved metadata / discovery, no secrets. */
    public static String stored(IdentityProvider idp) {
        ObjectNode o = requestView(idp);
        switch (idp.settings()) {
            case SamlSettings saml -> {
                ObjectNode s = (ObjectNode) o.get("saml");
                s.remove("decryption_private_key");
                s.set("resolved", resolved(saml.resolved()));
            }
            case OidcSettings oidc -> {
                ObjectNode s = (ObjectNode) o.get("oidc");
                s.remove("client_secret");
                s.remove("client_private_key");
                s.put("oauth2_only", oidc.oauth2Only());
                oidc.discovered().ifPresent(d -> s.set("discovered", discovered(d)));
            }
        }
        return JSON.writeValueAsString(o);
    }

    /** The provider from its stored configuration; its lifecycle is kept in columns of its own. */
    public static IdentityProvider fromStored(String id, OrgId org, String configJson, Lifecycle lifecycle,
                                              IdpSecrets secrets, Instant createdAt, Instant updatedAt, long version) {
        JsonNode o = JSON.readTree(configJson);
        Protocol protocol = WireEnum.parse(Protocol.class, o.get("protocol").stringValue()).orElseThrow();
        ProtocolSettings settings = switch (protocol) {
            case SAML -> samlFromStored(o.get("saml"));
            case OIDC -> oidcFromStored(o.get("oidc"));
        };
        List<EmailDomain> domains = new ArrayList<>();
        o.get("domains").forEach(d -> domains.add(new EmailDomain(d.stringValue())));
        List<Mapper> mappers = new ArrayList<>();
        o.get("mappers").forEach(m -> mappers.add(mapperFrom(m)));
        return new IdentityProvider(id, org, new IdpAlias(o.get("alias").stringValue()),
                o.get("display_name").stringValue(), lifecycle,
                opt(o, "known_provider").flatMap(k -> WireEnum.parse(KnownProvider.class, k)), domains, settings,
                mappers, provisioningFrom(o.get("provisioning")), opt(o, "error_url"), opt(o, "logout_redirect_url"),
                secrets, createdAt, updatedAt, version);
    }

    // --- SAML

    private static ObjectNode samlView(SamlSettings saml, IdpSecrets secrets) {
        ObjectNode s = JSON.createObjectNode();
        switch (saml.source()) {
            case SamlSource.MetadataXml x -> s.put("metadata_xml", x.xml());
            case SamlSource.MetadataUrl u -> s.put("metadata_url", u.url());
            case SamlSource.Manual m -> {
                m.entityId().ifPresent(e -> s.put("entity_id", e));
                s.put("sso_url", m.ssoUrl());
                putOptional(s, "slo_url", m.sloUrl());
                trust(s, m.trust());
            }
        }
        SamlOptions opt = saml.options();
        s.put("sso_binding", opt.ssoBinding().apiName());
        // only when the admin set it: left out, the IdP's metadata decides (the API's response shows the outcome)
        opt.signAuthnRequests().ifPresent(v -> s.put("sign_authn_requests", v));
        s.put("want_assertions_signed", opt.wantAssertionsSigned());
        s.put("want_response_signed", opt.wantResponseSigned());
        putOptional(s, "name_id_format", opt.nameIdFormat());
        s.put("disable_requested_authn_context", opt.disableRequestedAuthnContext());
        s.put("allow_idp_initiated", opt.allowIdpInitiated());
        s.put("allow_sha1", opt.allowSha1());
        s.put("force_authn", opt.forceAuthn());
        putOptional(s, "default_application", opt.defaultApplication());
        s.put("signature_algorithm", opt.signatureAlgorithm().wireName());
        s.put("clock_skew_seconds", opt.clockSkewSeconds());
        if (saml.source() instanceof SamlSource.MetadataUrl) {
            s.put("metadata_refresh_seconds", opt.metadataRefreshSeconds());
        }
        putSecret(s, IdpSecrets.Field.DECRYPTION_PRIVATE_KEY, secrets, saml);
        return s;
    }

    private static void trust(ObjectNode s, CertificateTrust trust) {
        switch (trust) {
            case CertificateTrust.Pinned p -> {
                ArrayNode certs = s.putArray("certificates");
                p.certificatesPem().forEach(certs::add);
            }
            case CertificateTrust.Fingerprint f -> {
                s.put("cert_fingerprint", f.value());
                s.put("cert_fingerprint_algorithm", f.algorithm().wireName());
            }
        }
    }

    private static ObjectNode resolved(ResolvedSamlIdp r) {
        ObjectNode o = JSON.createObjectNode();
        putOptional(o, "entity_id", r.entityId());
        o.set("sso_services", endpoints(r.ssoServices()));
        o.set("slo_services", endpoints(r.sloServices()));
        trust(o, r.trust());
        ArrayNode formats = o.putArray("name_id_formats");
        r.nameIdFormats().forEach(formats::add);
        r.validUntil().ifPresent(v -> o.put("valid_until", v.toString()));
        r.cacheDuration().ifPresent(d -> o.put("cache_duration_seconds", d.toSeconds()));
        r.fetchedAt().ifPresent(v -> o.put("fetched_at", v.toString()));
        o.put("want_authn_requests_signed", r.wantAuthnRequestsSigned());
        return o;
    }

    static ArrayNode endpoints(List<SamlEndpoint> endpoints) {
        ArrayNode a = JSON.createArrayNode();
        for (SamlEndpoint e : endpoints) {
            ObjectNode n = a.addObject().put("binding", e.binding().apiName()).put("location", e.location());
            e.responseLocation().ifPresent(r -> n.put("response_location", r));
        }
        return a;
    }

    /**
     * The admin's choice, if any. Rows stored before the metadata's WantAuthnRequestsSigned counted
     * (their resolved part lacks it) always carried the flag, so a false there was the old default,
     * not a choice: such a row follows the metadata from its next resolution on.
     */
    private static Optional<Boolean> signAuthnRequests(JsonNode s, JsonNode resolved) {
        if (!s.has("sign_authn_requests")) {
            return Optional.empty();
        }
        boolean value = s.get("sign_authn_requests").booleanValue();
        return !value && !resolved.has("want_authn_requests_signed") ? Optional.empty() : Optional.of(value);
    }

    private static SamlSettings samlFromStored(JsonNode s) {
        JsonNode r = s.get("resolved");
        CertificateTrust resolvedTrust = trustFrom(r);
        SamlSource source;
        if (s.has("metadata_xml")) {
            source = new SamlSource.MetadataXml(s.get("metadata_xml").stringValue());
        } else if (s.has("metadata_url")) {
            source = new SamlSource.MetadataUrl(s.get("metadata_url").stringValue());
        } else {
            source = new SamlSource.Manual(opt(s, "entity_id"), s.get("sso_url").stringValue(),
                    opt(s, "slo_url"), trustFrom(s));
        }
        SamlOptions options = new SamlOptions(SamlBinding.fromApiName(s.get("sso_binding").stringValue()).orElseThrow(),
                signAuthnRequests(s, r),
                s.get("want_assertions_signed").booleanValue(),
                s.get("want_response_signed").booleanValue(), opt(s, "name_id_format"),
                s.get("disable_requested_authn_context").booleanValue(), s.get("allow_idp_initiated").booleanValue(),
                s.get("allow_sha1").booleanValue(), s.get("force_authn").booleanValue(),
                WireEnum.parse(SignatureAlgorithm.class, s.get("signature_algorithm").stringValue()).orElseThrow(),
                s.get("clock_skew_seconds").intValue(),
                s.has("metadata_refresh_seconds") ? s.get("metadata_refresh_seconds").intValue()
                        : SamlOptions.DEFAULT_METADATA_REFRESH, opt(s, "default_application"));
        List<String> formats = new ArrayList<>();
        r.get("name_id_formats").forEach(f -> formats.add(f.stringValue()));
        ResolvedSamlIdp resolved = new ResolvedSamlIdp(opt(r, "entity_id"),
                endpointsFrom(r.get("sso_services")), endpointsFrom(r.get("slo_services")), resolvedTrust, formats,
                opt(r, "valid_until").map(Instant::parse),
                r.has("cache_duration_seconds") ? Optional.of(Duration.ofSeconds(r.get("cache_duration_seconds").longValue()))
                        : Optional.empty(),
                opt(r, "fetched_at").map(Instant::parse), r.path("want_authn_requests_signed").asBoolean(false));
        return new SamlSettings(source, resolved, options);
    }

    private static CertificateTrust trustFrom(JsonNode n) {
        if (n.has("certificates")) {
            List<String> pems = new ArrayList<>();
            n.get("certificates").forEach(c -> pems.add(c.stringValue()));
            return new CertificateTrust.Pinned(pems);
        }
        return new CertificateTrust.Fingerprint(
                FingerprintAlgorithm.fromWireName(n.get("cert_fingerprint_algorithm").stringValue()).orElseThrow(),
                n.get("cert_fingerprint").stringValue());
    }

    private static List<SamlEndpoint> endpointsFrom(JsonNode a) {
        List<SamlEndpoint> out = new ArrayList<>();
        a.forEach(e -> out.add(new SamlEndpoint(SamlBinding.fromApiName(e.get("binding").stringValue())
                .orElse(SamlBinding.OTHER), e.get("location").stringValue(), opt(e, "response_location"))));
        return out;
    }

    // --- OIDC

    private static ObjectNode oidcView(OidcSettings oidc, IdpSecrets secrets) {
        ObjectNode o = JSON.createObjectNode();
        o.put("issuer", oidc.issuer());
        o.put("client_id", oidc.clientId());
        putSecret(o, IdpSecrets.Field.CLIENT_SECRET, secrets, oidc);
        OidcSettings.OidcEndpoints c = oidc.configured();
        putOptional(o, "authorization_endpoint", c.authorization());
        putOptional(o, "token_endpoint", c.token());
        putOptional(o, "userinfo_endpoint", c.userinfo());
        putOptional(o, "jwks_uri", c.jwks());
        putOptional(o, "end_session_endpoint", c.endSession());
        o.put("token_endpoint_auth_method", oidc.tokenEndpointAuthMethod().wireName());
        o.put("id_token_signed_response_alg", oidc.idTokenSignedResponseAlg());
        ArrayNode scopes = o.putArray("scopes");
        oidc.scopes().forEach(scopes::add);
        o.put("pkce", oidc.pkce().wireName());
        o.put("fetch_userinfo", oidc.fetchUserinfo());
        putOptional(o, "tenant_id", oidc.tenantId());
        putOptional(o, "hosted_domain", oidc.hostedDomain());
        putOptional(o, "client_certificate", oidc.tlsClientCertificate());
        putSecret(o, IdpSecrets.Field.CLIENT_PRIVATE_KEY, secrets, oidc);
        o.put("discovery", oidc.discovery().wireName());
        return o;
    }

    private static ObjectNode discovered(OidcSettings.Discovered d) {
        ObjectNode o = JSON.createObjectNode();
        o.set("endpoints", endpointsJson(d.endpoints()));
        o.set("code_challenge_methods_supported", strings(d.codeChallengeMethods()));
        o.set("id_token_signing_alg_values_supported", strings(d.idTokenSigningAlgs()));
        o.set("token_endpoint_auth_methods_supported", strings(d.tokenEndpointAuthMethods()));
        o.put("authorization_response_iss_parameter_supported", d.authorizationResponseIssParameterSupported());
        o.put("fetched_at", d.fetchedAt().toString());
        return o;
    }

    static ObjectNode endpointsJson(OidcSettings.OidcEndpoints e) {
        ObjectNode o = JSON.createObjectNode();
        putOptional(o, "authorization_endpoint", e.authorization());
        putOptional(o, "token_endpoint", e.token());
        putOptional(o, "userinfo_endpoint", e.userinfo());
        putOptional(o, "jwks_uri", e.jwks());
        putOptional(o, "end_session_endpoint", e.endSession());
        return o;
    }

    private static OidcSettings.OidcEndpoints oidcEndpointsFrom(JsonNode o) {
        return new OidcSettings.OidcEndpoints(opt(o, "authorization_endpoint"), opt(o, "token_endpoint"),
                opt(o, "userinfo_endpoint"), opt(o, "jwks_uri"), opt(o, "end_session_endpoint"));
    }

    private static OidcSettings oidcFromStored(JsonNode o) {
        Optional<OidcSettings.Discovered> discovered = Optional.ofNullable(o.get("discovered")).map(d ->
                new OidcSettings.Discovered(oidcEndpointsFrom(d.get("endpoints")),
                        stringList(d.get("code_challenge_methods_supported")),
                        stringList(d.get("id_token_signing_alg_values_supported")),
                        stringList(d.get("token_endpoint_auth_methods_supported")),
                        d.get("authorization_response_iss_parameter_supported").booleanValue(),
                        Instant.parse(d.get("fetched_at").stringValue())));
        return new OidcSettings(o.get("issuer").stringValue(), o.get("client_id").stringValue(), oidcEndpointsFrom(o),
                discovered,
                WireEnum.parse(TokenEndpointAuthMethod.class, o.get("token_endpoint_auth_method").stringValue()).orElseThrow(),
                o.get("id_token_signed_response_alg").stringValue(), stringList(o.get("scopes")),
                WireEnum.parse(Pkce.class, o.get("pkce").stringValue()).orElseThrow(),
                o.get("fetch_userinfo").booleanValue(), opt(o, "tenant_id"), opt(o, "hosted_domain"),
                opt(o, "client_certificate"), o.path("oauth2_only").asBoolean(false),
                WireEnum.parse(DiscoveryMode.class, o.path("discovery").asString("auto")).orElse(DiscoveryMode.AUTO));
    }

    // --- mappers and provisioning

    private static ObjectNode mapper(Mapper m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", m.name());
        o.put("type", m.type().wireName());
        putOptional(o, "source", m.source());
        o.put("target", m.target());
        ObjectNode vm = o.putObject("value_map");
        m.valueMap().forEach(vm::put);
        putOptional(o, "value", m.value());
        o.put("priority", m.priority());
        return o;
    }

    private static Mapper mapperFrom(JsonNode m) {
        Map<String, String> vm = new LinkedHashMap<>();
        m.get("value_map").properties().forEach(e -> vm.put(e.getKey(), e.getValue().stringValue()));
        return new Mapper(m.get("name").stringValue(),
                WireEnum.parse(Mapper.MapperType.class, m.get("type").stringValue()).orElseThrow(), opt(m, "source"),
                m.get("target").stringValue(), vm, opt(m, "value"), m.get("priority").intValue());
    }

    private static ObjectNode provisioning(Provisioning p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("mode", p.mode().wireName());
        o.put("sync_mode", p.syncMode().wireName());
        o.put("role_management", p.roleManagement().wireName());
        putOptional(o, "default_role", p.defaultRole());
        putOptional(o, "default_team", p.defaultTeam());
        o.put("allow_any_email_domain", p.allowAnyEmailDomain());
        return o;
    }

    private static Provisioning provisioningFrom(JsonNode p) {
        return new Provisioning(WireEnum.parse(Provisioning.Mode.class, p.get("mode").stringValue()).orElseThrow(),
                WireEnum.parse(Provisioning.SyncMode.class, p.get("sync_mode").stringValue()).orElseThrow(),
                WireEnum.parse(Provisioning.RoleManagement.class, p.get("role_management").stringValue()).orElseThrow(),
                opt(p, "default_role"), opt(p, "default_team"),
                // stored before the flag existed: absent means the secure default
                p.path("allow_any_email_domain").asBoolean(false));
    }

    // --- small pieces

    static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static List<String> stringList(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(v -> out.add(v.stringValue()));
        }
        return out;
    }

    static void putOptional(ObjectNode o, String field, Optional<String> value) {
        value.ifPresentOrElse(v -> o.put(field, v), () -> o.putNull(field));
    }

    private static void putSecret(ObjectNode o, IdpSecrets.Field field, IdpSecrets secrets, ProtocolSettings settings) {
        if (secrets.isSet(field, settings)) {
            o.put(field.wireName(), Secret.MASK);
        } else {
            o.putNull(field.wireName());
        }
    }

    static Optional<String> opt(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.stringValue());
    }
}
