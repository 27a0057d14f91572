package io.gatehouse.issuer;

import io.gatehouse.crypto.RandomTokens;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SecretBox;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gatehouse's token-signing keys, one active per algorithm (RS256, ES256), private halves sealed at
 * rest. A rotation makes a new key active and keeps the old one published until tokens it signed
 * have expired; every node re-reads the keys within a minute.
 */
@Component
public class IssuerKeys {
    public static final List<String> ALGORITHMS = List.of("RS256", "ES256");
    private static final Duration RELOAD = Duration.ofSeconds(60);
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TransactionTemplate tx;
    private final Clock clock;
    private volatile Loaded loaded = new Loaded(List.of(), Instant.EPOCH);

    IssuerKeys(JdbcClient jdbc, SecretBox box, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.tx = tx;
        this.clock = clock;
    }

    /** One key as loaded: the private JWK (in memory only), its status and age. */
    private record Key(JWK jwk, String alg, String status, Instant createdAt) {
    }

    private record Loaded(List<Key> keys, Instant at) {
    }

    /** The active private key for an algorithm, created on first need. */
    public JWK signingKey(String alg) {
        return current().stream().filter(k -> k.alg().equals(alg) && k.status().equals("active")).findFirst()
                .map(Key::jwk).orElseGet(() -> {
                    ensure(alg);
                    return reload().stream().filter(k -> k.alg().equals(alg) && k.status().equals("active"))
                            .findFirst().orElseThrow().jwk();
                });
    }

    /** The public keys apps verify with: the active ones and those recently retired. */
    public JWKSet publicKeys() {
        List<JWK> keys = new ArrayList<>();
        for (String alg : ALGORITHMS) {
            signingKey(alg);
        }
        // retired keys stay published: tokens they signed may still be checked (rotations are rare)
        for (Key k : current()) {
            keys.add(k.jwk().toPublicJWK());
        }
        return new JWKSet(keys);
    }

    /** Replaces the active key of each algorithm with a new one; the old stay published. */
    public void rotate() {
        tx.executeWithoutResult(s -> {
            jdbc.sql("update issuer_keys set status = 'retired' where status = 'active'").update();
            for (String alg : ALGORITHMS) {
                insert(alg);
            }
        });
        reload();
    }

    private void ensure(String alg) {
        tx.executeWithoutResult(s -> {
            // two nodes racing here may both add one: both are published, either signs
            boolean has = jdbc.sql("select count(*) from issuer_keys where alg = ? and status = 'active'").param(alg)
                    .query(Integer.class).single() > 0;
            if (!has) {
                insert(alg);
            }
        });
    }

    private void insert(String alg) {
        String kid = RandomTokens.urlSafe(12);
        JWK jwk;
        try {
            jwk = switch (alg) {
                case "RS256" -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).generate();
                case "ES256" -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.ES256).generate();
                default -> throw new IllegalArgumentException("unsupported algorithm");
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("key generation failed", e);
        }
        SealedSecret sealed = box.sealString(jwk.toJSONString(), "issuer-key:" + kid);
        jdbc.sql("insert into issuer_keys (kid, alg, status, private_key_id, private_key, public_jwk, created_at)"
                        + " values (?, ?, 'active', ?, ?, ?, ?)")
                .params(kid, alg, sealed.keyId(), sealed.ciphertext(), jwk.toPublicJWK().toJSONString(),
                        Timestamp.from(clock.instant()))
                .update();
    }

    private List<Key> current() {
        Loaded l = loaded;
        if (l.keys().isEmpty() || clock.instant().isAfter(l.at().plus(RELOAD))) {
            return reload();
        }
        return l.keys();
    }

    private synchronized List<Key> reload() {
        List<Key> keys = jdbc.sql("select * from issuer_keys order by created_at desc").query((rs, n) -> {
            String kid = rs.getString("kid");
            String json = box.openString(new SealedSecret(rs.getString("private_key_id"), rs.getString("private_key")),
                    "issuer-key:" + kid);
            try {
                return new Key(JWK.parse(json), rs.getString("alg"), rs.getString("status"),
                        rs.getTimestamp("created_at").toInstant());
            } catch (ParseException e) {
                throw new IllegalStateException("a stored issuer key does not parse");
            }
        }).list();
        loaded = new Loaded(keys, clock.instant());
        return keys;
    }

    Optional<JWK> byKid(String kid) {
        return current().stream().filter(k -> k.jwk().getKeyID().equals(kid)).map(Key::jwk).findFirst();
    }
}
