package io.gatehouse.audit;

import io.gatehouse.access.Caller;
import io.gatehouse.access.Permission;
import io.gatehouse.api.PageRequest;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/orgs/{org}/events}: the org's audit and sign-in events, newest first. */
@RestController
class EventsController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AuditLog log;
    private final Orgs orgs;

    EventsController(AuditLog log, Orgs orgs) {
        this.log = log;
        this.orgs = orgs;
    }

    @GetMapping("/api/orgs/{org}/events")
    Representation list(Caller caller, @PathVariable String org, @RequestParam(required = false) String limit,
                        @RequestParam(required = false) String cursor, @RequestParam(required = false) String category) {
        OrgId orgId = OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
        caller.require(orgId, Permission.READ);
        orgs.require(orgId);
        PageRequest page = PageRequest.of(limit, cursor);
        Optional<Long> before;
        try {
            before = page.after().map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw ProblemException.validation("cursor", "invalid_value", "is not a cursor this API returned");
        }
        Optional<EventCategory> cat = Optional.empty();
        if (category != null) {
            try {
                cat = Optional.of(EventCategory.fromWireName(category));
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("category", "invalid_value", "must be configuration or sign_in");
            }
        }
        List<AuditEvent> events = log.list(orgId, before, cat, page.limit() + 1);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (AuditEvent e : events.subList(0, Math.min(page.limit(), events.size()))) {
            ObjectNode item = items.addObject();
            item.put("id", e.id());
            item.put("category", e.category().wireName());
            item.put("type", e.type());
            item.put("actor", e.actor());
            item.put("target", e.target());
            item.put("trace_id", e.traceId());
            item.put("occurred_at", e.occurredAt().toString());
            item.set("details", e.details());
        }
        String base = "/api/orgs/" + org + "/events";
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", base);
        if (events.size() > page.limit()) {
            String next = PageRequest.cursor(Long.toString(events.get(page.limit() - 1).id()));
            body.put("next_cursor", next);
            links.put("next", base + "?cursor=" + next);
        } else {
            body.putNull("next_cursor");
        }
        return new Representation.Collection(body, "events", links, "items", null, "id");
    }
}
