package io.gatehouse.oidc;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.KeyPairPool;
import io.gatehouse.crypto.PrivateKeys;
import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import io.gatehouse.idp.LostSecrets;
import io.gatehouse.persistence.SealedColumn;
import io.gatehouse.oidc.internal.ClientJwks;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gatehouse's key pair per OpenID provider for private_key_jwt: taken on first need from the key
 * pool (generated off the request path), the private half sealed at rest, the public half served
 * as the client's JWKS. Two nodes never both assign one: the provider's row is locked meanwhile.
 */
@Service
public class OidcClientKeys implements SealedStore.InOneColumn {
    private static final String AAD_PREFIX = "oidc_client_key:";
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final KeyPairPool pool;
    private final TransactionTemplate tx;
    private final SealedColumn sealedKeys;

    OidcClientKeys(JdbcClient jdbc, SecretBox box, KeyPairPool pool, TransactionTemplate tx, LostSecrets lost) {
        this.jdbc = jdbc;
        this.box = box;
        this.pool = pool;
        this.tx = tx;
        this.sealedKeys = new SealedColumn(jdbc, box, new SealedColumn.Spec("OIDC client private keys",
                "oidc_client_keys", "id", "private_key_id", "private_key", "idp_id", AAD_PREFIX),
                l -> lost.report(l.ownerId(), "OIDC client private key", l.keyId(), l.keyLoaded()));
    }

    @Override
    public SealedStore column() {
        return sealedKeys;
    }

    /** The master key id of the provider's active client key when it does not open here, if so. */
    public Optional<String> unopenableActiveKey(String idpId) {
        record Sealed(String id, SealedSecret sealed) {
        }
        for (Sealed k : jdbc.sql("select id, private_key_id, private_key from oidc_client_keys where idp_id = ?"
                        + " and status = 'active'").param(idpId)
                .query((rs, n) -> new Sealed(rs.getString(1), new SealedSecret(rs.getString(2), rs.getString(3))))
                .list()) {
            try {
                box.open(k.sealed(), aad(k.id()).getBytes(StandardCharsets.UTF_8));
            } catch (SecretBoxException e) {
                return Optional.of(k.sealed().keyId());
            }
        }
        return Optional.empty();
    }

    /** The private key that signs client assertions, and the kid the provider finds it under. */
    public record ClientKey(String kid, PrivateKey privateKey) {
        @Override
        public String toString() {
            return "ClientKey[kid=" + kid + ", private key redacted]";
        }
    }

    /** The active key, assigned now if the provider has none yet. */
    public ClientKey active(String idpId, Instant now) {
        ensure(idpId, now);
        return jdbc.sql("select id, kid, private_key_id, private_key from oidc_client_keys where idp_id = ?"
                        + " and status = 'active'")
                .param(idpId)
                .query((rs, n) -> new ClientKey(rs.getString("kid"), PrivateKeys.parsePem(box.openString(
                        new SealedSecret(rs.getString("private_key_id"), rs.getString("private_key")),
                        aad(rs.getString("id"))))))
                .optional()
                .orElseThrow(() -> new IllegalStateException("the identity provider no longer exists"));
    }

    /** The public JWKs to publish, as JSON. */
    public List<String> publicJwks(String idpId) {
        return jdbc.sql("select public_jwk from oidc_client_keys where idp_id = ? order by created_at, id")
                .param(idpId).query(String.class).list();
    }

    public void ensure(String idpId, Instant now) {
        if (hasActive(idpId)) {
            return;
        }
        tx.executeWithoutResult(status -> {
            boolean exists = jdbc.sql("select id from identity_providers where id = ? for update").param(idpId)
                    .query(String.class).optional().isPresent();
            if (!exists || hasActive(idpId)) {
                return;
            }
            KeyAndCertificate key = pool.take();
            ClientJwks.PublicJwk jwk = ClientJwks.publicJwk((RSAPublicKey) key.certificate().getPublicKey());
            String id = UUID.randomUUID().toString();
            SealedSecret sealed = box.sealString(PrivateKeys.toPem(key.privateKey()), aad(id));
            jdbc.sql("insert into oidc_client_keys (id, idp_id, kid, status, public_jwk, private_key_id, private_key,"
                            + " created_at) values (?, ?, ?, 'active', ?, ?, ?, ?)")
                    .params(id, idpId, jwk.kid(), jwk.json(), sealed.keyId(), sealed.ciphertext(), Timestamp.from(now))
                    .update();
        });
    }

    private boolean hasActive(String idpId) {
        return jdbc.sql("select count(*) from oidc_client_keys where idp_id = ? and status = 'active'").param(idpId)
                .query(Integer.class).single() > 0;
    }

    private static String aad(String keyId) {
        return AAD_PREFIX + keyId;
    }
}
