package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads request bodies under the API's rules: 1 MiB cap, JSON content type, one JSON object. */
public final class RequestBodies {
    public static final int MAX_BYTES = 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
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
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON" + where,
                    List.of(new FieldError("$", "invalid_json", "not valid JSON" + where)));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object",
                    List.of(new FieldError("$", "type", "expected a JSON object, got " + JsonFields.typeName(node))));
        }
        return object;
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
