package io.gatehouse.audit;

import io.gatehouse.tenancy.OrgId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records and reads events. Details pass through {@link #redact} here, at the boundary, so no
 * caller can store a secret by forgetting to mask it.
 */
@Service
public class AuditLog {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SECRET_FIELDS = Set.of("client_secret", "decryption_private_key",
            "private_key", "key", "api_key", "password", "clientsecret", "idpclientsecret", "decryptionprivatekey");
    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(Optional<OrgId> org, EventCategory category, String type, String actor, String target,
                       JsonNode details) {
        record(prepare(org, category, type, actor, target, details));
    }

    public void configurationChanged(OrgId org, String type, String actor, String target, JsonNode details) {
        record(Optional.of(org), EventCategory.CONFIGURATION, type, actor, target, details);
    }

    /**
     * An event made ready to record (details redacted and serialized, trace id taken) ahead of the
     * transaction that records it, so that a transaction holding a lock does only the insert.
     */
    public record PendingEvent(Optional<OrgId> org, EventCategory category, String type, String actor,
                               String target, String traceId, String details) {
    }

    public PendingEvent configurationChange(OrgId org, String type, String actor, String target, JsonNode details) {
        return prepare(Optional.of(org), EventCategory.CONFIGURATION, type, actor, target, details);
    }

    private static PendingEvent prepare(Optional<OrgId> org, EventCategory category, String type, String actor,
                                        String target, JsonNode details) {
        return new PendingEvent(org, category, type, actor, target, MDC.get("trace_id"),
                JSON.writeValueAsString(redact(details == null ? JSON.createObjectNode() : details.deepCopy())));
    }

    /** Records a prepared event; it occurs now, when it is recorded. */
    public void record(PendingEvent e) {
        jdbc.sql("insert into events (org_id, category, type, actor, target, trace_id, occurred_at, details)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(e.org().map(OrgId::value).orElse(null), e.category().wireName(), e.type(), e.actor(),
                        e.target(), e.traceId(), Timestamp.from(clock.instant()), e.details())
                .update();
    }

    /** Whether the org already has an event of this type about this target whose details mention the text. */
    public boolean recorded(OrgId org, String type, String target, String detailText) {
        return jdbc.sql("select count(*) from events where org_id = ? and type = ? and target = ? and details like ?")
                .params(org.value(), type, target, "%" + detailText + "%").query(Integer.class).single() > 0;
    }

    /** Newest first; {@code beforeId} is the paging cursor. */
    public List<AuditEvent> list(OrgId org, Optional<Long> beforeId, Optional<EventCategory> category, int limit) {
        StringBuilder sql = new StringBuilder("select * from events where org_id = ? and id < ?");
        if (category.isPresent()) {
            sql.append(" and category = ?");
        }
        sql.append(" order by id desc limit ?");
        var spec = jdbc.sql(sql.toString()).param(org.value()).param(beforeId.orElse(Long.MAX_VALUE));
        if (category.isPresent()) {
            spec = spec.param(category.get().wireName());
        }
        return spec.param(limit).query(AuditLog::row).list();
    }

    static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                if (SECRET_FIELDS.contains(name.toLowerCase(java.util.Locale.ROOT)) && value != null && !value.isNull()) {
                    object.put(name, "**********");
                } else {
                    redact(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(AuditLog::redact);
        }
        return node;
    }

    private static AuditEvent row(ResultSet rs, int n) throws SQLException {
        return new AuditEvent(rs.getLong("id"), Optional.ofNullable(rs.getString("org_id")).map(OrgId::new),
                EventCategory.fromWireName(rs.getString("category")), rs.getString("type"), rs.getString("actor"),
                rs.getString("target"), rs.getString("trace_id"), rs.getTimestamp("occurred_at").toInstant(),
                JSON.readTree(rs.getString("details")));
    }
}
