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
import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import io.gatehouse.persistence.SealedColumn;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gatehouse's token-signing keys, one active per algorithm (RS256, ES256), private halves sealed at
 * rest. A rotation makes a new key active and keeps the old one published until tokens it signed
 * have expired; every node re-reads the keys within a minute. A key whose private half no longer
 * opens (its master key is gone) stays published and signs nothing; if it was active, a new key
 * replaces it, as a rotation would: nobody registered these keys anywhere but in the JWKS.
 */
@Component
public class IssuerKeys implements SealedStore.InOneColumn {
    public static final List<String> ALGORITHMS = List.of("RS256", "ES256");
    /** The event recorded when an active key whose private half was lost is replaced. */
    public static final String REPLACED_EVENT = "issuer.key_replaced";
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final Duration RELOAD = Duration.ofSeconds(60);
    private static final String AAD_PREFIX = "issuer-key:";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditLog audit;
    private final SealedColumn sealedKeys;
    private final Set<String> reportedLost = ConcurrentHashMap.newKeySet();
    private volatile Loaded loaded = new Loaded(List.of(), Instant.EPOCH);

    IssuerKeys(JdbcClient jdbc, SecretBox box, TransactionTemplate tx, Clock clock, AuditLog audit) {
        this.jdbc = jdbc;
        this.box = box;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.sealedKeys = new SealedColumn(jdbc, box, new SealedColumn.Spec("issuer signing keys", "issuer_keys", "kid",
                "private_key_id", "private_key", "kid", AAD_PREFIX), l -> lost(l.rowId(), l.keyId(), l.keyLoaded()));
    }

    @Override
    public SealedStore column() {
        // the loaded keys stay right: a re-sealed row holds the same key
        return sealedKeys;
    }

    /** One key as loaded: the public JWK, the private one (in memory only; none when it does not open), status, age. */
    private record Key(JWK publicJwk, Optional<JWK> jwk, String kid, String masterKeyId, String alg, String status,
                       Instant createdAt) {
        boolean signs(String algorithm) {
            return alg.equals(algorithm) && status.equals("active");
        }
    }

    private record Loaded(List<Key> keys, Instant at) {
    }

    /** The active private key for an algorithm, created on first need (or when the active one was lost). */
    public JWK signingKey(String alg) {
        Optional<Key> active = current().stream().filter(k -> k.signs(alg)).findFirst();
        if (active.isPresent() && active.get().jwk().isPresent()) {
            return active.get().jwk().get();
        }
        active.ifPresentOrElse(this::replaceLost, () -> ensure(alg));
        return reload().stream().filter(k -> k.signs(alg) && k.jwk().isPresent()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no issuer key for " + alg + " opens here"))
                .jwk().orElseThrow();
    }

    /**
     * Retires an active key whose private half does not open and puts a new one in its place; on one
     * node only (the retirement is a compare-and-set on the row as read), the others find the new key.
     */
    private void replaceLost(Key lostKey) {
        boolean replaced = Boolean.TRUE.equals(tx.execute(s -> {
            int retired = jdbc.sql("update issuer_keys set status = 'retired' where kid = ? and status = 'active'"
                            + " and private_key_id = ?")
                    .params(lostKey.kid(), lostKey.masterKeyId()).update();
            if (retired == 1) {
                insert(lostKey.alg());
            }
            return retired == 1;
        }));
        if (replaced) {
            LOG.warn("The active {} issuer key {} cannot be opened (master key {} {}): replaced it with a new key;"
                            + " it stays published for the tokens it signed", lostKey.alg(), lostKey.kid(),
                    lostKey.masterKeyId(), box.opens(lostKey.masterKeyId()) ? "does not decrypt it" : "is not configured");
            ObjectNode details = JSON.createObjectNode().put("alg", lostKey.alg())
                    .put("key_id", lostKey.masterKeyId());
            audit.record(Optional.empty(), EventCategory.CONFIGURATION, REPLACED_EVENT, "system:master-keys",
                    lostKey.kid(), details);
        }
    }

    /** A key that does not open, found by the rotation: told once per node (it signs nothing meanwhile). */
    private void lost(String kid, String masterKeyId, boolean keyLoaded) {
        if (reportedLost.add(kid + "\n" + masterKeyId)) {
            LOG.warn("The issuer signing key {} cannot be opened: {}. It stays published and signs nothing; an active"
                            + " one is replaced at its next use", kid, keyLoaded
                            ? "it does not decrypt under master key " + masterKeyId
                            : "master key " + masterKeyId + " is not configured");
        }
    }

    /** The public keys apps verify with: the active ones and those recently retired. */
    public JWKSet publicKeys() {
        List<JWK> keys = new ArrayList<>();
        for (String alg : ALGORITHMS) {
            signingKey(alg);
        }
        // retired keys stay published: tokens they signed may still be checked (rotations are rare)
        for (Key k : current()) {
            keys.add(k.publicJwk());
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
        SealedSecret sealed = box.sealString(jwk.toJSONString(), AAD_PREFIX + kid);
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
            String masterKeyId = rs.getString("private_key_id");
            try {
                Optional<JWK> jwk;
                try {
                    jwk = Optional.of(JWK.parse(box.openString(new SealedSecret(masterKeyId,
                            rs.getString("private_key")), AAD_PREFIX + kid)));
                } catch (SecretBoxException e) {
                    jwk = Optional.empty();
                }
                return new Key(JWK.parse(rs.getString("public_jwk")), jwk, kid, masterKeyId, rs.getString("alg"),
                        rs.getString("status"), rs.getTimestamp("created_at").toInstant());
            } catch (ParseException e) {
                throw new IllegalStateException("a stored issuer key does not parse");
            }
        }).list();
        loaded = new Loaded(keys, clock.instant());
        return keys;
    }
}
