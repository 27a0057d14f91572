package io.gatehouse.portal;

import io.gatehouse.pages.Text;
import io.gatehouse.portal.TestSignIn.Interpreted;
import io.gatehouse.portal.TestSignIn.Observed;
import io.gatehouse.portal.TestSignIn.Received;
import io.gatehouse.portal.TestSignIn.Result;
import io.gatehouse.portal.TestSignIn.Warning;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A test sign-in's one JSON shape: the API's view, and (its profile and warnings) the stored result. */
final class TestSignInJson {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TestSignInJson() {
    }

    /** What {@code GET .../test-sign-ins/{id}} answers, as of {@code now}. */
    static ObjectNode view(TestSignIn test, Instant now) {
        Result result = test.resultAt(now);
        ObjectNode o = JSON.createObjectNode();
        o.put("id", test.id());
        o.put("identity_provider", test.alias().value());
        o.put("status", result.status().wireName());
        o.putNull("reason");
        o.putNull("explanation");
        o.putNull("profile");
        o.putNull("finished_at");
        ArrayNode warnings = o.putArray("warnings");
        switch (result) {
            case Result.Pending p -> {
            }
            case Result.Succeeded s -> {
                o.set("profile", profile(s.observed()));
                s.warnings().forEach(w -> warnings.add(warning(w)));
                o.put("finished_at", s.finishedAt().toString());
            }
            case Result.Failed f -> {
                o.put("reason", f.failure().code());
                o.put("explanation", f.failure().title());
                o.put("hint", f.failure().hint());
                f.failure().reason().spec().ifPresent(spec -> o.put("spec", spec));
                if (!f.failure().detail().isEmpty()) {
                    o.put("detail", f.failure().detail());
                }
                f.observed().ifPresent(obs -> o.set("profile", profile(obs)));
                f.warnings().forEach(w -> warnings.add(warning(w)));
                o.put("finished_at", f.finishedAt().toString());
            }
        }
        o.put("configuration_revision", test.configurationRevision());
        o.put("started_by", test.actor());
        o.put("created_at", test.createdAt().toString());
        o.put("expires_at", test.expiresAt().toString());
        return o;
    }

    /** The stored part of a finished result: what was observed, the warnings, and a refusal's detail. */
    static String stored(Optional<Observed> observed, List<Warning> warnings, String detail) {
        ObjectNode o = JSON.createObjectNode();
        observed.ifPresent(obs -> o.set("profile", profile(obs)));
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(x -> w.add(storedWarning(x)));
        if (!detail.isEmpty()) {
            o.put("detail", detail);
        }
        return JSON.writeValueAsString(o);
    }

    static Optional<Observed> observed(JsonNode stored) {
        JsonNode p = stored.path("profile");
        if (!p.isObject()) {
            return Optional.empty();
        }
        JsonNode r = p.path("received");
        JsonNode n = p.path("normalized");
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        r.path("attributes").properties().forEach(e -> attributes.put(e.getKey(), strings(e.getValue())));
        Received received = new Received(r.path("subject").asString(), text(r, "name_id_format"),
                r.path("email_verified").isBoolean() ? Optional.of(r.get("email_verified").booleanValue())
                        : Optional.empty(), attributes, text(r, "issued_at").map(Instant::parse));
        Map<String, String> custom = new LinkedHashMap<>();
        n.path("custom_attributes").properties().forEach(e -> custom.put(e.getKey(), e.getValue().asString()));
        Interpreted interpreted = new Interpreted(text(n, "email"), n.path("email_verified").asBoolean(false),
                text(n, "given_name"), text(n, "family_name"), text(n, "name"), text(n, "username"),
                strings(n.path("groups")), n.path("groups_overage").asBoolean(false), text(n, "role"), text(n, "team"),
                custom, text(p.path("user"), "id"));
        return Optional.of(new Observed(received, interpreted));
    }

    static List<Warning> warnings(JsonNode stored) {
        List<Warning> out = new ArrayList<>();
        for (JsonNode w : stored.path("warnings")) {
            String code = w.path("code").asString();
            String message = w.path("message").asString();
            JsonNode text = w.path("text");
            out.add(text.path("key").isString()
                    ? new Warning(code, message, new Text(text.get("key").stringValue(), strings(text.path("args"))))
                    : Warning.asSent(code, message));
        }
        return out;
    }

    static String detail(JsonNode stored) {
        return stored.path("detail").asString("");
    }

    private static ObjectNode profile(Observed observed) {
        ObjectNode p = JSON.createObjectNode();
        Received r = observed.received();
        ObjectNode received = p.putObject("received");
        received.put("subject", r.subject());
        put(received, "name_id_format", r.nameIdFormat());
        r.emailVerified().ifPresentOrElse(v -> received.put("email_verified", v), () -> received.putNull("email_verified"));
        ObjectNode attributes = received.putObject("attributes");
        r.attributes().forEach((name, values) -> {
            ArrayNode a = attributes.putArray(name);
            values.forEach(a::add);
        });
        put(received, "issued_at", r.issuedAt().map(Instant::toString));
        Interpreted i = observed.interpreted();
        ObjectNode normalized = p.putObject("normalized");
        put(normalized, "email", i.email());
        normalized.put("email_verified", i.emailVerified());
        put(normalized, "given_name", i.givenName());
        put(normalized, "family_name", i.familyName());
        put(normalized, "name", i.name());
        put(normalized, "username", i.username());
        ArrayNode groups = normalized.putArray("groups");
        i.groups().forEach(groups::add);
        if (i.groupsOverage()) {
            normalized.put("groups_overage", true);
        }
        put(normalized, "role", i.role());
        put(normalized, "team", i.team());
        ObjectNode custom = normalized.putObject("custom_attributes");
        i.custom().forEach(custom::put);
        ObjectNode user = p.putObject("user");
        user.put("status", i.knownUserId().isPresent() ? "existing" : "new");
        put(user, "id", i.knownUserId());
        return p;
    }

    /** A warning as the API shows it: its code and English sentence. */
    private static ObjectNode warning(Warning w) {
        return JSON.createObjectNode().put("code", w.code()).put("message", w.message());
    }

    /** A warning as kept: as the API shows it, and the bundle's key and values the pages word it with. */
    private static ObjectNode storedWarning(Warning w) {
        ObjectNode o = warning(w);
        ObjectNode text = o.putObject("text").put("key", w.text().key());
        ArrayNode args = text.putArray("args");
        w.text().args().forEach(args::add);
        return o;
    }

    private static void put(ObjectNode o, String name, Optional<String> value) {
        value.ifPresentOrElse(v -> o.put(name, v), () -> o.putNull(name));
    }

    private static Optional<String> text(JsonNode o, String name) {
        JsonNode v = o.path(name);
        return v.isString() ? Optional.of(v.stringValue()) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }
}
