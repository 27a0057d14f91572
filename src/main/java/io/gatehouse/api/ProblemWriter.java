package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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

    private ProblemWriter() {
    }

    public static ObjectNode problem(HttpServletRequest request, ErrorCode code, String detail, List<FieldError> errors) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "https://gatehouse.dev/problems/" + code.code());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("detail", detail);
        // the path only: the query string may carry ?api_key=
        body.put("instance", request.getRequestURI());
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
