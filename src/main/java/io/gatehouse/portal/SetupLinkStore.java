package io.gatehouse.portal;

import io.gatehouse.idp.IdpAlias;
import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Rows of setup links and of the portal sessions made from them; secrets as their SHA-256 only. */
@Repository
class SetupLinkStore {
    private final JdbcClient jdbc;

    SetupLinkStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the link if its org exists (false when it does not). */
    boolean insert(SetupLink link, String secretHash) {
        return jdbc.sql("insert into setup_links (id, org_id, alias, email, secret_hash, created_by, created_at,"
                        + " expires_at) select ?, id, ?, ?, ?, ?, ?, ? from orgs where id = ?")
                .params(link.id(), link.alias().map(IdpAlias::value).orElse(null), link.email().orElse(null),
                        secretHash, link.createdBy(), Timestamp.from(link.createdAt()), Timestamp.from(link.expiresAt()),
                        link.org().value())
                .update() == 1;
    }

    List<SetupLink> list(OrgId org) {
        return jdbc.sql("select * from setup_links where org_id = ? order by created_at desc, id").param(org.value())
                .query(SetupLinkStore::row).list();
    }

    Optional<SetupLink> find(OrgId org, String id) {
        return jdbc.sql("select * from setup_links where org_id = ? and id = ?").params(org.value(), id)
                .query(SetupLinkStore::row).optional();
    }

    /** The link and its stored hash, by the hash of a presented secret. */
    Optional<Hashed> bySecretHash(String hash) {
        return jdbc.sql("select * from setup_links where secret_hash = ?").param(hash)
                .query((rs, n) -> new Hashed(row(rs, n), rs.getString("secret_hash"))).optional();
    }

    /** A link with the hash it is stored under. */
    record Hashed(SetupLink link, String hash) {
    }

    /** Revokes the link (a revoked one stays revoked as it was); false when the org has no such link. */
    boolean revoke(OrgId org, String id, Instant at) {
        jdbc.sql("update setup_links set revoked_at = ? where org_id = ? and id = ? and revoked_at is null")
                .params(Timestamp.from(at), org.value(), id).update();
        return find(org, id).isPresent();
    }

    void used(String id, Instant at) {
        jdbc.sql("update setup_links set first_used_at = ? where id = ? and first_used_at is null")
                .params(Timestamp.from(at), id).update();
    }

    /** The portal's choice for the link, if the admin has made one. */
    Optional<PortalChoice> choice(String linkId) {
        return jdbc.sql("select portal_alias, portal_product, portal_protocol from setup_links where id = ?"
                        + " and portal_alias is not null").param(linkId)
                .query((rs, n) -> PortalChoice.parse(rs.getString("portal_alias"), rs.getString("portal_product"),
                        rs.getString("portal_protocol")))
                .optional().flatMap(c -> c);
    }

    /** Records the admin's choice of product and protocol, and the alias it will be set up under. */
    void choose(String linkId, PortalChoice choice) {
        jdbc.sql("update setup_links set portal_alias = ?, portal_product = ?, portal_protocol = ? where id = ?")
                .params(choice.alias().value(), choice.product().wireName(), choice.protocol().wireName(), linkId)
                .update();
    }

    void insertSession(String idHash, String linkId, Instant createdAt, Instant expiresAt) {
        jdbc.sql("insert into setup_sessions (id_hash, link_id, created_at, expires_at) values (?, ?, ?, ?)")
                .params(idHash, linkId, Timestamp.from(createdAt), Timestamp.from(expiresAt)).update();
    }

    /** The session's link and the session's own end, by the hash of a presented session id. */
    Optional<Session> session(String idHash) {
        return jdbc.sql("select l.*, s.id_hash, s.expires_at as session_expires_at from setup_sessions s"
                        + " join setup_links l on l.id = s.link_id where s.id_hash = ?").param(idHash)
                .query((rs, n) -> new Session(row(rs, n), rs.getString("id_hash"),
                        rs.getTimestamp("session_expires_at").toInstant()))
                .optional();
    }

    /** A portal session as stored. */
    record Session(SetupLink link, String idHash, Instant expiresAt) {
    }

    void deleteSession(String idHash) {
        jdbc.sql("delete from setup_sessions where id_hash = ?").param(idHash).update();
    }

    /** Drops sessions past their end (their links stay, for the list). */
    int purgeSessions(Instant now) {
        return jdbc.sql("delete from setup_sessions where expires_at < ?").param(Timestamp.from(now)).update();
    }

    private static SetupLink row(ResultSet rs, int n) throws SQLException {
        return new SetupLink(rs.getString("id"), new OrgId(rs.getString("org_id")),
                Optional.ofNullable(rs.getString("alias")).map(IdpAlias::new), Optional.ofNullable(rs.getString("email")),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(), instant(rs, "revoked_at"), instant(rs, "first_used_at"));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }
}
