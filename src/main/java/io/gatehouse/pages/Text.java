package io.gatehouse.pages;

import java.util.List;

/** A text of the message bundles: its key and the values for its {@code {0}}, {@code {1}}... */
public record Text(String key, List<String> args) {
    public Text {
        args = List.copyOf(args);
    }

    public static Text of(String key, String... args) {
        return new Text(key, List.of(args));
    }
}
