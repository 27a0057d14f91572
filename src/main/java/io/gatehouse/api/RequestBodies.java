package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads request bodies under the API's rules: 1 MiB cap, JSON content type, one JSON object, no
 * name twice in an object (which of two values counts is the reader's guess, and two readers of
 * one request could guess differently).
 */
public final class RequestBodies {
    public static final int MAX_BYTES = 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RequestBodies() {
    }

    /** The raw body, refused with 413 past the cap whatever the Content-Length said. */
    public static byte[] bytes(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            // a declared length is read into an array of its size (the container ends the stream there);
            // without one (chunked), up to one byte past the cap tells an oversized body
            byte[] body = in.readNBytes(declared >= 0 ? (int) declared : MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read");
        }
    }

    private static ProblemException tooLarge() {
        return new ProblemException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than 1 MiB");
    }

    /** The body as a JSON object; 415 for another media type, 400 for empty or unparsable input. */
    public static ObjectNode jsonObject(HttpServletRequest request) {
        requireJson(request.getContentType());
        return parseObject(bytes(request));
    }

    /**
     * For operations whose body is optional (a POST that acts, with options): no body at all is an
     * empty object; a body must be a JSON object as for {@link #jsonObject}.
     */
    public static ObjectNode optionalJsonObject(HttpServletRequest request) {
        byte[] body = bytes(request);
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        requireJson(request.getContentType());
        return parseObject(body);
    }

    public static void requireJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as application/json (Content-Type is missing)");
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The Content-Type header is not a media type");
        }
        boolean json = type.isCompatibleWith(MediaType.APPLICATION_JSON)
                || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
        if (!json) {
            throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as application/json, not " + type.getType() + "/" + type.getSubtype());
        }
    }

    public static ObjectNode parseObject(byte[] body) {
        if (blank(body)) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is empty",
                    List.of(new FieldError("$", "required", "a JSON object is required")));
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (StreamReadException e) {
            Optional<String> duplicate = duplicateName(e);
            if (duplicate.isPresent()) {
                throw new ProblemException(ErrorCode.MALFORMED_REQUEST,
                        "The request body names " + duplicate.get() + " twice",
                        List.of(new FieldError(duplicate.get(), "duplicate_key", "appears more than once in its object")));
            }
            throw invalidJson(e);
        } catch (JacksonException e) {
            throw invalidJson(e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object",
                    List.of(new FieldError("$", "type", "expected a JSON object, got " + JsonFields.typeName(node))));
        }
        nulAt(object, "").ifPresent(path -> {
            throw ProblemException.validation(path, JsonFields.NUL_CODE, JsonFields.NUL_MESSAGE);
        });
        return object;
    }

    /**
     * The dotted path of the first name or string that holds U+0000. Valid JSON, but nothing
     * Gatehouse reads can hold it, and PostgreSQL refuses it in every text it stores or compares.
     */
    private static Optional<String> nulAt(JsonNode node, String path) {
        if (node.isString()) {
            return node.stringValue().indexOf('\u0000') >= 0 ? Optional.of(path.isEmpty() ? "$" : path) : Optional.empty();
        }
        if (node instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String child = (path.isEmpty() ? "" : path + ".") + shown(e.getKey().replace("\u0000", "\\u0000"));
                if (e.getKey().indexOf('\u0000') >= 0) {
                    return Optional.of(child);
                }
                Optional<String> inside = nulAt(e.getValue(), child);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> inside = nulAt(node.get(i), path + "[" + i + "]");
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    private static ProblemException invalidJson(JacksonException e) {
        String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON" + where,
                List.of(new FieldError("$", "invalid_json", "not valid JSON" + where)));
    }

    /**
     * The dotted path of the name that STRICT_DUPLICATE_DETECTION refused, when that is the failure:
     * Jackson has no exception type of its own for it, only its message; the parser's context at
     * the failure names the repeated property.
     */
    private static Optional<String> duplicateName(StreamReadException e) {
        if (e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Duplicate Object property")
                || e.processor() == null) {
            return Optional.empty();
        }
        // innermost first: each context is an array (its index) or an object (its current name)
        List<TokenStreamContext> chain = new ArrayList<>();
        for (TokenStreamContext c = e.processor().streamReadContext(); c != null && !c.inRoot(); c = c.getParent()) {
            chain.addFirst(c);
        }
        StringBuilder path = new StringBuilder();
        for (TokenStreamContext c : chain) {
            if (c.inArray()) {
                path.append('[').append(c.getCurrentIndex()).append(']');
            } else if (c.currentName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(shown(c.currentName()));
            }
        }
        return Optional.of(path.isEmpty() ? "$" : path.toString());
    }

    private static String shown(String name) {
        return name.length() > 100 ? name.substring(0, 100) + "..." : name;
    }

    /** Empty or whitespace only; the common body, starting with a brace, is told without decoding it. */
    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b < 0 && new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank();
            }
        }
        return true;
    }
}
