package io.gatehouse.idp;

import java.util.Optional;

/**
 * How users signing in through an identity provider are created and kept in sync.
 * {@code allowAnyEmailDomain} lets this provider assert emails outside the org's domains (off by
 * default: an IdP must not vouch for addresses of domains the org does not own).
 */
public record Provisioning(Mode mode, SyncMode syncMode, RoleManagement roleManagement,
                           Optional<String> defaultRole, Optional<String> defaultTeam, boolean allowAnyEmailDomain) {

    public static final Provisioning DEFAULT = new Provisioning(Mode.JIT, SyncMode.IMPORT, RoleManagement.IDP,
            Optional.empty(), Optional.empty(), false);

    /** Whether unknown users are created on first sign-in. */
    public enum Mode implements WireEnum {
        JIT("jit"),
        EXISTING_ONLY("existing_only");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }

    /** When asserted attributes overwrite the stored profile. */
    public enum SyncMode implements WireEnum {
        IMPORT("import"),
        FORCE("force"),
        LEGACY("legacy");

        private final String wireName;

        SyncMode(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }

    /** Whether roles and teams come from the identity provider or are managed by hand. */
    public enum RoleManagement implements WireEnum {
        MANUAL("manual"),
        IDP("idp");

        private final String wireName;

        RoleManagement(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }
}
