package io.gatehouse.issuer;

import io.gatehouse.access.Caller;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/applications}: the platform administrator registers the apps that receive sign-ins. */
@RestController
class ApplicationsController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<String> ID_TOKEN_ALGS = List.of("RS256", "ES256");
    private final Applications applications;
    private final Orgs orgs;
    private final AuditLog audit;
    private final Clock clock;

    ApplicationsController(Applications applications, Orgs orgs, AuditLog audit, Clock clock) {
        this.applications = applications;
        this.orgs = orgs;
        this.audit = audit;
        this.clock = clock;
    }

    @PostMapping("/api/applications")
    ResponseEntity<Representation> create(Caller caller, HttpServletRequest request) {
        caller.requirePlatform();
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(request));
        Optional<String> name = f.requiredString("name", 100);
        Optional<List<String>> uris = f.strings("redirect_uris", 20, 2000);
        if (!f.has("redirect_uris") || uris.map(List::isEmpty).orElse(false)) {
            f.error("redirect_uris", "required", "give at least one redirect URI");
        }
        uris.ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                int index = i;
                redirectUriProblem(list.get(i)).ifPresent(p -> f.errorAt("redirect_uris[" + index + "]",
                        "invalid_redirect_uri", p));
            }
        });
        Optional<List<String>> allowed = f.strings("allowed_orgs", 1000, 63);
        List<OrgId> allowedOrgs = new ArrayList<>();
        allowed.ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                Optional<OrgId> org = OrgId.parse(list.get(i)).filter(o -> orgs.find(o).isPresent());
                if (org.isEmpty()) {
                    f.errorAt("allowed_orgs[" + i + "]", "unknown_org", "is not an organization");
                } else {
                    allowedOrgs.add(org.get());
                }
            }
        });
        boolean publicClient = f.bool("public_client").orElse(false);
        String alg = f.enumeration("id_token_signed_response_alg",
                a -> ID_TOKEN_ALGS.contains(a) ? Optional.of(a) : Optional.empty(), ID_TOKEN_ALGS).orElse("RS256");
        f.refuseUnknownFields();
        f.throwIfInvalid();
        Applications.Registered registered = applications.register(name.get().strip(), uris.get(),
                allowed.isPresent() ? Optional.of(allowedOrgs) : Optional.empty(), publicClient, alg, clock.instant());
        ObjectNode event = JSON.createObjectNode();
        event.put("client_id", registered.application().clientId());
        event.put("name", registered.application().name());
        audit.record(Optional.empty(), EventCategory.CONFIGURATION, "application.created", caller.actor(),
                registered.application().clientId(), event);
        ObjectNode body = view(registered.application());
        registered.clientSecret().ifPresent(s -> body.put("client_secret", s));
        return ResponseEntity.created(URI.create("/api/applications/" + registered.application().clientId()))
                .body(Representation.of(body, "application", "/api/applications/"
                        + registered.application().clientId()));
    }

    @GetMapping("/api/applications")
    Representation list(Caller caller) {
        caller.requirePlatform();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        applications.list().forEach(a -> items.add(view(a)));
        body.putNull("next_cursor");
        return new Representation.Collection(body, "applications", Map.of("self", "/api/applications"), "items",
                "/api/applications/{id}", "client_id");
    }

    @GetMapping("/api/applications/{clientId}")
    Representation get(Caller caller, @PathVariable String clientId) {
        caller.requirePlatform();
        Application app = applications.find(clientId).orElseThrow(() -> ProblemException.notFound("Application "
                + clientId));
        return Representation.of(view(app), "application", "/api/applications/" + clientId);
    }

    @DeleteMapping("/api/applications/{clientId}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String clientId) {
        caller.requirePlatform();
        if (!applications.delete(clientId)) {
            throw ProblemException.notFound("Application " + clientId);
        }
        audit.record(Optional.empty(), EventCategory.CONFIGURATION, "application.deleted", caller.actor(), clientId,
                JSON.createObjectNode());
        return ResponseEntity.noContent().build();
    }

    /**
     * Redirect URIs are compared exactly, so they must be absolute, without a fragment, and https —
     * except on loopback, where native apps and development listen.
     */
    static Optional<String> redirectUriProblem(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("is not a URI");
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            return Optional.of("must be an absolute URL");
        }
        if (parsed.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        boolean loopback = List.of("localhost", "127.0.0.1", "[::1]").contains(parsed.getHost());
        if (!"https".equals(parsed.getScheme()) && !("http".equals(parsed.getScheme()) && loopback)) {
            return Optional.of("must be https (http only on localhost)");
        }
        return Optional.empty();
    }

    static ObjectNode view(Application app) {
        ObjectNode o = JSON.createObjectNode();
        o.put("client_id", app.clientId());
        o.put("name", app.name());
        ArrayNode uris = o.putArray("redirect_uris");
        app.redirectUris().forEach(uris::add);
        if (app.allowedOrgs().isPresent()) {
            ArrayNode orgs = o.putArray("allowed_orgs");
            app.allowedOrgs().get().forEach(org -> orgs.add(org.value()));
        } else {
            o.putNull("allowed_orgs");
        }
        o.put("public_client", app.publicClient());
        o.put("id_token_signed_response_alg", app.idTokenAlg());
        o.put("created_at", app.createdAt().toString());
        return o;
    }
}
