package io.gatehouse.idp.saml;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.Certificates;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.KeyPairPool;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import io.gatehouse.idp.LostSecrets;
import io.gatehouse.persistence.SealedColumn;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gatehouse's own key pairs per SAML identity provider, one for signing and one for encryption.
 * Rotation is two steps so the IdP can learn the next key from our metadata before it is used.
 */
@Service
public class SpKeys implements SealedStore.InOneColumn {
    private static final String AAD_PREFIX = "sp_key:";
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final KeyPairPool pool;
    private final SealedColumn sealedKeys;

    private final TransactionTemplate tx;
    private final com.github.benmanes.caffeine.cache.Cache<String, PrivateKey> opened =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().executor(Runnable::run)
                    .maximumSize(20_000).build();
    /**
     * Providers whose active keys all opened here lately: a sign-in's check then costs no query. Keys
     * new since are sealed with this node's primary key, so a minute's staleness misses nothing.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> activeOpen =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().executor(Runnable::run)
                    .expireAfterWrite(java.time.Duration.ofMinutes(1)).maximumSize(20_000).build();

    SpKeys(JdbcClient jdbc, SecretBox box, KeyPairPool pool, TransactionTemplate tx, LostSecrets lost) {
        this.jdbc = jdbc;
        this.box = box;
        this.pool = pool;
        this.tx = tx;
        this.sealedKeys = new SealedColumn(jdbc, box, new SealedColumn.Spec("SAML SP private keys", "sp_keys", "id",
                "private_key_id", "private_key", "idp_id", AAD_PREFIX),
                l -> lost.report(l.ownerId(), "SAML SP private key", l.keyId(), l.keyLoaded()));
    }

    @Override
    public SealedStore column() {
        // a re-sealed row holds the same key: what this node opened before stays right
        return sealedKeys;
    }

    /**
     * The master key id of an active key of the provider that does not open here (its master key is
     * gone), if any: a sign-in needing it cannot be made.
     */
    public Optional<String> unopenableActiveKey(String idpId) {
        if (activeOpen.getIfPresent(idpId) != null) {
            return Optional.empty();
        }
        record Sealed(String id, String keyId, String ciphertext) {
        }
        List<Sealed> active = jdbc.sql("select id, private_key_id, private_key from sp_keys where idp_id = ?"
                        + " and status = 'active'")
                .param(idpId)
                .query((rs, n) -> new Sealed(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        for (Sealed k : active) {
            try {
                open(k.id(), k.keyId(), k.ciphertext());
            } catch (SecretBoxException e) {
                return Optional.of(k.keyId());
            }
        }
        if (!active.isEmpty()) {
            activeOpen.put(idpId, true);
        }
        return Optional.empty();
    }

    /** What a key is for. */
    public enum Use {
        SIGNING("signing"),
        ENCRYPTION("encryption");

        private final String wireName;

        Use(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Where a key is in its life. */
    public enum Status {
        /** Published in metadata and used. */
        ACTIVE("active"),
        /** Published in metadata ahead of use. */
        NEXT("next"),
        /** No longer published; kept for decrypting what was encrypted to it meanwhile. */
        RETIRED("retired");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Status of(String wireName) {
            for (Status s : values()) {
                if (s.wireName.equals(wireName)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown status");
        }
    }

    /** One key as the API and metadata see it (no private key). */
    public record SpKey(String id, Use use, Status status, X509Certificate certificate, Instant createdAt) {
    }

    /**
     * Gives a new SAML identity provider its keys if the pool has them ready. RSA generation is too
     * slow for the request path, so when the pool is dry the provider is left for the background
     * provisioner (or for {@link #ensure}, whichever needs the keys first).
     */
    public void assignFromPool(String idpId, Instant now) {
        Optional<java.util.Map<Use, KeyAndCertificate>> pair = pairFromPool();
        if (pair.isPresent()) {
            pair.get().forEach((use, key) -> insert(idpId, use, Status.ACTIVE, key, now));
        } else {
            jdbc.sql("insert into sp_key_waiting (idp_id, since) values (?, ?)").params(idpId, Timestamp.from(now))
                    .update();
        }
    }

    /**
     * The background provisioner's step: keys for a provider created while the pool was dry, drawn
     * from the pool only. It never generates keys itself, so all background key generation is the
     * pool's refill, which has a bounded duty cycle; false when the pool had no pair ready.
     */
    public boolean provisionFromPool(String idpId, Instant now) {
        Optional<java.util.Map<Use, KeyAndCertificate>> pair = pairFromPool();
        pair.ifPresent(fresh -> insertMissing(idpId, fresh, now));
        return pair.isPresent();
    }

    /** A key for each use from the pool, all or none. */
    private Optional<java.util.Map<Use, KeyAndCertificate>> pairFromPool() {
        return pool.poll(Use.values().length).map(keys -> {
            java.util.Map<Use, KeyAndCertificate> byUse = new java.util.EnumMap<>(Use.class);
            for (Use use : Use.values()) {
                byUse.put(use, keys.get(use.ordinal()));
            }
            return byUse;
        });
    }

    /**
     * Makes sure the provider has an active key for each use, generating what is missing. Runs in
     * its own transaction with the provider's row locked, so two nodes never both assign keys.
     */
    public void ensure(String idpId, Instant now) {
        if (hasActiveKeys(idpId)) {
            return;
        }
        // RSA generation (when the pool is dry) happens before the row lock is taken: holding a lock
        // for seconds would make a sign-in on another thread time out waiting for it
        java.util.Map<Use, KeyAndCertificate> fresh = new java.util.EnumMap<>(Use.class);
        for (Use use : Use.values()) {
            fresh.put(use, pool.take());
        }
        insertMissing(idpId, fresh, now);
    }

    /** With the provider's row locked: an active key for each use that has none (others' work is kept). */
    private void insertMissing(String idpId, java.util.Map<Use, KeyAndCertificate> fresh, Instant now) {
        tx.executeWithoutResult(status -> {
            boolean exists = jdbc.sql("select id from identity_providers where id = ? for update").param(idpId)
                    .query(String.class).optional().isPresent();
            if (!exists) {
                return;
            }
            for (Use use : Use.values()) {
                boolean has = jdbc.sql("select count(*) from sp_keys where idp_id = ? and key_use = ? and status = 'active'")
                        .params(idpId, use.wireName()).query(Integer.class).single() > 0;
                if (!has) {
                    insert(idpId, use, Status.ACTIVE, fresh.get(use), now);
                }
            }
            jdbc.sql("delete from sp_key_waiting where idp_id = ?").param(idpId).update();
        });
    }

    /** SAML providers still waiting for their keys, oldest first. */
    public List<String> waitingForKeys(int limit) {
        return jdbc.sql("select idp_id from sp_key_waiting order by since, idp_id limit ?")
                .param(limit).query(String.class).list();
    }

    private boolean hasActiveKeys(String idpId) {
        return jdbc.sql("select count(*) from sp_keys where idp_id = ? and status = 'active'").param(idpId)
                .query(Integer.class).single() >= Use.values().length;
    }

    public List<SpKey> list(String idpId) {
        return jdbc.sql("select id, key_use, status, certificate, created_at from sp_keys where idp_id = ?"
                        + " order by created_at, id")
                .param(idpId)
                .query((rs, n) -> new SpKey(rs.getString("id"), Use.valueOf(rs.getString("key_use").toUpperCase()),
                        Status.of(rs.getString("status")), Certificates.parse(rs.getString("certificate")),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    /** Step one: a next key for each use, published in metadata but not yet used. */
    public void prepareNext(String idpId, Instant now) {
        ensure(idpId, now);
        for (Use use : Use.values()) {
            boolean hasNext = list(idpId).stream().anyMatch(k -> k.use() == use && k.status() == Status.NEXT);
            if (!hasNext) {
                insert(idpId, use, Status.NEXT, pool.take(), now);
            }
        }
    }

    /** Step two: the next keys become active; the old ones retire. */
    public void activateNext(String idpId, Instant now) {
        boolean any = list(idpId).stream().anyMatch(k -> k.status() == Status.NEXT);
        if (!any) {
            throw new ProblemException(ErrorCode.CONFLICT,
                    "There is no next key to activate: publish one first (POST .../sp-keys/next)");
        }
        for (Use use : Use.values()) {
            boolean hasNext = list(idpId).stream().anyMatch(k -> k.use() == use && k.status() == Status.NEXT);
            if (hasNext) {
                jdbc.sql("update sp_keys set status = 'retired' where idp_id = ? and key_use = ? and status = 'active'")
                        .params(idpId, use.wireName()).update();
                jdbc.sql("update sp_keys set status = 'active', activated_at = ? where idp_id = ? and key_use = ?"
                                + " and status = 'next'")
                        .params(Timestamp.from(now), idpId, use.wireName()).update();
            }
        }
    }

    /** The active key for a use with its certificate (signing AuthnRequests, with the certificate in KeyInfo). */
    public Optional<KeyAndCertificate> active(String idpId, Use use) {
        return jdbc.sql("select id, certificate, private_key_id, private_key from sp_keys where idp_id = ?"
                        + " and key_use = ? and status = 'active'")
                .params(idpId, use.wireName())
                .query((rs, n) -> new KeyAndCertificate(open(rs.getString("id"), rs.getString("private_key_id"),
                        rs.getString("private_key")), parseCertificate(rs.getString("certificate"))))
                .optional();
    }

    /**
     * Every private key for a use, the active one first: an IdP may still encrypt to the next key
     * (published ahead of use) or to a retired one (cached metadata), and decryption tries each.
     */
    public List<PrivateKey> privateKeys(String idpId, Use use) {
        List<PrivateKey> keys = new ArrayList<>();
        jdbc.sql("select id, private_key_id, private_key from sp_keys where idp_id = ? and key_use = ?"
                        + " order by case status when 'active' then 0 when 'next' then 1 else 2 end, created_at desc")
                .params(idpId, use.wireName())
                .query(rs -> {
                    try {
                        keys.add(open(rs.getString("id"), rs.getString("private_key_id"), rs.getString("private_key")));
                    } catch (SecretBoxException e) {
                        // a key whose master key is gone is left out (the rotation names it): what was
                        // encrypted to another key still decrypts, and nothing else fails on it
                    }
                });
        return keys;
    }

    private PrivateKey open(String id, String keyId, String ciphertext) {
        // a key row never changes its key (rotation adds rows), so the opened key is kept by row id:
        // every encrypted assertion would otherwise pay a decryption and a PEM parse
        return opened.get(id, k -> PrivateKeys.parsePem(new String(box.open(new SealedSecret(keyId, ciphertext),
                aad(id)), StandardCharsets.UTF_8)));
    }

    private static X509Certificate parseCertificate(String pem) {
        try {
            return Certificates.parse(pem);
        } catch (io.gatehouse.crypto.CertificateParseException e) {
            throw new IllegalStateException("a stored SP certificate does not parse", e);
        }
    }

    /** The private key of the active key for a use (signing AuthnRequests, decrypting assertions). */
    public Optional<PrivateKey> activePrivateKey(String idpId, Use use) {
        return jdbc.sql("select id, private_key_id, private_key from sp_keys where idp_id = ? and key_use = ?"
                        + " and status = 'active'")
                .params(idpId, use.wireName())
                .query((rs, n) -> PrivateKeys.parsePem(new String(box.open(
                        new SealedSecret(rs.getString("private_key_id"), rs.getString("private_key")),
                        aad(rs.getString("id"))), StandardCharsets.UTF_8)))
                .optional();
    }

    private void insert(String idpId, Use use, Status status, KeyAndCertificate key, Instant now) {
        String id = UUID.randomUUID().toString();
        SealedSecret sealed = box.seal(PrivateKeys.toPem(key.privateKey()).getBytes(StandardCharsets.UTF_8), aad(id));
        jdbc.sql("insert into sp_keys (id, idp_id, key_use, status, certificate, private_key_id, private_key,"
                        + " created_at, activated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, idpId, use.wireName(), status.wireName(), Certificates.toPem(key.certificate()),
                        sealed.keyId(), sealed.ciphertext(), Timestamp.from(now),
                        status == Status.ACTIVE ? Timestamp.from(now) : null)
                .update();
    }

    private static byte[] aad(String keyId) {
        return (AAD_PREFIX + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
