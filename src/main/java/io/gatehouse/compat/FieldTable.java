package io.gatehouse.compat;

import io.gatehouse.api.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seed's fields and the native fields they carry over to. Values are copied unchanged, so the
 * native rules judge them (types, formats, lengths) and their errors are renamed back through the
 * same table: one table per seed is both the translation and the error vocabulary.
 */
final class FieldTable {
    private final Map<String, String> seedToNative = new LinkedHashMap<>();
    private final Map<String, String> nativeToSeed = new HashMap<>();
    private final Set<String> handled = new LinkedHashSet<>();

    /** A seed field copied as it is to a native field (dotted paths on both sides). */
    FieldTable copy(String seedPath, String nativePath) {
        seedToNative.put(seedPath, nativePath);
        nativeToSeed.putIfAbsent(nativePath, seedPath);
        return this;
    }

    /** A seed field the adapter converts itself; its native errors still carry the seed's name. */
    FieldTable converted(String seedPath, String nativePath) {
        handled.add(seedPath);
        nativeToSeed.put(nativePath, seedPath);
        return this;
    }

    /** A seed field the adapter reads itself, with no native counterpart to rename. */
    FieldTable known(String seedPath) {
        handled.add(seedPath);
        return this;
    }

    /** Native object paths named after a seed object (for errors on the object as a whole). */
    FieldTable names(String nativePath, String seedPath) {
        nativeToSeed.put(nativePath, seedPath);
        return this;
    }

    void copyInto(ObjectNode seed, ObjectNode target) {
        seedToNative.forEach((from, to) -> {
            JsonNode value = at(seed, from);
            if (value != null) {
                put(target, to, value);
            }
        });
    }

    SeedFieldNames fieldNames() {
        return new SeedFieldNames(nativeToSeed);
    }

    /** Every field the seed's document does not have: refused, as a typo in security settings must be. */
    List<FieldError> unknownFields(ObjectNode seed) {
        List<FieldError> errors = new ArrayList<>();
        collectUnknown(seed, "", errors);
        return errors;
    }

    private void collectUnknown(ObjectNode node, String prefix, List<FieldError> errors) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix + e.getKey();
            if (seedToNative.containsKey(path) || handled.contains(path)) {
                continue;
            }
            boolean parent = seedToNative.keySet().stream().anyMatch(k -> k.startsWith(path + "."))
                    || handled.stream().anyMatch(k -> k.startsWith(path + "."));
            if (parent && e.getValue() instanceof ObjectNode child) {
                collectUnknown(child, path + ".", errors);
            } else if (!parent) {
                errors.add(new FieldError(path, "unknown_field", "is not a field of this API"));
            }
        }
    }

    static JsonNode at(ObjectNode root, String dotted) {
        JsonNode node = root;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof ObjectNode o)) {
                return null;
            }
            node = o.get(part);
            if (node == null) {
                return null;
            }
        }
        return node.isNull() ? null : node;
    }

    static void put(ObjectNode root, String dotted, JsonNode value) {
        String[] parts = dotted.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }
}
