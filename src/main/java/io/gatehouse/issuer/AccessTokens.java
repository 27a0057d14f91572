package io.gatehouse.issuer;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Access tokens for userinfo, sealed with AES-GCM under the master key: the token names the code it
 * came from, its client and its expiry, so issuing one writes nothing; userinfo reads the claims from
 * that code's row, together with whether the code was replayed (which revokes what it issued). The
 * claims stay in the database, so a token stays short however large the profile.
 */
@Component
class AccessTokens {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    /** Ours are about 150 characters; anything much longer is not ours. */
    private static final int MAX_LENGTH = 512;
    private static final String PREFIX = "gat1.";
    /** Binds the ciphertext to its use: a secret sealed for anything else never opens as a token. */
    private static final String PURPOSE = "gatehouse access token";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;
    private final SecretBox box;

    AccessTokens(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    String issue(String codeHash, String clientId, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", codeHash);
        body.put("client", clientId);
        body.put("exp", now.plus(LIFETIME).getEpochSecond());
        SealedSecret sealed = box.seal(body.toString().getBytes(StandardCharsets.UTF_8),
                PURPOSE.getBytes(StandardCharsets.UTF_8));
        // standard base64 is within RFC 6750's b64token syntax: the sealed text is the token as it is
        return PREFIX + sealed.keyId() + "." + sealed.ciphertext();
    }

    /** The claims a live, unrevoked token may read; empty for anything else. */
    Optional<String> claims(String token, Instant now) {
        if (token == null || token.length() > MAX_LENGTH || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = token.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            byte[] plain = box.open(new SealedSecret(token.substring(PREFIX.length(), dot), token.substring(dot + 1)),
                    PURPOSE.getBytes(StandardCharsets.UTF_8));
            body = JSON.readTree(plain);
        } catch (IllegalArgumentException | SecretBoxException | JacksonException e) {
            return Optional.empty();
        }
        if (!body.path("exp").canConvertToLong() || body.path("exp").asLong() <= now.getEpochSecond()
                || !body.path("code").isString()) {
            return Optional.empty();
        }
        // the code's row outlives every token it issued (codes are purged an hour after expiry): a
        // missing row is refused, never taken for "not revoked"
        return jdbc.sql("select claims from authorization_codes where code_hash = ? and tokens_revoked = false")
                .param(body.path("code").asString()).query(String.class).optional();
    }

    /** A replayed code revokes everything it issued (RFC 6749 section 4.1.2). */
    void revokeIssuedFor(String codeHash) {
        jdbc.sql("update authorization_codes set tokens_revoked = true where code_hash = ?").param(codeHash).update();
    }
}
