package io.gatehouse.portal;

import java.util.Objects;

/** What a presented setup-link secret (or portal session) resolves to: its link, or why it is refused. */
public sealed interface SetupLinkResolution {
    /** The link is honoured; its {@link SetupLink#caller()} acts in the portal. */
    record Valid(SetupLink link) implements SetupLinkResolution {
        public Valid {
            Objects.requireNonNull(link, "link");
        }
    }

    /** Not honoured, for {@code reason}. */
    record Refused(SetupLinkRefusal reason) implements SetupLinkResolution {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
