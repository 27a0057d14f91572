package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cognigy.AI's {@code POST /v2.0/identityprovider/configure}: sets up the org's one Cognigy-style
 * identity provider (SAML or OIDC), creating it or replacing it, and answers 204.
 */
@RestController
class CognigyEndpoint {
    static final String PATH = "/compat/cognigy/v2.0/identityprovider/configure";
    /** Cognigy always requests these scopes, whatever idpAdditionalScope says. */
    static final List<String> ALWAYS_REQUESTED = List.of("openid", "profile", "email", "offline_access");
    static final List<String> ID_TOKEN_ALGS = List.of("RS256", "RS384", "RS512", "HS256", "HS384", "HS512");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final FieldTable SAML = new FieldTable()
            .known("idpType")
            .copy("idpIssuer", "saml.entity_id")
            .copy("idpLoginEndpoint", "saml.sso_url")
            .copy("idpLogoutEndpoint", "saml.slo_url")
            .converted("idpCertificate", "saml.certificates")
            .names("saml.certificates[0]", "idpCertificate")
            .copy("wantAuthnResponseSigned", "saml.want_response_signed")
            .copy("decryptionPrivateKey", "saml.decryption_private_key")
            .copy("idpDisableRequestedAuthnContext", "saml.disable_requested_authn_context")
            .names("saml", "idpType");
    static final FieldTable OIDC = new FieldTable()
            .known("idpType")
            .copy("idpIssuer", "oidc.issuer")
            .copy("idpClientId", "oidc.client_id")
            .copy("idpClientSecret", "oidc.client_secret")
            .converted("idpAdditionalScope", "oidc.scopes")
            .copy("idpFrontChannelLogoutUrl", "oidc.front_channel_logout_url")
            .copy("idpIdTokenSignedResponseAlg", "oidc.id_token_signed_response_alg")
            .copy("idpTokenEndpointAuthMethod", "oidc.token_endpoint_auth_method")
            .names("oidc", "idpType");

    private final IdentityProviders registry;

    CognigyEndpoint(IdentityProviders registry) {
        this.registry = registry;
    }

    @PostMapping(PATH)
    ResponseEntity<Void> configure(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.managed(caller, request);
        ObjectNode seed = RequestBodies.jsonObject(request);
        String type = Optional.ofNullable(seed.get("idpType")).filter(JsonNode::isString).map(JsonNode::stringValue)
                .orElse("");
        FieldTable table = switch (type) {
            case "saml" -> SAML;
            case "oidc" -> OIDC;
            default -> throw ProblemException.validation("idpType", "invalid_value", "must be saml or oidc");
        };
        List<FieldError> errors = new ArrayList<>(table.unknownFields(seed));
        ObjectNode body = JSON.createObjectNode();
        body.put("alias", alias(type));
        body.put("display_name", "saml".equals(type) ? "Cognigy SAML" : "Cognigy OIDC");
        body.put("protocol", type);
        // the protocol's object always exists, so that a missing field is named rather than the whole object
        body.putObject(type);
        table.copyInto(seed, body);
        if ("saml".equals(type)) {
            JsonNode certificate = seed.get("idpCertificate");
            if (certificate != null && !certificate.isNull()) {
                ((ObjectNode) body.get("saml")).putArray("certificates").add(certificate);
            }
        } else {
            scopes(seed, errors).ifPresent(scopes -> ((ObjectNode) body.get("oidc")).set("scopes", scopes));
            JsonNode alg = seed.get("idpIdTokenSignedResponseAlg");
            if (alg != null && alg.isString() && !ID_TOKEN_ALGS.contains(alg.stringValue())) {
                errors.add(new FieldError("idpIdTokenSignedResponseAlg", "invalid_value",
                        "must be one of " + String.join(", ", ID_TOKEN_ALGS)));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        upsert(caller, org, type, body);
        return ResponseEntity.noContent().build();
    }

    /** Cognigy keeps one identity provider per org: replace it, or create it and drop one of the other kind. */
    private void upsert(Caller caller, OrgId org, String type, ObjectNode body) {
        String alias = alias(type);
        String other = alias("saml".equals(type) ? "oidc" : "saml");
        if (exists(caller, org, alias)) {
            registry.replace(caller, org, alias, body);
        } else {
            registry.create(caller, org, body);
            if (exists(caller, org, other)) {
                registry.delete(caller, org, other);
            }
        }
    }

    private boolean exists(Caller caller, OrgId org, String alias) {
        try {
            registry.get(caller, org, alias);
            return true;
        } catch (ProblemException e) {
            if (e.errorCode() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    static String alias(String type) {
        return "cognigy-" + type;
    }

    private static Optional<ArrayNode> scopes(ObjectNode seed, List<FieldError> errors) {
        JsonNode given = seed.get("idpAdditionalScope");
        Set<String> scopes = new LinkedHashSet<>(ALWAYS_REQUESTED);
        if (given != null && !given.isNull()) {
            if (!given.isString()) {
                errors.add(new FieldError("idpAdditionalScope", "type", "must be a string of space-separated scopes"));
                return Optional.empty();
            }
            for (String s : given.stringValue().trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        ArrayNode out = JSON.createArrayNode();
        scopes.forEach(out::add);
        return Optional.of(out);
    }
}
