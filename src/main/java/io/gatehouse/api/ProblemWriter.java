package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders RFC 9457 problem documents; used by the controller advice and by servlet filters alike. */
public final class ProblemWriter {
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HEX = "0123456789ABCDEF";
    /** RFC 3986's pchar and "/": unreserved, sub-delims, ":" and "@" ("%" is judged where it stands). */
    private static final BitSet PATH_CHARACTERS = new BitSet(128);

    static {
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/"
                .chars().forEach(PATH_CHARACTERS::set);
    }

    private ProblemWriter() {
    }

    public static ObjectNode problem(HttpServletRequest request, ErrorCode code, String detail, List<FieldError> errors) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "https://gatehouse.dev/problems/" + code.code());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("detail", detail);
        // the path only: the query string may carry ?api_key=
        String instance = path(request);
        if (!instance.isEmpty()) {
            body.put("instance", instance);
        }
        body.put("code", code.code());
        body.put("trace_id", TraceIds.of(request));
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (FieldError e : errors) {
                list.addObject().put("field", e.field()).put("code", e.code()).put("message", e.message());
            }
        }
        return body;
    }

    /**
     * The request's path as a valid URI reference, for a problem's instance and a log line: a request
     * that Tomcat refused may carry anything there (a {@code %} without two hex digits, a control
     * character), so each character outside RFC 3986's path characters is %-escaped, a stray {@code %}
     * too. Tomcat reads the path's bytes as ISO-8859-1, so a character up to U+00FF is one byte.
     * Empty when the request line named no path.
     */
    static String path(HttpServletRequest request) {
        String raw = request.getRequestURI();
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean keep = c == '%' ? i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))
                    : c < 128 && PATH_CHARACTERS.get(c);
            if (keep) {
                out.append(c);
            } else if (c <= 0xff) {
                escape(out, c);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    escape(out, b & 0xff);
                }
            }
        }
        return out.toString();
    }

    private static void escape(StringBuilder out, int b) {
        out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public static ResponseEntity<byte[]> entity(HttpServletRequest request, ProblemException problem) {
        return entity(request, problem.errorCode(), problem.getMessage(), problem.errors());
    }

    public static ResponseEntity<byte[]> entity(HttpServletRequest request, ErrorCode code, String detail, List<FieldError> errors) {
        byte[] body = JSON.writeValueAsBytes(problem(request, code, detail, errors));
        return ResponseEntity.status(code.status())
                .header(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
                .body(body);
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        byte[] body = JSON.writeValueAsBytes(problem(request, code, detail, List.of()));
        response.setStatus(code.status());
        response.setContentType(PROBLEM_JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
