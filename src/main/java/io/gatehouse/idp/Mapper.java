package io.gatehouse.idp;

import java.util.Map;
import java.util.Optional;

/**
 * Maps what the identity provider asserts onto the user's profile: an attribute copied to a
 * field, a role or team chosen through a value map, or a hard-coded value.
 */
public record Mapper(String name, MapperType type, Optional<String> source, String target,
                     Map<String, String> valueMap, Optional<String> value, int priority) {
    public static final int MAX_MAPPERS = 50;

    public Mapper {
        valueMap = Map.copyOf(valueMap);
    }

    /** The kinds of mapper. */
    public enum MapperType implements WireEnum {
        ATTRIBUTE("attribute"),
        ROLE("role"),
        TEAM("team"),
        HARDCODED("hardcoded");

        private final String wireName;

        MapperType(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }
    }
}
