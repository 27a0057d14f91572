package io.gatehouse.idp;

import io.gatehouse.access.Caller;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.PageRequest;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/orgs/{org}/identity-providers}: the native registry API. */
@RestController
class IdentityProvidersController {
    private final IdentityProviders registry;

    IdentityProvidersController(IdentityProviders registry) {
        this.registry = registry;
    }

    @PostMapping("/api/orgs/{org}/identity-providers")
    ResponseEntity<Representation> create(Caller caller, @PathVariable String org, HttpServletRequest request) {
        OrgId orgId = orgId(org);
        ObjectNode body = RequestBodies.jsonObject(request);
        IdentityProvider idp = registry.create(caller, orgId, body);
        return ResponseEntity.created(URI.create(self(idp))).body(single(idp));
    }

    @GetMapping("/api/orgs/{org}/identity-providers")
    Representation list(Caller caller, @PathVariable String org, @RequestParam(required = false) String limit,
                        @RequestParam(required = false) String cursor, @RequestParam(required = false) String protocol,
                        @RequestParam(required = false) String enabled, @RequestParam(required = false) String status,
                        @RequestParam(required = false) String domain) {
        OrgId orgId = orgId(org);
        PageRequest page = PageRequest.of(limit, cursor);
        Optional<Protocol> p = Optional.ofNullable(protocol).map(v -> WireEnum.parse(Protocol.class, v)
                .orElseThrow(() -> ProblemException.validation("protocol", "invalid_value", "must be saml or oidc")));
        Optional<Boolean> e = Optional.ofNullable(enabled).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.validation("enabled", "invalid_value", "must be true or false");
        });
        Optional<ProviderStatus> st = Optional.ofNullable(status).map(v -> WireEnum.parse(ProviderStatus.class, v)
                .orElseThrow(() -> ProblemException.validation("status", "invalid_value",
                        "must be one of " + String.join(", ", WireEnum.names(ProviderStatus.class)))));
        Optional<EmailDomain> d = Optional.ofNullable(domain).map(v -> switch (EmailDomain.parse(v)) {
            case EmailDomain.Parsed.Valid valid -> valid.domain();
            case EmailDomain.Parsed.Invalid invalid -> throw ProblemException.validation("domain", invalid.code(),
                    invalid.message());
        });
        IdentityProviders.Page result = registry.list(caller, orgId, new IdentityProviderStore.Filter(p, e, st, d),
                page.after(), page.limit());
        ObjectNode body = IdentityProviderJson.JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        Map<String, ProviderTests> tests = registry.tests(orgId, result.items());
        result.items().forEach(i -> items.add(IdentityProviderView.response(i, tests.get(i.id()), registry.baseUrl(),
                registry.now())));
        String base = "/api/orgs/" + org + "/identity-providers";
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", base);
        result.lastAlias().ifPresentOrElse(last -> {
            String next = PageRequest.cursor(last);
            body.put("next_cursor", next);
            links.put("next", base + "?cursor=" + next + "&limit=" + page.limit());
        }, () -> body.putNull("next_cursor"));
        return new Representation.Collection(body, "identity_providers", links, "items", base + "/{id}", "alias");
    }

    @GetMapping("/api/orgs/{org}/identity-providers/{alias}")
    Representation get(Caller caller, @PathVariable String org, @PathVariable String alias) {
        return single(registry.get(caller, orgId(org), alias));
    }

    @PutMapping("/api/orgs/{org}/identity-providers/{alias}")
    Representation replace(Caller caller, @PathVariable String org, @PathVariable String alias,
                           HttpServletRequest request) {
        ObjectNode body = RequestBodies.jsonObject(request);
        return single(registry.replace(caller, orgId(org), alias, body));
    }

    @PatchMapping("/api/orgs/{org}/identity-providers/{alias}")
    Representation patch(Caller caller, @PathVariable String org, @PathVariable String alias,
                         HttpServletRequest request) {
        ObjectNode body = RequestBodies.jsonObject(request);
        return single(registry.patch(caller, orgId(org), alias, body));
    }

    @DeleteMapping("/api/orgs/{org}/identity-providers/{alias}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String org, @PathVariable String alias) {
        registry.delete(caller, orgId(org), alias);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/refresh-metadata")
    Representation refresh(Caller caller, @PathVariable String org, @PathVariable String alias) {
        return single(registry.refreshMetadata(caller, orgId(org), alias));
    }

    /**
     * Turns the provider on; 409 {@code test_required} until a test sign-in of its current
     * configuration succeeded. {@code {"force": true}}: the platform key only.
     */
    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/activate")
    Representation activate(Caller caller, @PathVariable String org, @PathVariable String alias,
                            HttpServletRequest request) {
        JsonFields f = JsonFields.of(RequestBodies.optionalJsonObject(request));
        boolean force = f.bool("force").orElse(false);
        f.refuseUnknownFields();
        f.throwIfInvalid();
        return single(registry.activate(caller, orgId(org), alias, force));
    }

    @PostMapping("/api/orgs/{org}/identity-providers/{alias}/deactivate")
    Representation deactivate(Caller caller, @PathVariable String org, @PathVariable String alias) {
        return single(registry.deactivate(caller, orgId(org), alias));
    }

    private Representation single(IdentityProvider idp) {
        return Representation.of(IdentityProviderView.response(idp, registry.tests(idp), registry.baseUrl(),
                registry.now()), "identity_provider", self(idp));
    }

    private static String self(IdentityProvider idp) {
        return "/api/orgs/" + idp.org().value() + "/identity-providers/" + idp.alias().value();
    }

    static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }
}
