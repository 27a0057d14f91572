package io.gatehouse.idp;

import java.util.Optional;
import java.util.regex.Pattern;

/** An identity provider's alias: unique in its org, part of its login and ACS URLs. */
public record IdpAlias(String value) {
    public static final Pattern FORMAT = Pattern.compile("^[a-z0-9][a-z0-9-]{1,62}$");
    /** {@link #FORMAT} in words, for a field error. */
    public static final String FORMAT_RULE =
            "must be 2-63 lower-case letters, digits or hyphens, starting with a letter or digit";

    public IdpAlias {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not an identity-provider alias");
        }
    }

    public static Optional<IdpAlias> parse(String value) {
        return value != null && FORMAT.matcher(value).matches() ? Optional.of(new IdpAlias(value)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
