package io.gatehouse.access;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.tenancy.OrgId;
import java.util.Optional;

/** Who is calling the API, as established from the credential (an API key, or a setup link's session). */
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
            case SetupLink link -> {
                if (!link.org().equals(org)) {
                    throw ProblemException.notFound("Organization " + org);
                }
                if (permission != Permission.READ && permission != Permission.MANAGE_IDENTITY_PROVIDERS) {
                    throw new ProblemException(ErrorCode.FORBIDDEN, "A setup link may not " + describe(permission));
                }
            }
        }
    }

    /**
     * {@link #require(OrgId, Permission)} for one identity provider of the org: a setup link made for
     * one provider reaches no other (404, as for another org's).
     */
    default void require(OrgId org, String alias, Permission permission) {
        require(org, permission);
        if (this instanceof SetupLink link && link.alias().filter(a -> !a.equals(alias)).isPresent()) {
            throw ProblemException.notFound("Identity provider " + alias);
        }
    }

    /** Whether this caller sees the org's identity provider of that alias at all (a bound setup link sees one). */
    default boolean sees(String alias) {
        return !(this instanceof SetupLink link) || link.alias().map(alias::equals).orElse(true);
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

    /**
     * The customer's IT admin, through a setup link: the org's identity providers only (one, when
     * the link names it), never its keys or other settings.
     */
    record SetupLink(String linkId, OrgId org, Optional<String> alias) implements Caller {
        private static final String ACTOR_PREFIX = "setup-link:";

        @Override
        public String actor() {
            return ACTOR_PREFIX + linkId;
        }

        /** Whether an audited actor is a setup link's holder. */
        public static boolean isActor(String actor) {
            return actor.startsWith(ACTOR_PREFIX);
        }
    }
}
