package io.gatehouse.access;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.tenancy.OrgId;

/** Who is calling the API, as established from the credential. */
public sealed interface Caller {

    /** The actor recorded in audit events. */
    String actor();

    /**
     * Checks that this caller may act on the org with the permission. A key of another org gets
     * 404, never 403, so that tenants cannot probe each other's resources.
     */
    default void require(OrgId org, Permission permission) {
        switch (this) {
            case PlatformAdmin admin -> {
            }
            case OrgKey key -> {
                if (!key.org().equals(org)) {
                    throw ProblemException.notFound("Organization " + org);
                }
                if (!key.role().grants(permission)) {
                    throw new ProblemException(ErrorCode.FORBIDDEN,
                            "The " + key.role().wireName() + " role may not " + describe(permission));
                }
            }
        }
    }

    default void requirePlatform() {
        if (!(this instanceof PlatformAdmin)) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "This operation needs the platform-admin key");
        }
    }

    private static String describe(Permission permission) {
        return switch (permission) {
            case READ -> "read this organization";
            case MANAGE_IDENTITY_PROVIDERS -> "manage identity providers (Manage Authentication Providers)";
            case MANAGE_ORG -> "manage the organization and its keys";
            case PLATFORM -> "manage the platform";
        };
    }

    /** The platform administrator (GATEHOUSE_ADMIN_KEY). */
    record PlatformAdmin() implements Caller {
        @Override
        public String actor() {
            return "platform-admin";
        }
    }

    /** An organization's API key. */
    record OrgKey(String keyId, OrgId org, ApiKeyRole role) implements Caller {
        @Override
        public String actor() {
            return "api-key:" + keyId;
        }
    }
}
