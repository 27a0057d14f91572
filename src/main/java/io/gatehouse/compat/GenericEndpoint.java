package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviderJson;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Keycloak-style {@code POST /api/identity-providers}: alias, provider_id, oidc_config or
 * saml_config, Keycloak broker mappers; answers 201 with the provider, secrets masked.
 */
@RestController
class GenericEndpoint {
    static final String PATH = "/compat/generic/api/identity-providers";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASK = "**********";

    static final FieldTable TABLE = new FieldTable()
            .copy("alias", "alias")
            .copy("display_name", "display_name")
            .copy("provider_id", "protocol")
            .copy("enabled", "enabled")
            .copy("known_provider", "known_provider")
            .copy("oidc_config.authorization_url", "oidc.authorization_endpoint")
            .copy("oidc_config.token_url", "oidc.token_endpoint")
            .copy("oidc_config.client_id", "oidc.client_id")
            .copy("oidc_config.client_secret", "oidc.client_secret")
            .copy("oidc_config.user_info_url", "oidc.userinfo_endpoint")
            .copy("oidc_config.jwks_url", "oidc.jwks_uri")
            .copy("oidc_config.issuer", "oidc.issuer")
            .copy("oidc_config.default_scope", "oidc.scopes")
            .converted("oidc_config.sync_mode", "provisioning.sync_mode")
            .known("oidc_config.validate_signature")
            .known("oidc_config.use_jwks_url")
            .converted("oidc_config.pkce_enabled", "oidc.pkce")
            .known("oidc_config.pkce_method")
            .copy("saml_config.idp_entity_id", "saml.entity_id")
            .copy("saml_config.single_sign_on_service_url", "saml.sso_url")
            .copy("saml_config.single_logout_service_url", "saml.slo_url")
            .copy("saml_config.name_id_policy_format", "saml.name_id_format")
            .converted("saml_config.signing_certificate", "saml.certificates")
            .names("saml.certificates[0]", "saml_config.signing_certificate")
            .copy("saml_config.want_authn_requests_signed", "saml.sign_authn_requests")
            .converted("saml_config.post_binding_authn_request", "saml.sso_binding")
            .known("saml_config.post_binding_response")
            .converted("saml_config.sync_mode", "provisioning.sync_mode")
            .converted("mappers", "mappers")
            .names("oidc", "oidc_config")
            .names("saml", "saml_config");

    private final IdentityProviders registry;

    GenericEndpoint(IdentityProviders registry) {
        this.registry = registry;
    }

    @PostMapping(PATH)
    ResponseEntity<byte[]> create(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.managed(caller, request);
        ObjectNode seed = RequestBodies.jsonObject(request);
        List<FieldError> errors = new ArrayList<>(TABLE.unknownFields(seed));
        for (String container : List.of("oidc_config", "saml_config")) {
            JsonNode c = seed.get(container);
            if (c != null && !c.isNull() && !c.isObject()) {
                errors.add(new FieldError(container, "type", "must be an object"));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        TABLE.copyInto(seed, body);
        String protocol = text(seed, "provider_id").orElse("");
        // only the config of the chosen protocol counts, as in Keycloak
        body.remove("oidc".equals(protocol) ? "saml" : "oidc");
        if ("oidc".equals(protocol)) {
            oidc(seed, body, errors);
        } else if ("saml".equals(protocol)) {
            saml(seed, body, errors);
        }
        mappers(seed, body, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        IdentityProvider idp = registry.create(caller, org, body);
        return ResponseEntity.created(URI.create(PATH + "/" + idp.alias().value()))
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(response(idp)));
    }

    @GetMapping(PATH + "/{alias}")
    ResponseEntity<byte[]> get(Caller caller, @PathVariable String alias, HttpServletRequest request) {
        IdentityProvider idp = registry.get(caller, CredentialOrg.of(caller, request), alias);
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(response(idp)));
    }

    private static void oidc(ObjectNode seed, ObjectNode body, List<FieldError> errors) {
        ObjectNode oidc = body.has("oidc") ? (ObjectNode) body.get("oidc") : body.putObject("oidc");
        if (flag(seed, errors, "oidc_config.validate_signature").orElse(true) == Boolean.FALSE) {
            errors.add(new FieldError("oidc_config.validate_signature", "not_allowed",
                    "ID token signatures are always validated; remove the field or set it to true"));
        }
        if (flag(seed, errors, "oidc_config.use_jwks_url").orElse(true) == Boolean.FALSE) {
            errors.add(new FieldError("oidc_config.use_jwks_url", "not_allowed",
                    "keys are taken from the IdP's JWKS (jwks_url or discovery); remove the field or set it to true"));
        }
        Optional<Boolean> pkceEnabled = flag(seed, errors, "oidc_config.pkce_enabled");
        Optional<String> method = text(seed, "oidc_config.pkce_method");
        if (method.isPresent() && !List.of("S256", "plain").contains(method.get())) {
            errors.add(new FieldError("oidc_config.pkce_method", "invalid_value", "must be S256 or plain"));
        } else if (pkceEnabled.isPresent()) {
            oidc.put("pkce", pkceEnabled.get() ? method.orElse("S256") : "disabled");
        } else {
            method.ifPresent(m -> oidc.put("pkce", m));
        }
        syncMode(seed, "oidc_config.sync_mode", body, errors);
    }

    private static void saml(ObjectNode seed, ObjectNode body, List<FieldError> errors) {
        ObjectNode saml = body.has("saml") ? (ObjectNode) body.get("saml") : body.putObject("saml");
        JsonNode certificate = FieldTable.at(seed, "saml_config.signing_certificate");
        if (certificate != null) {
            saml.putArray("certificates").add(certificate);
        }
        flag(seed, errors, "saml_config.post_binding_authn_request")
                .ifPresent(post -> saml.put("sso_binding", post ? "post" : "redirect"));
        if (flag(seed, errors, "saml_config.post_binding_response").orElse(true) == Boolean.FALSE) {
            errors.add(new FieldError("saml_config.post_binding_response", "not_allowed",
                    "responses come back to the ACS by HTTP-POST; remove the field or set it to true"));
        }
        syncMode(seed, "saml_config.sync_mode", body, errors);
    }

    /** Keycloak's sync modes; INHERIT means the default. */
    private static void syncMode(ObjectNode seed, String field, ObjectNode body, List<FieldError> errors) {
        text(seed, field).ifPresent(mode -> {
            switch (mode) {
                case "INHERIT" -> {
                }
                case "IMPORT", "FORCE", "LEGACY" -> FieldTable.put(body, "provisioning.sync_mode",
                        JSON.getNodeFactory().stringNode(mode.toLowerCase(Locale.ROOT)));
                default -> errors.add(new FieldError(field, "invalid_value",
                        "must be one of INHERIT, IMPORT, FORCE, LEGACY"));
            }
        });
    }

    /** Keycloak broker mappers translated into native ones, by mapper type. */
    private static void mappers(ObjectNode seed, ObjectNode body, List<FieldError> errors) {
        JsonNode list = seed.get("mappers");
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            errors.add(new FieldError("mappers", "type", "must be an array"));
            return;
        }
        ArrayNode out = body.putArray("mappers");
        for (int i = 0; i < list.size(); i++) {
            String path = "mappers[" + i + "]";
            if (!(list.get(i) instanceof ObjectNode m)) {
                errors.add(new FieldError(path, "type", "must be an object"));
                continue;
            }
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                if (!List.of("name", "identity_provider_mapper", "id", "config").contains(e.getKey())) {
                    errors.add(new FieldError(path + "." + e.getKey(), "unknown_field", "is not a field of this API"));
                }
            }
            JsonNode config = m.get("config");
            if (config != null && !config.isNull() && !config.isObject()) {
                errors.add(new FieldError(path + ".config", "type", "must be an object"));
                continue;
            }
            ObjectNode cfg = config instanceof ObjectNode o ? o : JSON.createObjectNode();
            ObjectNode n = out.addObject();
            Optional.ofNullable(m.get("name")).ifPresent(v -> n.set("name", v));
            String type = text(m, "identity_provider_mapper").orElse("");
            switch (type) {
                case "oidc-user-attribute-idp-mapper" -> attribute(n, cfg, "claim");
                case "saml-user-attribute-idp-mapper" -> attribute(n, cfg,
                        cfg.has("attribute.name") ? "attribute.name" : "attribute.friendly.name");
                case "oidc-role-idp-mapper" -> role(n, cfg, "claim", "claim.value");
                case "saml-role-idp-mapper" -> role(n, cfg, "attribute.name", "attribute.value");
                case "hardcoded-role-idp-mapper" -> {
                    n.put("type", "hardcoded").put("target", "role");
                    Optional.ofNullable(cfg.get("role")).ifPresent(v -> n.set("value", v));
                }
                case "hardcoded-attribute-idp-mapper" -> {
                    n.put("type", "hardcoded");
                    setting(cfg, "attribute").ifPresent(a -> n.put("target", profileField(a)));
                    Optional.ofNullable(cfg.get("attribute.value")).ifPresent(v -> n.set("value", v));
                }
                default -> errors.add(new FieldError(path + ".identity_provider_mapper", "invalid_value",
                        "must be one of oidc-user-attribute-idp-mapper, saml-user-attribute-idp-mapper,"
                                + " oidc-role-idp-mapper, saml-role-idp-mapper, hardcoded-role-idp-mapper,"
                                + " hardcoded-attribute-idp-mapper"));
            }
        }
    }

    private static void attribute(ObjectNode n, ObjectNode cfg, String sourceKey) {
        n.put("type", "attribute");
        Optional.ofNullable(cfg.get(sourceKey)).ifPresent(v -> n.set("source", v));
        setting(cfg, "user.attribute").ifPresent(a -> n.put("target", profileField(a)));
    }

    private static void role(ObjectNode n, ObjectNode cfg, String sourceKey, String valueKey) {
        n.put("type", "role");
        Optional.ofNullable(cfg.get(sourceKey)).ifPresent(v -> n.set("source", v));
        Optional<String> value = setting(cfg, valueKey);
        Optional<String> role = setting(cfg, "role");
        if (value.isPresent() && role.isPresent()) {
            n.putObject("value_map").put(value.get(), role.get());
        }
    }

    /** Keycloak's user attribute names onto the normalized profile. */
    static String profileField(String keycloakAttribute) {
        return switch (keycloakAttribute) {
            case "email" -> "email";
            case "firstName" -> "given_name";
            case "lastName" -> "family_name";
            case "username" -> "username";
            default -> "custom." + keycloakAttribute;
        };
    }

    /** The seed's response: its own field names, the settings under {@code config}, secrets masked. */
    static ObjectNode response(IdentityProvider idp) {
        ObjectNode view = IdentityProviderJson.requestView(idp);
        ObjectNode o = JSON.createObjectNode();
        o.put("alias", idp.alias().value());
        o.put("display_name", idp.displayName());
        o.put("provider_id", view.get("protocol").stringValue());
        o.put("enabled", idp.active());
        o.put("internal_id", idp.id());
        o.set("known_provider", view.has("known_provider") ? view.get("known_provider") : JSON.nullNode());
        ObjectNode config = o.putObject("config");
        if (view.get("oidc") instanceof ObjectNode oidc) {
            rename(oidc, config, Map.of("authorization_endpoint", "authorization_url", "token_endpoint", "token_url",
                    "client_id", "client_id", "client_secret", "client_secret", "userinfo_endpoint", "user_info_url",
                    "jwks_uri", "jwks_url", "issuer", "issuer"));
            if (oidc.get("scopes") instanceof ArrayNode scopes) {
                List<String> s = new ArrayList<>();
                scopes.forEach(x -> s.add(x.stringValue()));
                config.put("default_scope", String.join(" ", s));
            }
            String pkce = oidc.path("pkce").asString("S256");
            config.put("pkce_enabled", !"disabled".equals(pkce));
            if (!"disabled".equals(pkce)) {
                config.put("pkce_method", pkce);
            }
            config.put("validate_signature", true);
            config.put("use_jwks_url", true);
        }
        if (view.get("saml") instanceof ObjectNode saml) {
            rename(saml, config, Map.of("entity_id", "idp_entity_id", "sso_url", "single_sign_on_service_url",
                    "slo_url", "single_logout_service_url", "name_id_format", "name_id_policy_format",
                    "sign_authn_requests", "want_authn_requests_signed", "decryption_private_key",
                    "decryption_private_key", "metadata_url", "metadata_url"));
            if (saml.get("certificates") instanceof ArrayNode certs && !certs.isEmpty()) {
                config.set("signing_certificate", certs.get(0));
            }
            config.put("post_binding_authn_request", "post".equals(saml.path("sso_binding").asString("")));
            config.put("post_binding_response", true);
        }
        JsonNode sync = view.path("provisioning").path("sync_mode");
        config.put("sync_mode", sync.isString() ? sync.stringValue().toUpperCase(Locale.ROOT) : "INHERIT");
        o.put("mapper_count", idp.mappers().size());
        return o;
    }

    private static void rename(ObjectNode from, ObjectNode to, Map<String, String> names) {
        names.forEach((nativeName, seedName) -> {
            JsonNode v = from.get(nativeName);
            if (v != null && !v.isNull()) {
                to.set(seedName, v);
            }
        });
    }

    /** A Keycloak mapper setting: its keys contain dots ("user.attribute"), so they are not paths. */
    private static Optional<String> setting(ObjectNode config, String key) {
        return Optional.ofNullable(config.get(key)).filter(JsonNode::isString).map(JsonNode::stringValue);
    }

    private static Optional<String> text(ObjectNode node, String dotted) {
        return Optional.ofNullable(FieldTable.at(node, dotted)).filter(JsonNode::isString).map(JsonNode::stringValue);
    }

    /** A boolean the adapter reads itself (the native rules never see it), so its type is checked here. */
    private static Optional<Boolean> flag(ObjectNode node, List<FieldError> errors, String dotted) {
        JsonNode v = FieldTable.at(node, dotted);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            errors.add(new FieldError(dotted, "type", "must be true or false"));
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }
}
