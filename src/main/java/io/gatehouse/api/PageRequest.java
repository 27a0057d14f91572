package io.gatehouse.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Cursor paging parameters: {@code limit} (1-200, default 50) and an opaque {@code cursor}. */
public record PageRequest(int limit, Optional<String> after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(String limit, String cursor) {
        int parsedLimit = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                parsedLimit = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                parsedLimit = -1;
            }
            if (parsedLimit < 1 || parsedLimit > MAX_LIMIT) {
                throw ProblemException.validation("limit", "out_of_range", "must be an integer between 1 and " + MAX_LIMIT);
            }
        }
        Optional<String> after = Optional.empty();
        if (cursor != null && !cursor.isEmpty()) {
            try {
                after = Optional.of(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("cursor", "invalid_value", "is not a cursor this API returned");
            }
            // the keys cursors are made of are printable; a control character (NUL in particular, which
            // PostgreSQL refuses in a query) means the cursor was made up
            if (after.get().chars().anyMatch(Character::isISOControl)) {
                throw ProblemException.validation("cursor", "invalid_value", "is not a cursor this API returned");
            }
        }
        return new PageRequest(parsedLimit, after);
    }

    public static String cursor(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }
}
