package io.gatehouse.access;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;

/** An organization's API key as stored: only its hash is kept, never the key itself. */
public record ApiKey(String id, OrgId org, String name, ApiKeyRole role, Instant createdAt) {
}
