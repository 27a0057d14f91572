package io.gatehouse.tenancy;

import java.time.Instant;

/** An organization (a customer of the SaaS running Gatehouse) and its plan. */
public record Org(OrgId id, String name, boolean ssoEnabled, int maxIdentityProviders, Instant createdAt,
                  Instant updatedAt) {
    public static final int DEFAULT_MAX_IDENTITY_PROVIDERS = 10;
    public static final int MAX_NAME_LENGTH = 200;
}
