package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.IdentityProviderJson;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recomly's {@code POST /app/sso/providers}: a SAML provider from federation metadata or an OIDC
 * provider with every endpoint given, routed by 1-5 email domains; 201 with the provider.
 */
@RestController
class RecomlyEndpoint {
    static final String PATH = "/compat/recomly/app/sso/providers";
    static final int MAX_METADATA = 50_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> OIDC_REQUIRED = List.of("issuer", "clientId", "clientSecret",
            "authorizationEndpoint", "tokenEndpoint", "userInfoEndpoint", "jwksUri");

    static final FieldTable TABLE = new FieldTable()
            .known("providerType")
            .copy("name", "display_name")
            .copy("enabled", "enabled")
            .copy("domains", "domains")
            .copy("samlMetadataXml", "saml.metadata_xml")
            .copy("oidc.issuer", "oidc.issuer")
            .copy("oidc.clientId", "oidc.client_id")
            .copy("oidc.clientSecret", "oidc.client_secret")
            .copy("oidc.authorizationEndpoint", "oidc.authorization_endpoint")
            .copy("oidc.tokenEndpoint", "oidc.token_endpoint")
            .copy("oidc.userInfoEndpoint", "oidc.userinfo_endpoint")
            .copy("oidc.jwksUri", "oidc.jwks_uri")
            .names("alias", "name")
            .names("saml", "samlMetadataXml")
            .names("oidc", "oidc");

    private final NamedCreation creation;

    RecomlyEndpoint(NamedCreation creation) {
        this.creation = creation;
    }

    @PostMapping(PATH)
    ResponseEntity<byte[]> create(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.managed(caller, request);
        ObjectNode seed = RequestBodies.jsonObject(request);
        List<FieldError> errors = new ArrayList<>(TABLE.unknownFields(seed));
        String type = text(seed, "providerType").orElse("");
        Optional<String> name = text(seed, "name");
        if (name.isEmpty()) {
            errors.add(new FieldError("name", "required", "is required"));
        }
        JsonNode domains = seed.get("domains");
        if (domains == null || !domains.isArray() || domains.isEmpty() || domains.size() > 5) {
            errors.add(new FieldError("domains", "invalid_value", "must list 1 to 5 email domains"));
        }
        ObjectNode body = JSON.createObjectNode();
        TABLE.copyInto(seed, body);
        switch (type) {
            case "SAML" -> {
                body.put("protocol", "saml");
                body.remove("oidc");
                if (seed.has("oidc")) {
                    errors.add(new FieldError("oidc", "not_allowed", "is for providerType OIDC"));
                }
                Optional<String> xml = text(seed, "samlMetadataXml");
                if (xml.isEmpty()) {
                    errors.add(new FieldError("samlMetadataXml", "required", "is required for providerType SAML"));
                } else if (xml.get().length() > MAX_METADATA) {
                    errors.add(new FieldError("samlMetadataXml", "too_long",
                            "must be at most " + MAX_METADATA + " characters (got " + xml.get().length() + ")"));
                }
            }
            case "OIDC" -> {
                body.put("protocol", "oidc");
                body.remove("saml");
                if (seed.has("samlMetadataXml")) {
                    errors.add(new FieldError("samlMetadataXml", "not_allowed", "is for providerType SAML"));
                }
                if (!(seed.get("oidc") instanceof ObjectNode)) {
                    errors.add(new FieldError("oidc", "required", "is required for providerType OIDC (an object)"));
                } else {
                    for (String field : OIDC_REQUIRED) {
                        if (text(seed, "oidc." + field).isEmpty()) {
                            errors.add(new FieldError("oidc." + field, "required", "is required"));
                        }
                    }
                    // every endpoint is given, but discovery still tells the logout endpoint
                    FieldTable.put(body, "oidc.discovery", JSON.getNodeFactory().stringNode("always"));
                }
            }
            default -> errors.add(new FieldError("providerType", "invalid_value", "must be \"SAML\" or \"OIDC\""));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        // Recomly documents 409 for a domain "already in use by another provider": a pending claim counts
        IdentityProvider idp = creation.create(caller, org, body, name.orElseThrow(),
                IdentityProviders.DomainRule.ANY_CLAIM);
        return ResponseEntity.status(201).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(response(idp)));
    }

    static ObjectNode response(IdentityProvider idp) {
        ObjectNode view = IdentityProviderJson.requestView(idp);
        ObjectNode o = JSON.createObjectNode();
        o.put("providerId", idp.id());
        o.put("name", idp.displayName());
        o.put("providerType", idp.settings().protocol().name());
        // Recomly names the identity-service record that backs the provider; here that is Gatehouse's own
        o.put("cognitoProviderName", idp.org().value() + "/" + idp.alias().value());
        o.put("enabled", idp.active());
        o.set("domains", view.get("domains"));
        switch (idp.settings()) {
            case SamlSettings saml -> {
                o.set("samlMetadataXml", view.path("saml").get("metadata_xml"));
                o.set("idpLogoutUrl", saml.resolved().slo().map(e -> JSON.getNodeFactory().stringNode(e.location()))
                        .map(JsonNode.class::cast).orElse(JSON.nullNode()));
            }
            case OidcSettings oidc -> {
                o.put("oidcIssuer", oidc.issuer());
                o.put("oidcClientId", oidc.clientId());
                o.set("idpLogoutUrl", oidc.effective().endSession()
                        .map(e -> (JsonNode) JSON.getNodeFactory().stringNode(e)).orElse(JSON.nullNode()));
            }
        }
        o.put("createdAt", MillisTimestamp.of(idp.createdAt()));
        o.put("updatedAt", MillisTimestamp.of(idp.updatedAt()));
        return o;
    }

    private static Optional<String> text(ObjectNode node, String dotted) {
        return Optional.ofNullable(FieldTable.at(node, dotted)).filter(JsonNode::isString).map(JsonNode::stringValue)
                .filter(s -> !s.isBlank());
    }
}
