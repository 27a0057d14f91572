package io.gatehouse.idp;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.SealedStore;
import io.gatehouse.crypto.Secret;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.crypto.SecretBoxException;
import io.gatehouse.persistence.SealedColumn;
import io.gatehouse.tenancy.OrgId;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Rows of identity providers and their domains; secrets sealed with the IdP's id as associated data. */
@Repository
class IdentityProviderStore implements SealedStore.InOneColumn {
    private static final String AAD_PREFIX = "identity_provider:";
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final SealedColumn sealedSecrets;
    // Caffeine's maintenance runs on the writing thread in every cache here: handing it to the common
    // pool woke a thread on each write, which cost more than the work (a sixteenth of a creation's CPU)
    // the typed view is kept with the provider, so that the sign-in runtime's lookups allocate none
    private final Cache<IdVersion, ProviderView> decoded = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(5_000).build();

    private final boolean verificationRequired;

    IdentityProviderStore(JdbcClient jdbc, SecretBox box, LostSecrets lost,
                          io.gatehouse.config.GatehouseProperties properties) {
        this.jdbc = jdbc;
        this.verificationRequired = properties.domainVerificationRequired();
        this.box = box;
        this.sealedSecrets = new SealedColumn(jdbc, box, new SealedColumn.Spec("identity provider secrets",
                "identity_providers", "id", "secrets_key_id", "secrets", "id", AAD_PREFIX),
                l -> lost.report(l.ownerId(), "stored secrets", l.keyId(), l.keyLoaded()));
    }

    @Override
    public SealedStore column() {
        return sealedSecrets;
    }

    /** The listing filters of the API; {@code enabled} is "status is (not) active". */
    record Filter(Optional<Protocol> protocol, Optional<Boolean> enabled, Optional<ProviderStatus> status,
                  Optional<EmailDomain> domain) {
        static Filter protocol(Protocol protocol) {
            return new Filter(Optional.of(protocol), Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** An org's claim on a domain through one of its providers, and whether it is verified. */
    record DomainOwner(String domain, OrgId org, String idpId, boolean verified) {
    }

    /**
     * A provider turned into its row's values (JSON, sealed secrets, the certificates' watch time)
     * before any lock is taken.
     */
    record PreparedRow(IdentityProvider idp, String config, Optional<SealedSecret> sealed,
                       Optional<Instant> certificateWatchFrom) {
    }

    PreparedRow prepare(IdentityProvider idp) {
        return new PreparedRow(idp, IdentityProviderJson.stored(idp), seal(idp), certificateWatchFrom(idp));
    }

    void insert(PreparedRow row) {
        IdentityProvider idp = row.idp();
        Optional<SealedSecret> sealed = row.sealed();
        Lifecycle life = idp.lifecycle();
        jdbc.sql("insert into identity_providers (id, org_id, alias, protocol, display_name, status, config,"
                        + " secrets_key_id, secrets, version, created_at, updated_at, metadata_url, certificate_watch_from,"
                        + " configuration_revision, configured_at, active_revision)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(idp.id(), idp.org().value(), idp.alias().value(), idp.protocol().wireName(), idp.displayName(),
                        life.status().wireName(), row.config(), sealed.map(SealedSecret::keyId).orElse(null),
                        sealed.map(SealedSecret::ciphertext).orElse(null), idp.version(),
                        Timestamp.from(idp.createdAt()), Timestamp.from(idp.updatedAt()), readsMetadataUrl(idp),
                        row.certificateWatchFrom().map(Timestamp::from).orElse(null), life.revision(),
                        Timestamp.from(life.configuredAt()), activeRevision(life))
                .update();
        insertDomains(idp, idp.domains());
        changed(idp.org(), idp.updatedAt());
        rememberAfterCommit(idp);
    }

    /** Tells every node's routing table that the org's providers changed (in the writer's transaction). */
    void changed(OrgId org, java.time.Instant at) {
        jdbc.sql("insert into registry_changes (org_id, changed_at) values (?, ?)").params(org.value(), Timestamp.from(at))
                .update();
    }

    /**
     * Keeps the decoded provider once the transaction that wrote it commits (never before: a
     * rolled-back version number could be reused by different content).
     */
    private void rememberAfterCommit(IdentityProvider idp) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    decoded.put(new IdVersion(idp.id(), idp.version()), ProviderView.of(idp));
                }
            });
        }
    }

    /** Replaces the row if its version is still {@code expectedVersion}; false when someone else won. */
    boolean update(IdentityProvider idp, long expectedVersion) {
        Optional<SealedSecret> sealed = seal(idp);
        Lifecycle life = idp.lifecycle();
        int n = jdbc.sql("update identity_providers set alias = ?, display_name = ?, status = ?, config = ?,"
                        + " secrets_key_id = ?, secrets = ?, version = ?, updated_at = ?, metadata_url = ?,"
                        + " certificate_watch_from = ?, configuration_revision = ?, configured_at = ?,"
                        + " active_revision = ? where id = ? and version = ?")
                .params(idp.alias().value(), idp.displayName(), life.status().wireName(), IdentityProviderJson.stored(idp),
                        sealed.map(SealedSecret::keyId).orElse(null), sealed.map(SealedSecret::ciphertext).orElse(null),
                        idp.version(), Timestamp.from(idp.updatedAt()), readsMetadataUrl(idp),
                        certificateWatchFrom(idp).map(Timestamp::from).orElse(null), life.revision(),
                        Timestamp.from(life.configuredAt()), activeRevision(life), idp.id(), expectedVersion)
                .update();
        if (n == 0) {
            return false;
        }
        syncDomains(idp);
        changed(idp.org(), idp.updatedAt());
        rememberAfterCommit(idp);
        return true;
    }

    /**
     * Brings the provider's claims in line with its domains: a domain that stays keeps its claim as it
     * is (a verified domain stays verified when the admin edits the display name), a domain dropped
     * loses its claim, a new one is claimed. Tokens stay with the org either way.
     */
    private void syncDomains(IdentityProvider idp) {
        List<String> kept = idp.domains().stream().map(EmailDomain::value).toList();
        List<String> held = jdbc.sql("select domain from idp_domains where idp_id = ?").param(idp.id())
                .query(String.class).list();
        for (String domain : held) {
            if (!kept.contains(domain)) {
                jdbc.sql("delete from idp_domains where idp_id = ? and domain = ?").params(idp.id(), domain).update();
            }
        }
        insertDomains(idp, idp.domains().stream().filter(d -> !held.contains(d.value())).toList());
    }

    /**
     * New claims: pending until proven, or verified at once (method manual) where the installation
     * turned the ownership requirement off ({@code GATEHOUSE_DOMAIN_VERIFICATION=off}), which makes the
     * first claim the only one, as before ownership checks existed.
     */
    private void insertDomains(IdentityProvider idp, List<EmailDomain> domains) {
        Timestamp at = Timestamp.from(idp.updatedAt());
        for (EmailDomain d : domains) {
            if (verificationRequired) {
                jdbc.sql("insert into idp_domains (domain, org_id, idp_id, status, claimed_at, next_check_at)"
                                + " values (?, ?, ?, 'pending', ?, ?)")
                        .params(d.value(), idp.org().value(), idp.id(), at, at).update();
            } else {
                jdbc.sql("insert into idp_domains (domain, org_id, idp_id, status, method, claimed_at, verified_at,"
                                + " verified_domain) values (?, ?, ?, 'verified', 'manual', ?, ?, ?)")
                        .params(d.value(), idp.org().value(), idp.id(), at, at, d.value()).update();
            }
            // a token made once per org and domain: a provider that lists the domain again finds its record
            jdbc.sql("insert into domain_tokens (org_id, domain, token, created_at) select ?, ?, ?, ?"
                            + " where not exists (select 1 from domain_tokens where org_id = ? and domain = ?)")
                    .params(idp.org().value(), d.value(), DomainToken.generate(), at,
                            idp.org().value(), d.value()).update();
        }
    }

    boolean delete(String id) {
        return jdbc.sql("delete from identity_providers where id = ?").param(id).update() > 0;
    }

    /**
     * One read of the row; it is decoded only when this node has not decoded that exact version before
     * (see {@link #row}).
     */
    Optional<IdentityProvider> find(OrgId org, IdpAlias alias) {
        return view(org, alias).map(ProviderView::idp);
    }

    /** {@link #find}, typed by protocol: the sign-in runtime's lookup. */
    Optional<ProviderView> view(OrgId org, IdpAlias alias) {
        return jdbc.sql("select * from identity_providers where org_id = ? and alias = ?")
                .params(org.value(), alias.value()).query(this::rowView).optional();
    }

    /** SAML providers whose metadata comes from a URL (candidates for a scheduled refresh). */
    List<IdentityProvider> withMetadataUrl(int limit) {
        return jdbc.sql("select * from identity_providers where metadata_url = true order by updated_at limit ?")
                .param(limit).query(this::row).list();
    }

    /** Providers, enabled or not, whose certificates need watching by {@code now}, soonest first. */
    List<IdentityProvider> certificateWatchDue(Instant now, int limit) {
        return jdbc.sql("select * from identity_providers where certificate_watch_from <= ?"
                        + " order by certificate_watch_from limit ?")
                .params(Timestamp.from(now), limit).query(this::row).list();
    }

    /** Sets the watch's column of the provider as read (unless it has changed since). */
    void setCertificateWatch(IdentityProvider idp, Optional<Instant> watchFrom) {
        jdbc.sql("update identity_providers set certificate_watch_from = ? where id = ? and version = ?")
                .params(watchFrom.map(Timestamp::from).orElse(null), idp.id(), idp.version()).update();
    }

    static boolean readsMetadataUrl(IdentityProvider idp) {
        return idp.settings() instanceof SamlSettings saml && saml.source() instanceof SamlSettings.SamlSource.MetadataUrl;
    }

    /**
     * When the expiry watch must start looking at a provider: the expiry warning period before its
     * first pinned certificate expires; empty when it pins none (fingerprint trust, or OIDC).
     */
    static Optional<Instant> certificateWatchFrom(IdentityProvider idp) {
        return pinnedCertificates(idp).stream().map(pem -> IdentityProviderView.summary(pem).notAfter())
                .min(java.util.Comparator.naturalOrder()).map(first -> first.minus(IdentityProviderView.EXPIRY_WARNING));
    }

    /** The signing certificates a SAML provider pins (PEM); none for fingerprint trust or OIDC. */
    static List<String> pinnedCertificates(IdentityProvider idp) {
        return idp.settings() instanceof SamlSettings saml
                && saml.resolved().trust() instanceof SamlSettings.CertificateTrust.Pinned pinned
                ? pinned.certificatesPem() : List.of();
    }

    /** A row's identity at one moment. */
    private record IdVersion(String id, long version) {
    }

    Optional<IdentityProvider> findById(String id) {
        return viewById(id).map(ProviderView::idp);
    }

    Optional<ProviderView> viewById(String id) {
        return jdbc.sql("select * from identity_providers where id = ?").param(id).query(this::rowView).optional();
    }

    List<IdentityProvider> list(OrgId org, Filter filter, Optional<String> afterAlias, int limit) {
        StringBuilder sql = new StringBuilder("select * from identity_providers i where org_id = ? and alias > ?");
        List<Object> params = new ArrayList<>(List.of(org.value(), afterAlias.orElse("")));
        filter.protocol().ifPresent(p -> {
            sql.append(" and protocol = ?");
            params.add(p.wireName());
        });
        filter.enabled().ifPresent(e -> {
            sql.append(e ? " and status = ?" : " and status <> ?");
            params.add(ProviderStatus.ACTIVE.wireName());
        });
        filter.status().ifPresent(st -> {
            sql.append(" and status = ?");
            params.add(st.wireName());
        });
        filter.domain().ifPresent(d -> {
            sql.append(" and exists (select 1 from idp_domains d where d.idp_id = i.id and d.domain = ?)");
            params.add(d.value());
        });
        sql.append(" order by alias limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(this::row).list();
    }


    /** Every domain the org's providers list, verified or not (the runtime's reading, unchanged for now). */
    java.util.Set<EmailDomain> domains(OrgId org) {
        return java.util.Set.copyOf(jdbc.sql("select domain from idp_domains where org_id = ?").param(org.value())
                .query((rs, n) -> new EmailDomain(rs.getString(1))).list());
    }

    /**
     * The claims on these domains, each with whether its provider is active; of several claims on one
     * domain, the verified one first, then the oldest. Pending claims still count here as they did before
     * ownership checks (the routing change that ignores them comes separately): the order keeps "the first
     * claim wins" for the runtime while several orgs may hold pending claims on one domain.
     */
    List<DomainClaim> claims(List<String> domains) {
        String marks = String.join(", ", domains.stream().map(d -> "?").toList());
        return jdbc.sql("select d.domain, d.org_id, i.status = 'active' from idp_domains d"
                        + " join identity_providers i on i.id = d.idp_id where d.domain in (" + marks + ")"
                        + " order by case when d.status = 'verified' then 0 else 1 end, d.claimed_at, d.org_id")
                .params(domains)
                .query((rs, n) -> new DomainClaim(new EmailDomain(rs.getString(1)), new OrgId(rs.getString(2)),
                        rs.getBoolean(3)))
                .list();
    }

    /** What stands in a new provider's way: another provider with its alias, and its domains' owners. */
    record Conflicts(boolean aliasTaken, List<DomainOwner> domainOwners) {
    }

    /**
     * {@link #owners} and the alias check. Two plain statements, not one UNION: H2 keeps no parsed
     * form of a UNION, and parsing it again costs more than a second statement does.
     */
    Conflicts conflicts(OrgId org, IdpAlias alias, List<EmailDomain> domains) {
        boolean aliasTaken = jdbc.sql("select count(*) from identity_providers where org_id = ? and alias = ?")
                .params(org.value(), alias.value()).query(Integer.class).single() > 0;
        return new Conflicts(aliasTaken, owners(domains));
    }

    List<DomainOwner> owners(List<EmailDomain> domains) {
        if (domains.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", domains.stream().map(d -> "?").toList());
        return jdbc.sql("select domain, org_id, idp_id, status from idp_domains where domain in (" + marks + ")")
                .params(domains.stream().map(EmailDomain::value).toList())
                .query((rs, n) -> new DomainOwner(rs.getString("domain"), new OrgId(rs.getString("org_id")),
                        rs.getString("idp_id"), "verified".equals(rs.getString("status"))))
                .list();
    }

    private Optional<SealedSecret> seal(IdentityProvider idp) {
        IdpSecrets s = idp.secrets();
        if (s.unreadable().isPresent()) {
            // kept as stored: the key may come back, and nothing here can write it anew
            return Optional.of(s.unreadable().get().sealed());
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode o = IdentityProviderJson.JSON.createObjectNode();
        s.clientSecret().ifPresent(v -> o.put("client_secret", v.value()));
        s.decryptionPrivateKey().ifPresent(v -> o.put("decryption_private_key", v.value()));
        s.tlsClientPrivateKey().ifPresent(v -> o.put("client_private_key", v.value()));
        return Optional.of(box.seal(IdentityProviderJson.JSON.writeValueAsBytes(o), aad(idp.id())));
    }

    private IdpSecrets open(String id, String keyId, String ciphertext) {
        if (ciphertext == null) {
            return IdpSecrets.NONE;
        }
        SealedSecret sealed = new SealedSecret(keyId, ciphertext);
        JsonNode o;
        try {
            o = IdentityProviderJson.JSON.readTree(box.open(sealed, aad(id)));
        } catch (SecretBoxException e) {
            // the provider still lists and reads; the sign-in refuses it and the rotation reports it
            return IdpSecrets.unreadable(sealed, box.opens(keyId));
        }
        return new IdpSecrets(IdentityProviderJson.opt(o, "client_secret").map(Secret::new),
                IdentityProviderJson.opt(o, "decryption_private_key").map(Secret::new),
                IdentityProviderJson.opt(o, "client_private_key").map(Secret::new));
    }

    private static byte[] aad(String idpId) {
        return (AAD_PREFIX + idpId).getBytes(StandardCharsets.UTF_8);
    }

    private IdentityProvider row(ResultSet rs, int n) throws SQLException {
        return rowView(rs, n).idp();
    }

    /**
     * A row as a provider's view. Decoding (JSON, certificates, decryption) is the costly part of a
     * read, and a version never changes content, so a version decoded before is taken from the cache,
     * safely across nodes.
     */
    private ProviderView rowView(ResultSet rs, int n) throws SQLException {
        String id = rs.getString("id");
        ProviderView known = decoded.getIfPresent(new IdVersion(id, rs.getLong("version")));
        if (known != null) {
            return known;
        }
        IdentityProvider idp = IdentityProviderJson.fromStored(id, new OrgId(rs.getString("org_id")),
                rs.getString("config"), lifecycle(rs), open(id, rs.getString("secrets_key_id"), rs.getString("secrets")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                rs.getLong("version"));
        ProviderView view = ProviderView.of(idp);
        decoded.put(new IdVersion(id, idp.version()), view);
        return view;
    }


    private static Lifecycle lifecycle(ResultSet rs) throws SQLException {
        long active = rs.getLong("active_revision");
        return new Lifecycle(WireEnum.parse(ProviderStatus.class, rs.getString("status")).orElseThrow(),
                rs.getLong("configuration_revision"), rs.getTimestamp("configured_at").toInstant(),
                rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(active));
    }

    private static Long activeRevision(Lifecycle life) {
        return life.activeRevision().isPresent() ? life.activeRevision().getAsLong() : null;
    }

    /**
     * Notes a test sign-in that succeeded against configuration {@code revision}, unless one against a
     * later revision is noted already. Not a change of the provider (its version stays): a test
     * finishing while an admin edits must not make the edit fail.
     */
    void testSucceeded(String id, long revision, Instant at) {
        jdbc.sql("update identity_providers set tested_revision = ?, last_test_succeeded_at = ? where id = ?"
                        + " and (tested_revision is null or tested_revision <= ?)")
                .params(revision, Timestamp.from(at), id, revision).update();
    }

    /** The provider's latest successful test sign-in, if any. */
    Optional<ProviderTests.Succeeded> lastSuccessfulTest(String id) {
        return jdbc.sql("select tested_revision, last_test_succeeded_at from identity_providers where id = ?"
                        + " and last_test_succeeded_at is not null").param(id)
                .query((rs, n) -> new ProviderTests.Succeeded(rs.getLong(1), rs.getTimestamp(2).toInstant()))
                .optional();
    }

    /** {@link #lastSuccessfulTest} of several providers of one org at once, by id. */
    java.util.Map<String, ProviderTests.Succeeded> lastSuccessfulTests(OrgId org) {
        java.util.Map<String, ProviderTests.Succeeded> out = new java.util.HashMap<>();
        jdbc.sql("select id, tested_revision, last_test_succeeded_at from identity_providers where org_id = ?"
                        + " and last_test_succeeded_at is not null").param(org.value())
                .query((rs, n) -> out.put(rs.getString(1),
                        new ProviderTests.Succeeded(rs.getLong(2), rs.getTimestamp(3).toInstant())))
                .list();
        return out;
    }
}
