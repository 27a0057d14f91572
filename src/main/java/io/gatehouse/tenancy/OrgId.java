package io.gatehouse.tenancy;

import java.util.Optional;
import java.util.regex.Pattern;

/** An organization's identifier: lower-case letters, digits and hyphens, 2-63 characters. */
public record OrgId(String value) {
    public static final Pattern FORMAT = Pattern.compile("^[a-z0-9][a-z0-9-]{1,62}$");

    public OrgId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not an organization id");
        }
    }

    public static Optional<OrgId> parse(String value) {
        return value != null && FORMAT.matcher(value).matches() ? Optional.of(new OrgId(value)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
