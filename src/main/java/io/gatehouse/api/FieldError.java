package io.gatehouse.api;

/** One field-level validation error: a dotted path, a stable code and a sentence for a human. */
public record FieldError(String field, String code, String message) {
}
