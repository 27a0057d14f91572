package io.gatehouse.provisioning;

import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Rows of users; groups and custom attributes as JSON text. */
@Repository
class UserStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private final JdbcClient jdbc;

    UserStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The listing filters of the API. */
    record Filter(Optional<String> idpId, Optional<String> email) {
    }

    /** A user as read, with the row version a conditional update must still find. */
    record Versioned(User user, long version) {
    }

    /** The user this IdP knows by this subject, row-locked until the transaction ends. */
    Optional<Versioned> lockBySubject(OrgId org, String idpId, String subject) {
        return jdbc.sql("select * from users where org_id = ? and idp_id = ? and subject = ? for update")
                .params(org.value(), idpId, subject)
                .query((rs, n) -> new Versioned(row(rs, n), rs.getLong("version"))).optional();
    }

    /** The user this IdP knows by this subject, with its row version (no lock is taken). */
    Optional<Versioned> findBySubject(OrgId org, String idpId, String subject) {
        return jdbc.sql("select * from users where org_id = ? and idp_id = ? and subject = ?")
                .params(org.value(), idpId, subject)
                .query((rs, n) -> new Versioned(row(rs, n), rs.getLong("version"))).optional();
    }

    Optional<User> find(OrgId org, String id) {
        return jdbc.sql("select * from users where org_id = ? and id = ?").params(org.value(), id)
                .query(UserStore::row).optional();
    }

    Optional<User> lock(OrgId org, String id) {
        return jdbc.sql("select * from users where org_id = ? and id = ? for update").params(org.value(), id)
                .query(UserStore::row).optional();
    }

    /** Oldest first (ids are time-ordered), after the cursor's id. */
    List<User> list(OrgId org, Filter filter, Optional<String> afterId, int limit) {
        StringBuilder sql = new StringBuilder("select * from users where org_id = ? and id > ?");
        List<Object> params = new ArrayList<>(List.of(org.value(), afterId.orElse("")));
        filter.idpId().ifPresent(i -> {
            sql.append(" and idp_id = ?");
            params.add(i);
        });
        filter.email().ifPresent(e -> {
            // addresses differ in case between IdPs and people; the filter should not care
            sql.append(" and lower(email) = ?");
            params.add(e.toLowerCase(Locale.ROOT));
        });
        sql.append(" order by id limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(UserStore::row).list();
    }

    void insert(User u) {
        jdbc.sql("insert into users (id, org_id, idp_id, subject, email, email_verified, given_name, family_name, name,"
                        + " username, group_names, groups_overage, role, team, custom_attributes, created_at, updated_at,"
                        + " last_sign_in_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(u.id(), u.org().value(), u.idpId(), u.subject(), u.email().orElse(null), u.emailVerified(),
                        u.givenName().orElse(null), u.familyName().orElse(null), u.name().orElse(null),
                        u.username().orElse(null), JSON.writeValueAsString(u.groups()), u.groupsOverage(),
                        u.role().orElse(null), u.team().orElse(null), JSON.writeValueAsString(u.custom()),
                        Timestamp.from(u.createdAt()), Timestamp.from(u.updatedAt()), Timestamp.from(u.lastSignInAt()))
                .update();
    }

    /** Writes the user unconditionally (the caller holds the row lock). */
    void update(User u) {
        updateWhere(u, "", List.of());
    }

    /** Writes the user only if nobody has since it was read; false when someone has. */
    boolean updateIfVersion(User u, long version) {
        return updateWhere(u, " and version = ?", List.of(version));
    }

    private boolean updateWhere(User u, String condition, List<Object> extra) {
        List<Object> params = new ArrayList<>(Arrays.asList(u.email().orElse(null), u.emailVerified(),
                u.givenName().orElse(null), u.familyName().orElse(null), u.name().orElse(null),
                u.username().orElse(null), JSON.writeValueAsString(u.groups()), u.groupsOverage(), u.role().orElse(null),
                u.team().orElse(null), JSON.writeValueAsString(u.custom()), Timestamp.from(u.updatedAt()),
                Timestamp.from(u.lastSignInAt()), u.id()));
        params.addAll(extra);
        return jdbc.sql("update users set email = ?, email_verified = ?, given_name = ?, family_name = ?, name = ?,"
                        + " username = ?, group_names = ?, groups_overage = ?, role = ?, team = ?, custom_attributes = ?,"
                        + " updated_at = ?, last_sign_in_at = ?, version = version + 1 where id = ?" + condition)
                .params(params).update() == 1;
    }

    private static User row(ResultSet rs, int n) throws SQLException {
        List<String> groups = JSON.readValue(rs.getString("group_names"), STRINGS);
        Map<String, String> custom = JSON.readValue(rs.getString("custom_attributes"), STRING_MAP);
        return new User(rs.getString("id"), new OrgId(rs.getString("org_id")), rs.getString("idp_id"),
                rs.getString("subject"), Optional.ofNullable(rs.getString("email")), rs.getBoolean("email_verified"),
                Optional.ofNullable(rs.getString("given_name")), Optional.ofNullable(rs.getString("family_name")),
                Optional.ofNullable(rs.getString("name")), Optional.ofNullable(rs.getString("username")), groups,
                rs.getBoolean("groups_overage"), Optional.ofNullable(rs.getString("role")),
                Optional.ofNullable(rs.getString("team")), custom, rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getTimestamp("last_sign_in_at").toInstant());
    }
}
