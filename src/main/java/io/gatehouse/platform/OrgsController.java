package io.gatehouse.platform;

import io.gatehouse.access.ApiKey;
import io.gatehouse.access.ApiKeyRole;
import io.gatehouse.access.ApiKeys;
import io.gatehouse.access.Caller;
import io.gatehouse.access.IssuedApiKey;
import io.gatehouse.access.Permission;
import io.gatehouse.api.JsonFields;
import io.gatehouse.api.PageRequest;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.tenancy.AccentColor;
import io.gatehouse.tenancy.Branding;
import io.gatehouse.tenancy.Brandings;
import io.gatehouse.tenancy.Logo;
import io.gatehouse.tenancy.LogoCheck;
import io.gatehouse.tenancy.Org;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.tenancy.Orgs;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The organizations API: organizations and their plans (the platform administrator), their API keys and
 * their branding (the org's own admin too).
 */
@RestController
class OrgsController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Orgs orgs;
    private final ApiKeys keys;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Brandings brandings;

    OrgsController(Orgs orgs, ApiKeys keys, AuditLog audit, TransactionTemplate tx, Brandings brandings) {
        this.brandings = brandings;
        this.orgs = orgs;
        this.keys = keys;
        this.audit = audit;
        this.tx = tx;
    }

    @PostMapping("/api/orgs")
    ResponseEntity<Representation> create(Caller caller, HttpServletRequest request) {
        caller.requirePlatform();
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(request));
        Optional<String> id = f.requiredString("id", 63);
        if (id.isPresent() && OrgId.parse(id.get()).isEmpty()) {
            f.error("id", "invalid_format", "must match ^[a-z0-9][a-z0-9-]{1,62}$");
        }
        Optional<String> name = f.requiredString("name", Org.MAX_NAME_LENGTH);
        boolean sso = f.bool("sso_enabled").orElse(true);
        int max = f.integer("max_identity_providers", 0, 1000).orElse(Org.DEFAULT_MAX_IDENTITY_PROVIDERS);
        f.refuseUnknownFields();
        f.throwIfInvalid();
        Org org = tx.execute(s -> {
            Org created = orgs.create(new OrgId(id.get()), name.get().strip(), sso, max);
            audit.configurationChanged(created.id(), "org.created", caller.actor(), created.id().value(), json(created));
            return created;
        });
        return ResponseEntity.created(URI.create("/api/orgs/" + org.id())).body(single(org, brandings.find(org.id())));
    }

    @GetMapping("/api/orgs")
    Representation list(Caller caller, @RequestParam(required = false) String limit,
                        @RequestParam(required = false) String cursor) {
        caller.requirePlatform();
        PageRequest page = PageRequest.of(limit, cursor);
        List<Org> found = orgs.list(page.after(), page.limit() + 1);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        found.stream().limit(page.limit()).forEach(o -> items.add(json(o, brandings.find(o.id()))));
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", "/api/orgs");
        if (found.size() > page.limit()) {
            String next = PageRequest.cursor(found.get(page.limit() - 1).id().value());
            body.put("next_cursor", next);
            links.put("next", "/api/orgs?cursor=" + next);
        } else {
            body.putNull("next_cursor");
        }
        return new Representation.Collection(body, "orgs", links, "items", "/api/orgs/{id}", "id");
    }

    @GetMapping("/api/orgs/{org}")
    Representation get(Caller caller, @PathVariable String org) {
        OrgId id = orgId(org);
        caller.require(id, Permission.READ);
        return single(orgs.require(id), brandings.find(id));
    }

    /**
     * The name and the plan are the platform administrator's; the branding is also the org's own admin's
     * (a key of the org with the org_admin role), who may send nothing else.
     */
    @PatchMapping("/api/orgs/{org}")
    Representation patch(Caller caller, @PathVariable String org, HttpServletRequest request) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(request));
        if (f.has("name") || f.has("sso_enabled") || f.has("max_identity_providers")) {
            caller.requirePlatform();
        }
        f.string("id", 63).filter(v -> !v.equals(org))
                .ifPresent(v -> f.error("id", "immutable", "cannot be changed"));
        Optional<String> name = f.string("name", Org.MAX_NAME_LENGTH);
        if (name.isPresent() && name.get().isBlank()) {
            f.error("name", "required", "must not be empty");
        }
        Optional<Boolean> sso = f.bool("sso_enabled");
        Optional<Integer> max = f.integer("max_identity_providers", 0, 1000);
        Optional<Optional<AccentColor>> accent = accentColor(f);
        f.refuseUnknownFields();
        f.throwIfInvalid();
        Org updated = tx.execute(s -> {
            Org current = orgs.lock(id);
            accent.ifPresent(a -> brandings.setAccent(id, a));
            Org changed = orgs.update(new Org(id, name.map(String::strip).orElse(current.name()),
                    sso.orElse(current.ssoEnabled()), max.orElse(current.maxIdentityProviders()), current.createdAt(),
                    current.updatedAt()));
            audit.configurationChanged(id, "org.updated", caller.actor(), id.value(),
                    json(changed, brandings.find(id)));
            return changed;
        });
        brandings.forget(id);
        return single(updated, brandings.find(id));
    }

    /**
     * {@code branding.accent_color}: {@code #rrggbb} (either case, stored lower-cased) or null to go back to
     * Gatehouse's colour. Absent: unchanged. Strictly that form, since it is written into a stylesheet.
     */
    private static Optional<Optional<AccentColor>> accentColor(JsonFields f) {
        Optional<JsonFields> branding = f.object("branding");
        if (branding.isEmpty()) {
            return Optional.empty();
        }
        JsonFields b = branding.get();
        boolean cleared = b.isNull("accent_color");
        Optional<String> hex = b.string("accent_color", 100);
        b.refuseUnknownFields();
        if (cleared) {
            return Optional.of(Optional.empty());
        }
        if (hex.isEmpty()) {
            return Optional.empty();
        }
        Optional<AccentColor> accent = AccentColor.parse(hex.get());
        if (accent.isEmpty()) {
            b.error("accent_color", "invalid_format", "must be a colour written #rrggbb");
            return Optional.empty();
        }
        return Optional.of(accent);
    }

    /** {@code PUT /api/orgs/{org}/branding/logo}: the body is the image (image/png or image/jpeg, at most 256 KiB). */
    @PutMapping("/api/orgs/{org}/branding/logo")
    Representation putLogo(Caller caller, @PathVariable String org, HttpServletRequest request) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        orgs.require(id);
        Logo logo = LogoCheck.check(request.getContentType(), RequestBodies.bytes(request));
        tx.executeWithoutResult(s -> {
            orgs.lock(id);
            brandings.setLogo(id, logo);
            ObjectNode details = JSON.createObjectNode().put("type", logo.type().mediaType()).put("size", logo.size())
                    .put("sha256", logo.sha256());
            audit.configurationChanged(id, "org.logo_uploaded", caller.actor(), id.value(), details);
        });
        brandings.forget(id);
        return single(orgs.require(id), brandings.find(id));
    }

    @DeleteMapping("/api/orgs/{org}/branding/logo")
    ResponseEntity<Void> deleteLogo(Caller caller, @PathVariable String org) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        orgs.require(id);
        tx.executeWithoutResult(s -> {
            orgs.lock(id);
            if (!brandings.deleteLogo(id)) {
                throw ProblemException.notFound("Logo of organization " + org);
            }
            audit.configurationChanged(id, "org.logo_deleted", caller.actor(), id.value(), JSON.createObjectNode());
        });
        brandings.forget(id);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/api/orgs/{org}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String org) {
        caller.requirePlatform();
        OrgId id = orgId(org);
        tx.executeWithoutResult(s -> {
            if (!orgs.delete(id)) {
                throw ProblemException.notFound("Organization " + org);
            }
            // its keys went with it (cascade); no cached answer may outlive the commit on this node
            keys.orgDeleted(id);
            brandings.forget(id);
            audit.configurationChanged(id, "org.deleted", caller.actor(), id.value(), JSON.createObjectNode());
        });
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/orgs/{org}/api-keys")
    ResponseEntity<Representation> createKey(Caller caller, @PathVariable String org, HttpServletRequest request) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        orgs.require(id);
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(request));
        Optional<String> name = f.requiredString("name", 100);
        Optional<ApiKeyRole> role = f.enumeration("role", ApiKeyRole::fromWireName, ApiKeyRole.wireNames());
        if (!f.has("role")) {
            f.error("role", "required", "is required: one of " + String.join(", ", ApiKeyRole.wireNames()));
        }
        f.refuseUnknownFields();
        f.throwIfInvalid();
        IssuedApiKey issued = tx.execute(s -> {
            IssuedApiKey k = keys.issue(id, name.get().strip(), role.get());
            audit.configurationChanged(id, "api_key.created", caller.actor(), k.key().id(), json(k.key()));
            return k;
        });
        ObjectNode body = json(issued.key());
        // shown exactly once: only its hash is stored
        body.put("key", issued.plaintext().value());
        String self = "/api/orgs/" + org + "/api-keys/" + issued.key().id();
        return ResponseEntity.created(URI.create(self)).body(Representation.of(body, "api_key", self));
    }

    @GetMapping("/api/orgs/{org}/api-keys")
    Representation listKeys(Caller caller, @PathVariable String org) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        orgs.require(id);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        keys.list(id).forEach(k -> items.add(json(k)));
        body.putNull("next_cursor");
        return new Representation.Collection(body, "api_keys", Map.of("self", "/api/orgs/" + org + "/api-keys"),
                "items", "/api/orgs/" + org + "/api-keys/{id}", "id");
    }

    @DeleteMapping("/api/orgs/{org}/api-keys/{key}")
    ResponseEntity<Void> revokeKey(Caller caller, @PathVariable String org, @PathVariable String key) {
        OrgId id = orgId(org);
        caller.require(id, Permission.MANAGE_ORG);
        tx.executeWithoutResult(s -> {
            if (!keys.revoke(id, key)) {
                throw ProblemException.notFound("API key " + key);
            }
            audit.configurationChanged(id, "api_key.revoked", caller.actor(), key, JSON.createObjectNode());
        });
        return ResponseEntity.noContent().build();
    }

    private static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }

    private static Representation single(Org org, Optional<Branding> branding) {
        return Representation.of(json(org, branding), "org", "/api/orgs/" + org.id());
    }

    /** The org with its branding: the accent colour and the logo's public URL (null when not set). */
    private static ObjectNode json(Org org, Optional<Branding> branding) {
        ObjectNode o = json(org);
        ObjectNode b = o.putObject("branding");
        Optional<AccentColor> accent = branding.flatMap(Branding::accent);
        if (accent.isPresent()) {
            b.put("accent_color", accent.get().hex());
        } else {
            b.putNull("accent_color");
        }
        Optional<Branding.LogoRef> logo = branding.flatMap(Branding::logo);
        if (logo.isPresent()) {
            b.put("logo_url", "/branding/" + org.id().value() + "/logo?v=" + logo.get().sha256().substring(0, 16));
        } else {
            b.putNull("logo_url");
        }
        return o;
    }

    private static ObjectNode json(Org org) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", org.id().value());
        o.put("name", org.name());
        o.put("sso_enabled", org.ssoEnabled());
        o.put("max_identity_providers", org.maxIdentityProviders());
        o.put("created_at", org.createdAt().toString());
        o.put("updated_at", org.updatedAt().toString());
        return o;
    }

    private static ObjectNode json(ApiKey key) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", key.id());
        o.put("org", key.org().value());
        o.put("name", key.name());
        o.put("role", key.role().wireName());
        o.put("created_at", key.createdAt().toString());
        return o;
    }
}
