package io.gatehouse.provisioning;

import io.gatehouse.access.Caller;
import io.gatehouse.api.PageRequest;
import io.gatehouse.api.ProblemException;
import io.gatehouse.api.Representation;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.idp.IdpAlias;
import io.gatehouse.tenancy.OrgId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/orgs/{org}/users}: the users sign-ins provisioned. */
@RestController
class UsersController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Users users;

    UsersController(Users users) {
        this.users = users;
    }

    @GetMapping("/api/orgs/{org}/users")
    Representation list(Caller caller, @PathVariable String org, @RequestParam(required = false) String limit,
                        @RequestParam(required = false) String cursor, @RequestParam(required = false) String idp,
                        @RequestParam(required = false) String email) {
        OrgId orgId = orgId(org);
        PageRequest page = PageRequest.of(limit, cursor);
        if (email != null && email.length() > 320) {
            throw ProblemException.validation("email", "too_long", "must be at most 320 characters");
        }
        Users.Page result = users.list(caller, orgId, Optional.ofNullable(idp), Optional.ofNullable(email)
                .filter(e -> !e.isBlank()), page.after(), page.limit());
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        // a page names a handful of IdPs: look each up once
        Map<String, IdpAlias> aliases = new HashMap<>();
        result.items().forEach(u -> items.add(json(u, aliases.computeIfAbsent(u.idpId(),
                id -> users.identityProvider(caller, u).alias()))));
        String base = "/api/orgs/" + org + "/users";
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", base);
        result.lastId().ifPresentOrElse(last -> {
            String next = PageRequest.cursor(last);
            body.put("next_cursor", next);
            links.put("next", base + "?cursor=" + next + "&limit=" + page.limit());
        }, () -> body.putNull("next_cursor"));
        return new Representation.Collection(body, "users", links, "items", base + "/{id}", "id");
    }

    @GetMapping("/api/orgs/{org}/users/{id}")
    Representation get(Caller caller, @PathVariable String org, @PathVariable String id) {
        return single(caller, users.get(caller, orgId(org), id));
    }

    @PatchMapping("/api/orgs/{org}/users/{id}")
    Representation patch(Caller caller, @PathVariable String org, @PathVariable String id,
                         HttpServletRequest request) {
        ObjectNode body = RequestBodies.jsonObject(request);
        return single(caller, users.patch(caller, orgId(org), id, body));
    }

    private Representation single(Caller caller, User user) {
        return Representation.of(json(user, users.identityProvider(caller, user).alias()), "user",
                "/api/orgs/" + user.org().value() + "/users/" + user.id());
    }

    static ObjectNode json(User u, IdpAlias alias) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", u.id());
        o.put("org", u.org().value());
        o.put("identity_provider", alias.value());
        o.put("subject", u.subject());
        put(o, "email", u.email());
        o.put("email_verified", u.emailVerified());
        put(o, "given_name", u.givenName());
        put(o, "family_name", u.familyName());
        put(o, "name", u.name());
        put(o, "username", u.username());
        ArrayNode groups = o.putArray("groups");
        u.groups().forEach(groups::add);
        o.put("groups_overage", u.groupsOverage());
        put(o, "role", u.role());
        put(o, "team", u.team());
        ObjectNode custom = o.putObject("custom");
        u.custom().forEach(custom::put);
        o.put("created_at", u.createdAt().toString());
        o.put("updated_at", u.updatedAt().toString());
        o.put("last_sign_in_at", u.lastSignInAt().toString());
        return o;
    }

    private static void put(ObjectNode o, String field, Optional<String> value) {
        value.ifPresentOrElse(v -> o.put(field, v), () -> o.putNull(field));
    }

    private static OrgId orgId(String org) {
        return OrgId.parse(org).orElseThrow(() -> ProblemException.notFound("Organization " + org));
    }
}
