package io.gatehouse.domains;

import io.gatehouse.access.Caller;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/orgs/{org}/domains}: the org's email domains, their ownership state, and verification. */
@RestController
class DomainsController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final DomainOwnership ownership;

    DomainsController(DomainOwnership ownership) {
        this.ownership = ownership;
    }

    @GetMapping("/api/orgs/{org}/domains")
    Representation list(Caller caller, @PathVariable String org) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        ownership.list(caller, orgId(org)).forEach(d -> items.add(json(d)));
        body.putNull("next_cursor");
        return new Representation.Collection(body, "domains", Map.of("self", "/api/orgs/" + org + "/domains"),
                "items", "/api/orgs/" + org + "/domains/{id}", "domain");
    }

    /**
     * Checks the TXT record now (or, platform key, {@code {"method": "manual"}}); optional
     * {@code include_subdomains}. 200 with the new state, 422 {@code domain_not_verified}.
     */
    @PostMapping("/api/orgs/{org}/domains/{domain}/verify")
    Representation verify(Caller caller, @PathVariable String org, @PathVariable String domain,
                          HttpServletRequest request) {
        JsonFields f = JsonFields.of(RequestBodies.optionalJsonObject(request));
        Optional<DomainOwnership.Proof> proof = f.enumeration("method", v -> switch (v) {
            case "dns" -> Optional.of(new DomainOwnership.Proof.Dns());
            case "manual" -> Optional.of(new DomainOwnership.Proof.Manual());
            default -> Optional.empty();
        }, List.of("dns", "manual"));
        Optional<Boolean> subdomains = f.bool("include_subdomains");
        f.refuseUnknownFields();
        f.throwIfInvalid();
        DomainState state = ownership.verify(caller, orgId(org), domain, proof.orElse(new DomainOwnership.Proof.Dns()),
                subdomains);
        return Representation.of(json(state), "domain", "/api/orgs/" + org + "/domains/" + state.domain());
    }

    /** A domain's state as the API shows it. */
    static ObjectNode json(DomainState d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("domain", d.domain());
        o.put("identity_provider", d.alias());
        o.put("status", d.status().wireName());
        d.verifiedAt().ifPresentOrElse(t -> o.put("verified_at", t.toString()), () -> o.putNull("verified_at"));
        d.method().ifPresentOrElse(m -> o.put("method", m), () -> o.putNull("method"));
        o.put("include_subdomains", d.includeSubdomains());
        o.put("claimed_at", d.claimedAt().toString());
        d.lastCheckedAt().ifPresentOrElse(t -> o.put("last_checked_at", t.toString()), () -> o.putNull("last_checked_at"));
        d.lastResult().ifPresentOrElse(r -> o.put("last_result", r), () -> o.putNull("last_result"));
        ObjectNode v = o.putObject("verification");
        v.put("type", "dns_txt");
        v.put("name", d.challenge().name());
        v.put("value", d.challenge().value());
        return o;
    }

    private static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }
}
