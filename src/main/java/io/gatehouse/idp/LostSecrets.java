package io.gatehouse.idp;

import io.gatehouse.audit.AuditLog;
import io.gatehouse.tenancy.OrgId;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Names, for the operator and the org's admins, an identity provider's secret or key that cannot be
 * opened because its master key is gone: one event in the org (once per provider, secret and key,
 * across nodes and restarts) and a log line per node, neither with anything secret in it.
 */
@Component
public class LostSecrets {
    /** The event's type. */
    public static final String EVENT = "identity_provider.secret_unavailable";
    private static final Logger LOG = LoggerFactory.getLogger(LostSecrets.class);
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    LostSecrets(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Whose provider, under which alias (the provider may be gone by now). */
    private record Owner(OrgId org, String alias) {
    }

    /**
     * Reports that {@code what} of the provider {@code idpId}, sealed with master key {@code keyId},
     * does not open: the key is not configured, or (when {@code keyLoaded}) the value does not decrypt.
     */
    public void report(String idpId, String what, String keyId, boolean keyLoaded) {
        if (!reported.add(idpId + "\n" + what + "\n" + keyId)) {
            return;
        }
        Optional<Owner> owner = jdbc.sql("select org_id, alias from identity_providers where id = ?").param(idpId)
                .query((rs, n) -> new Owner(new OrgId(rs.getString(1)), rs.getString(2))).optional();
        if (owner.isEmpty()) {
            reported.remove(idpId + "\n" + what + "\n" + keyId);
            return;
        }
        LOG.warn("The {} of identity provider {}/{} cannot be opened: {}. Its sign-ins are refused until it is"
                        + " replaced (a secret entered again, a key rotated) or the master key is added back to"
                        + " GATEHOUSE_MASTER_KEY", what, owner.get().org(),
                owner.get().alias(), keyLoaded ? "it does not decrypt under master key " + keyId
                        : "master key " + keyId + " is not configured");
        // the details as written below (no spaces, in this order): one event per secret and key
        if (audit.recorded(owner.get().org(), EVENT, owner.get().alias(),
                "\"secret\":\"" + what + "\",\"key_id\":\"" + keyId + "\"")) {
            return;
        }
        ObjectNode details = IdentityProviderJson.JSON.createObjectNode();
        details.put("secret", what);
        details.put("key_id", keyId);
        details.put("key_configured", keyLoaded);
        audit.configurationChanged(owner.get().org(), EVENT, "system:master-keys", owner.get().alias(), details);
    }
}
