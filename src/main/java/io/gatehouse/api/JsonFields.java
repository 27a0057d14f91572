package io.gatehouse.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A strict reader over one JSON object of a request: typed accessors that record a field-level
 * error (dotted path) instead of throwing, so that a request reports every problem at once, and a
 * final check that refuses fields nobody asked for.
 */
public final class JsonFields {
    /** The field error for text holding U+0000, which no field can hold (nor PostgreSQL store). */
    public static final String NUL_CODE = "invalid_characters";
    public static final String NUL_MESSAGE = "must not contain the NUL character (U+0000)";
    private final ObjectNode node;
    private final String path;
    private final List<FieldError> errors;
    private final Set<String> consumed = new HashSet<>();

    private JsonFields(ObjectNode node, String path, List<FieldError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    public static JsonFields of(ObjectNode node) {
        return new JsonFields(node, "", new ArrayList<>());
    }

    public String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public void error(String name, String code, String message) {
        errors.add(new FieldError(path(name), code, message));
    }

    public void errorAt(String fullPath, String code, String message) {
        errors.add(new FieldError(fullPath, code, message));
    }

    /** Present and not JSON null. */
    public boolean has(String name) {
        consumed.add(name);
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** Whether the field is present with the value null (a request to clear it), as {@link #has} is not. */
    public boolean isNull(String name) {
        consumed.add(name);
        JsonNode value = node.get(name);
        return value != null && value.isNull();
    }

    public boolean hasErrorsUnder(String name) {
        String prefix = path(name);
        return errors.stream().anyMatch(e -> e.field().equals(prefix) || e.field().startsWith(prefix + ".")
                || e.field().startsWith(prefix + "["));
    }

    private Optional<JsonNode> value(String name) {
        consumed.add(name);
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    public Optional<String> string(String name, int maxLength) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isString()) {
            error(name, "type", "must be a string, not " + typeName(value.get()));
            return Optional.empty();
        }
        String s = value.get().stringValue();
        if (s.indexOf('\u0000') >= 0) {
            // bodies read from JSON were checked whole by RequestBodies; this holds for those an adapter assembled
            error(name, NUL_CODE, NUL_MESSAGE);
            return Optional.empty();
        }
        if (s.length() > maxLength) {
            error(name, "too_long", "must be at most " + maxLength + " characters (got " + s.length() + ")");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** A string that must be present and not blank. */
    public Optional<String> requiredString(String name, int maxLength) {
        boolean present = has(name);
        Optional<String> s = string(name, maxLength);
        if (!present) {
            error(name, "required", "is required");
        } else if (s.isPresent() && s.get().isBlank()) {
            error(name, "required", "must not be empty");
            return Optional.empty();
        }
        return s;
    }

    public Optional<Boolean> bool(String name) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isBoolean()) {
            error(name, "type", "must be true or false, not " + typeName(value.get()));
            return Optional.empty();
        }
        return Optional.of(value.get().booleanValue());
    }

    public Optional<Integer> integer(String name, int min, int max) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        JsonNode v = value.get();
        if (!v.isIntegralNumber()) {
            error(name, "type", "must be an integer, not " + typeName(v));
            return Optional.empty();
        }
        if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            error(name, "out_of_range", "must be between " + min + " and " + max);
            return Optional.empty();
        }
        return Optional.of(v.intValue());
    }

    /** A string that must be one of the given wire names. */
    public <E> Optional<E> enumeration(String name, Function<String, Optional<E>> parse, List<String> allowed) {
        Optional<String> s = string(name, 200);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<E> parsed = parse.apply(s.get());
        if (parsed.isEmpty()) {
            error(name, "invalid_value", "must be one of " + String.join(", ", allowed));
        }
        return parsed;
    }

    public Optional<List<String>> strings(String name, int maxItems, int maxLength) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isArray()) {
            error(name, "type", "must be an array of strings, not " + typeName(value.get()));
            return Optional.empty();
        }
        if (value.get().size() > maxItems) {
            error(name, "too_many", "must have at most " + maxItems + " entries");
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        int i = 0;
        for (JsonNode item : value.get()) {
            String itemPath = path(name) + "[" + i++ + "]";
            if (!item.isString()) {
                errorAt(itemPath, "type", "must be a string, not " + typeName(item));
                ok = false;
            } else if (item.stringValue().indexOf('\u0000') >= 0) {
                errorAt(itemPath, NUL_CODE, NUL_MESSAGE);
                ok = false;
            } else if (item.stringValue().length() > maxLength) {
                errorAt(itemPath, "too_long", "must be at most " + maxLength + " characters");
                ok = false;
            } else {
                out.add(item.stringValue());
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    public Optional<JsonFields> object(String name) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof ObjectNode child)) {
            error(name, "type", "must be an object, not " + typeName(value.get()));
            return Optional.empty();
        }
        return Optional.of(new JsonFields(child, path(name), errors));
    }

    public Optional<List<JsonFields>> objects(String name, int maxItems) {
        Optional<JsonNode> value = value(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.get().isArray()) {
            error(name, "type", "must be an array of objects, not " + typeName(value.get()));
            return Optional.empty();
        }
        if (value.get().size() > maxItems) {
            error(name, "too_many", "must have at most " + maxItems + " entries");
            return Optional.empty();
        }
        List<JsonFields> out = new ArrayList<>();
        int i = 0;
        for (JsonNode item : value.get()) {
            String itemPath = path(name) + "[" + i++ + "]";
            if (item instanceof ObjectNode child) {
                out.add(new JsonFields(child, itemPath, errors));
            } else {
                errorAt(itemPath, "type", "must be an object, not " + typeName(item));
            }
        }
        return Optional.of(out);
    }

    /** The raw node of a field, for free-form values such as a mapper's value map. */
    public Optional<JsonNode> raw(String name) {
        return value(name);
    }

    /** Records an error for every field present in the object that no accessor asked for. */
    public void refuseUnknownFields() {
        for (String name : node.propertyNames()) {
            if (!consumed.contains(name)) {
                String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
                error(shown, "unknown_field", "is not a known field");
            }
        }
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }

    public static String typeName(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
