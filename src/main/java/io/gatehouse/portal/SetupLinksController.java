package io.gatehouse.portal;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/orgs/{org}/setup-links}: create (the URL with its secret, once), list, revoke. */
@RestController
class SetupLinksController {
    private final SetupLinks links;
    private final Clock clock;

    SetupLinksController(SetupLinks links, Clock clock) {
        this.links = links;
        this.clock = clock;
    }

    @PostMapping("/api/orgs/{org}/setup-links")
    ResponseEntity<Representation> create(Caller caller, @PathVariable String org, HttpServletRequest request) {
        OrgId id = orgId(org);
        SetupLinks.Issued issued = links.create(caller, id, RequestBodies.optionalJsonObject(request));
        ObjectNode body = json(issued.link(), clock.instant());
        // shown exactly once: only its hash is stored
        body.put("url", issued.url());
        String self = "/api/orgs/" + org + "/setup-links/" + issued.link().id();
        return ResponseEntity.created(URI.create(self)).body(Representation.of(body, "setup_link", self));
    }

    @GetMapping("/api/orgs/{org}/setup-links")
    Representation list(Caller caller, @PathVariable String org) {
        OrgId id = orgId(org);
        Instant now = clock.instant();
        ObjectNode body = TestSignInJson.JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        links.list(caller, id).forEach(l -> items.add(json(l, now)));
        body.putNull("next_cursor");
        return new Representation.Collection(body, "setup_links", Map.of("self", "/api/orgs/" + org + "/setup-links"),
                "items", "/api/orgs/" + org + "/setup-links/{id}", "id");
    }

    @DeleteMapping("/api/orgs/{org}/setup-links/{id}")
    ResponseEntity<Void> revoke(Caller caller, @PathVariable String org, @PathVariable String id) {
        links.revoke(caller, orgId(org), id);
        return ResponseEntity.noContent().build();
    }

    private static ObjectNode json(SetupLink link, Instant now) {
        ObjectNode o = TestSignInJson.JSON.createObjectNode();
        o.put("id", link.id());
        o.put("org", link.org().value());
        link.alias().ifPresentOrElse(a -> o.put("alias", a.value()), () -> o.putNull("alias"));
        link.email().ifPresentOrElse(e -> o.put("email", e), () -> o.putNull("email"));
        o.put("status", link.status(now).wireName());
        o.put("created_by", link.createdBy());
        o.put("created_at", link.createdAt().toString());
        o.put("expires_at", link.expiresAt().toString());
        link.revokedAt().ifPresentOrElse(t -> o.put("revoked_at", t.toString()), () -> o.putNull("revoked_at"));
        link.firstUsedAt().ifPresentOrElse(t -> o.put("first_used_at", t.toString()), () -> o.putNull("first_used_at"));
        return o;
    }

    private static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }
}
