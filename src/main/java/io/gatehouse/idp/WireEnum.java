package io.gatehouse.idp;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** An enumeration with a stable name on the wire. */
public interface WireEnum {
    String wireName();

    static <E extends Enum<E> & WireEnum> Optional<E> parse(Class<E> type, String name) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.wireName().equals(name)).findFirst();
    }

    static <E extends Enum<E> & WireEnum> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireEnum::wireName).toList();
    }
}
