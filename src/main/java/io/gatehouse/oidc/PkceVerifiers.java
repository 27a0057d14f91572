package io.gatehouse.oidc;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * PKCE verifiers at rest: sealed with the secret box and bound to the identity provider, so the
 * attempts table never holds one in the clear (a verifier is a secret until the code is redeemed).
 * Those of sign-ins still open are moved to the primary master key with everything else.
 */
@Component
class PkceVerifiers implements SealedStore {
    private static final String SEPARATOR = ":";
    private final SecretBox box;
    private final JdbcClient jdbc;
    private final Clock clock;

    PkceVerifiers(SecretBox box, JdbcClient jdbc, Clock clock) {
        this.box = box;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    String seal(String idpId, String verifier) {
        SealedSecret sealed = box.sealString(verifier, aad(idpId));
        return stored(sealed);
    }

    /** The verifier; empty when the stored value does not open for this provider. */
    Optional<String> open(String idpId, String stored) {
        Optional<SealedSecret> sealed = parse(stored);
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(box.openString(sealed.get(), aad(idpId)));
        } catch (SecretBoxException e) {
            return Optional.empty();
        }
    }

    private static String stored(SealedSecret sealed) {
        return sealed.keyId() + SEPARATOR + sealed.ciphertext();
    }

    private static Optional<SealedSecret> parse(String stored) {
        int at = stored.indexOf(SEPARATOR);
        return at <= 0 ? Optional.empty()
                : Optional.of(new SealedSecret(stored.substring(0, at), stored.substring(at + 1)));
    }

    private static String aad(String idpId) {
        return "oidc_pkce:" + idpId;
    }

    @Override
    public String name() {
        return "PKCE verifiers of open sign-ins";
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select substring(code_verifier from 1 for position(':' in code_verifier) - 1), count(*)"
                        + " from signin_attempts where code_verifier is not null and expires_at > ? group by 1")
                .param(Timestamp.from(clock.instant()))
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private record Open(String id, String idpId, String stored) {
    }

    /** Expired sign-ins are left alone: nobody can finish them, and they are deleted soon. */
    @Override
    public Batch resealNext(Optional<String> after, int limit) {
        List<Open> rows = jdbc.sql("select id, idp_id, code_verifier from signin_attempts where code_verifier is not null"
                        + " and expires_at > ? and id > ? and code_verifier not like ? order by id limit ?")
                .params(Timestamp.from(clock.instant()), after.orElse(""), box.primaryKeyId() + SEPARATOR + "%", limit)
                .query((rs, n) -> new Open(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        int resealed = 0;
        int unopenable = 0;
        for (Open row : rows) {
            Optional<SealedSecret> sealed = parse(row.stored());
            if (sealed.isEmpty()) {
                unopenable++;
                continue;
            }
            try {
                String fresh = stored(box.resealString(sealed.get(), aad(row.idpId())));
                resealed += jdbc.sql("update signin_attempts set code_verifier = ? where id = ? and code_verifier = ?")
                        .params(fresh, row.id(), row.stored()).update();
            } catch (SecretBoxException e) {
                // that sign-in fails at its callback; it expires within minutes
                unopenable++;
            }
        }
        return new Batch(rows.size(), rows.isEmpty() ? after : Optional.of(rows.getLast().id()), resealed, unopenable);
    }
}
