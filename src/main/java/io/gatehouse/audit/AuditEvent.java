package io.gatehouse.audit;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** One recorded event: a configuration change or a sign-in outcome. */
public record AuditEvent(long id, Optional<OrgId> org, EventCategory category, String type, String actor,
                         String target, String traceId, Instant occurredAt, JsonNode details) {
}
