package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.FingerprintAlgorithm;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SpEndpoints;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Telnyx's {@code POST /authentication_providers}: a SAML provider by entity ID, SSO URL and
 * certificate fingerprint (default sha1), or filled from {@code settings_url}; 200 with {@code data}.
 */
@RestController
class TelnyxEndpoint {
    static final String PATH = "/compat/telnyx/authentication_providers";
    static final String UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final FieldTable TABLE = new FieldTable()
            .copy("name", "display_name")
            .copy("short_name", "alias")
            .copy("active", "enabled")
            .copy("settings.idp_entity_id", "saml.entity_id")
            .copy("settings.idp_sso_target_url", "saml.sso_url")
            .copy("settings.idp_cert_fingerprint", "saml.cert_fingerprint")
            .converted("settings.idp_cert_fingerprint_algorithm", "saml.cert_fingerprint_algorithm")
            .converted("settings_url", "saml.metadata_url")
            .names("saml", "settings");

    private final IdentityProviders registry;

    TelnyxEndpoint(IdentityProviders registry) {
        this.registry = registry;
    }

    @PostMapping(PATH)
    ResponseEntity<byte[]> create(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.managed(caller, request);
        ObjectNode seed = RequestBodies.jsonObject(request);
        List<FieldError> errors = new ArrayList<>(TABLE.unknownFields(seed));
        for (String required : List.of("name", "short_name")) {
            if (FieldTable.at(seed, required) == null) {
                errors.add(new FieldError(required, "required", "is required"));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("protocol", "saml");
        JsonNode settings = FieldTable.at(seed, "settings");
        JsonNode settingsUrl = FieldTable.at(seed, "settings_url");
        if (settings != null && !settings.isObject()) {
            errors.add(new FieldError("settings", "type", "must be an object"));
        }
        TABLE.copyInto(seed, body);
        if (settings instanceof ObjectNode given) {
            // "If the settings attribute is provided, that will be used instead" of settings_url
            for (String required : List.of("idp_entity_id", "idp_sso_target_url", "idp_cert_fingerprint")) {
                if (given.get(required) == null || given.get(required).isNull()) {
                    errors.add(new FieldError("settings." + required, "required", "is required"));
                }
            }
            JsonNode algorithm = given.get("idp_cert_fingerprint_algorithm");
            // "settings": {} copies nothing, so the saml object may not exist yet
            FieldTable.put(body, "saml.cert_fingerprint_algorithm",
                    algorithm == null || algorithm.isNull() ? JSON.getNodeFactory().stringNode("sha1") : algorithm);
        } else if (settingsUrl != null) {
            body.putObject("saml").set("metadata_url", settingsUrl);
        } else {
            errors.add(new FieldError("settings", "required", "give settings, or settings_url to read them from"
                    + " the IdP's metadata"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        IdentityProvider idp = registry.create(caller, org, body);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("data", data(idp, registry.baseUrl()));
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(answer));
    }

    static ObjectNode data(IdentityProvider idp, String baseUrl) {
        if (!(idp.settings() instanceof SamlSettings saml)) {
            // the body sent to the registry names protocol saml, so this cannot be
            throw new IllegalStateException("a Telnyx authentication provider is SAML");
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("id", idp.id());
        d.put("record_type", "authentication_provider");
        d.put("name", idp.displayName());
        d.put("short_name", idp.alias().value());
        d.put("organization_id", idp.org().value());
        d.put("active", idp.active());
        ObjectNode s = d.putObject("settings");
        SpEndpoints sp = SpEndpoints.of(baseUrl, idp.org(), idp.alias());
        s.put("assertion_consumer_service_url", sp.acsUrl());
        s.put("service_provider_entity_id", sp.entityId());
        s.put("idp_entity_id", saml.resolved().entityId().orElse(""));
        s.put("idp_sso_target_url", saml.resolved().sso(saml.options().ssoBinding())
                .or(() -> saml.resolved().ssoServices().stream().findFirst()).map(e -> e.location()).orElse(""));
        switch (saml.resolved().trust()) {
            case SamlSettings.CertificateTrust.Fingerprint f -> {
                s.put("idp_cert_fingerprint", colons(f.value()));
                s.put("idp_cert_fingerprint_algorithm", f.algorithm().wireName());
            }
            case SamlSettings.CertificateTrust.Pinned p -> {
                s.put("idp_cert_fingerprint", p.certificatesPem().isEmpty() ? "" : colons(sha256(p.certificatesPem().getFirst())));
                s.put("idp_cert_fingerprint_algorithm", FingerprintAlgorithm.SHA256.wireName());
            }
        }
        s.put("name_identifier_format", saml.options().nameIdFormat()
                .or(() -> saml.resolved().nameIdFormats().stream().findFirst()).orElse(UNSPECIFIED));
        d.put("created_at", MillisTimestamp.of(idp.createdAt()));
        d.put("updated_at", MillisTimestamp.of(idp.updatedAt()));
        return d;
    }

    /** Telnyx shows fingerprints as upper-case hex pairs separated by colons. */
    static String colons(String hex) {
        String plain = hex.replace(":", "").toUpperCase(java.util.Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < plain.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(plain, i, Math.min(i + 2, plain.length()));
        }
        return out.toString();
    }

    private static String sha256(String pem) {
        try {
            return FingerprintAlgorithm.SHA256.fingerprint(Certificates.parse(pem));
        } catch (CertificateParseException e) {
            // stored certificates were parsed on save; an unreadable one has no fingerprint to show
            return "";
        }
    }
}
