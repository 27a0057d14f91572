package io.gatehouse.compat;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.CertificateParseException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviderJson;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.Protocol;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checkmarx CxSAST's {@code /cxrestapi/auth/SamlIdentityProviders}: a multipart form with the IdP's
 * certificate as a file; 201 with {@code Location} and no body; and the two GETs it mentions.
 */
@RestController
class CheckmarxEndpoint {
    static final String PATH = "/compat/checkmarx/cxrestapi/auth/SamlIdentityProviders";
    static final String CERTIFICATE_FILE = "CertificateFile";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> FIELDS = List.of("Active", "Name", "Issuer", "LoginUrl", "LogoutUrl",
            "ErrorUrl", "SignAuthnRequest", "AuthnRequestBinding", "IsManualManagement", "DefaultTeamId",
            "DefaultRoleId");

    static final FieldTable TABLE = new FieldTable()
            .converted("Name", "display_name")
            .converted("Active", "enabled")
            .converted("Issuer", "saml.entity_id")
            .converted("LoginUrl", "saml.sso_url")
            .converted(CERTIFICATE_FILE, "saml.certificates")
            .names("saml.certificates[0]", CERTIFICATE_FILE)
            .converted("LogoutUrl", "logout_redirect_url")
            .converted("ErrorUrl", "error_url")
            .converted("SignAuthnRequest", "saml.sign_authn_requests")
            .converted("AuthnRequestBinding", "saml.sso_binding")
            .converted("IsManualManagement", "provisioning.role_management")
            .converted("DefaultTeamId", "provisioning.default_team")
            .converted("DefaultRoleId", "provisioning.default_role")
            .names("alias", "Name")
            .names("saml", CERTIFICATE_FILE);

    private final IdentityProviders registry;
    private final NamedCreation creation;

    CheckmarxEndpoint(IdentityProviders registry, NamedCreation creation) {
        this.registry = registry;
        this.creation = creation;
    }

    @PostMapping(PATH)
    ResponseEntity<Void> create(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.managed(caller, request);
        if (!(request instanceof MultipartHttpServletRequest form)) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the identity provider as multipart/form-data with a CertificateFile part");
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : form.getParameterMap().keySet()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown_field", "is not a field of this API"));
            }
        }
        for (String name : form.getFileMap().keySet()) {
            if (!CERTIFICATE_FILE.equals(name)) {
                errors.add(new FieldError(name, "unknown_field", "is not a field of this API"));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("protocol", "saml");
        Optional<String> name = text(form, "Name");
        if (name.isEmpty()) {
            errors.add(new FieldError("Name", "required", "is required"));
        }
        name.ifPresent(n -> body.put("display_name", n));
        bool(form, "Active", errors).ifPresent(b -> body.put("enabled", b));
        ObjectNode saml = body.putObject("saml");
        text(form, "Issuer").ifPresent(v -> saml.put("entity_id", v));
        text(form, "LoginUrl").ifPresent(v -> saml.put("sso_url", v));
        bool(form, "SignAuthnRequest", errors).ifPresent(b -> saml.put("sign_authn_requests", b));
        text(form, "AuthnRequestBinding").ifPresent(b -> {
            switch (b) {
                case "HTTP-Redirect" -> saml.put("sso_binding", "redirect");
                case "HTTP-Post", "HTTP-POST" -> saml.put("sso_binding", "post");
                default -> errors.add(new FieldError("AuthnRequestBinding", "invalid_value",
                        "must be HTTP-Redirect or HTTP-Post"));
            }
        });
        certificate(form.getFile(CERTIFICATE_FILE), errors).ifPresent(c -> saml.putArray("certificates").add(c));
        text(form, "LogoutUrl").ifPresent(v -> body.put("logout_redirect_url", v));
        text(form, "ErrorUrl").ifPresent(v -> body.put("error_url", v));
        ObjectNode provisioning = body.putObject("provisioning");
        boolean manual = bool(form, "IsManualManagement", errors).orElse(true);
        provisioning.put("role_management", manual ? "manual" : "idp");
        id(form, "DefaultTeamId", errors).ifPresent(v -> provisioning.put("default_team", v));
        id(form, "DefaultRoleId", errors).ifPresent(v -> provisioning.put("default_role", v));
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        IdentityProvider idp = creation.create(caller, org, body, name.orElseThrow());
        return ResponseEntity.created(URI.create(PATH + "/" + idp.id())).build();
    }

    @GetMapping(PATH)
    ResponseEntity<byte[]> list(Caller caller, HttpServletRequest request) {
        OrgId org = CredentialOrg.of(caller, request);
        ArrayNode out = JSON.createArrayNode();
        registry.all(caller, org, Protocol.SAML).forEach(idp -> out.add(view(idp)));
        return json(out);
    }

    @GetMapping(PATH + "/{id}")
    ResponseEntity<byte[]> get(Caller caller, @PathVariable String id, HttpServletRequest request) {
        IdentityProvider idp = registry.getById(caller, CredentialOrg.of(caller, request), id);
        if (idp.settings().protocol() != Protocol.SAML) {
            throw ProblemException.notFound("SAML identity provider " + id);
        }
        return json(view(idp));
    }

    /** The provider as CxSAST's GET answers it. */
    static ObjectNode view(IdentityProvider idp) {
        ObjectNode v = IdentityProviderJson.requestView(idp);
        JsonNode saml = v.path("saml");
        JsonNode provisioning = v.path("provisioning");
        ObjectNode o = JSON.createObjectNode();
        o.put("id", idp.id());
        o.put("active", idp.active());
        o.put("name", idp.displayName());
        o.set("issuer", saml.path("entity_id").isString() ? saml.get("entity_id") : JSON.nullNode());
        o.set("loginUrl", saml.path("sso_url").isString() ? saml.get("sso_url") : JSON.nullNode());
        o.set("logoutUrl", v.path("logout_redirect_url").isString() ? v.get("logout_redirect_url") : JSON.nullNode());
        o.set("errorUrl", v.path("error_url").isString() ? v.get("error_url") : JSON.nullNode());
        o.put("signAuthnRequest", saml.path("sign_authn_requests").asBoolean(false));
        o.put("authnRequestBinding", "post".equals(saml.path("sso_binding").asString("")) ? "HTTP-Post"
                : "HTTP-Redirect");
        o.put("isManualManagement", !"idp".equals(provisioning.path("role_management").asString("manual")));
        o.set("defaultTeamId", number(provisioning.path("default_team")));
        o.set("defaultRoleId", number(provisioning.path("default_role")));
        if (saml.path("certificates") instanceof ArrayNode certs && !certs.isEmpty()) {
            try {
                X509Certificate c = Certificates.parse(certs.get(0).stringValue());
                o.put("certificateSubject", c.getSubjectX500Principal().getName());
            } catch (CertificateParseException e) {
                o.putNull("certificateSubject");
            }
        }
        return o;
    }

    private static JsonNode number(JsonNode text) {
        if (text.isString() && text.stringValue().matches("\\d{1,9}")) {
            return JSON.getNodeFactory().numberNode(Integer.parseInt(text.stringValue()));
        }
        return text.isString() ? text : JSON.nullNode();
    }

    private static ResponseEntity<byte[]> json(JsonNode body) {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(body));
    }

    private static Optional<String> text(MultipartHttpServletRequest form, String name) {
        return Optional.ofNullable(form.getParameter(name)).filter(s -> !s.isBlank()).map(String::strip);
    }

    private static Optional<Boolean> bool(MultipartHttpServletRequest form, String name, List<FieldError> errors) {
        return text(form, name).flatMap(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                errors.add(new FieldError(name, "invalid_value", "must be true or false"));
                yield Optional.empty();
            }
        });
    }

    private static Optional<String> id(MultipartHttpServletRequest form, String name, List<FieldError> errors) {
        return text(form, name).flatMap(v -> {
            if (!v.matches("\\d{1,9}")) {
                errors.add(new FieldError(name, "invalid_value", "must be an integer id"));
                return Optional.empty();
            }
            return Optional.of(v);
        });
    }

    /** The file's text as the native certificates field takes it: PEM as it is, DER as base64. */
    private static Optional<String> certificate(MultipartFile file, List<FieldError> errors) {
        if (file == null || file.isEmpty()) {
            errors.add(new FieldError(CERTIFICATE_FILE, "required", "is required: the IdP's signing certificate"));
            return Optional.empty();
        }
        try {
            byte[] bytes = file.getBytes();
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.contains("-----BEGIN")) {
                return Optional.of(text);
            }
            if (text.strip().matches("[A-Za-z0-9+/=\\s]+")) {
                return Optional.of(text.strip());
            }
            return Optional.of(java.util.Base64.getEncoder().encodeToString(bytes));
        } catch (IOException e) {
            errors.add(new FieldError(CERTIFICATE_FILE, "unreadable", "could not be read"));
            return Optional.empty();
        }
    }
}
