package io.gatehouse.issuer;

import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The application's authorization request, validated, carried through the IdP sign-in inside the
 * sign-in attempt and answered when it completes.
 */
public record AppRequest(String clientId, String redirectUri, Optional<String> state, Optional<String> nonce,
                         Optional<String> codeChallenge, String scope) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("client_id", clientId);
        o.put("redirect_uri", redirectUri);
        state.ifPresent(s -> o.put("state", s));
        nonce.ifPresent(n -> o.put("nonce", n));
        codeChallenge.ifPresent(c -> o.put("code_challenge", c));
        o.put("scope", scope);
        return o.toString();
    }

    public static Optional<AppRequest> fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            if (!o.path("client_id").isString() || !o.path("redirect_uri").isString()) {
                return Optional.empty();
            }
            return Optional.of(new AppRequest(o.get("client_id").stringValue(), o.get("redirect_uri").stringValue(),
                    text(o, "state"), text(o, "nonce"), text(o, "code_challenge"), o.path("scope").asString("openid")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode o, String name) {
        return o.path(name).isString() ? Optional.of(o.get(name).stringValue()) : Optional.empty();
    }
}
