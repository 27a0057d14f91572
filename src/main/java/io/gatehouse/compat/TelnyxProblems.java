package io.gatehouse.compat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemDialect;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Telnyx's errors: {@code {"errors": [{code, title, detail, source: {pointer}}]}}, and 422 for
 * anything wrong with the request (a short name in use included), as its document says.
 */
@Component
class TelnyxProblems implements ProblemDialect {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SeedFieldNames NAMES = TelnyxEndpoint.TABLE.fieldNames();

    @Override
    public boolean speaksFor(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/compat/telnyx/");
    }

    @Override
    public ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        int status = switch (code) {
            case MALFORMED_REQUEST, VALIDATION_FAILED, ALIAS_TAKEN, DOMAIN_TAKEN, CONFLICT -> 422;
            default -> code.status();
        };
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("errors");
        if (errors.isEmpty()) {
            ObjectNode e = list.addObject().put("code", code.code()).put("title", code.title()).put("detail", detail);
            if (code == ErrorCode.ALIAS_TAKEN) {
                e.putObject("source").put("pointer", "/short_name");
            }
        }
        for (FieldError e : errors) {
            list.addObject().put("code", e.code()).put("title", code.title()).put("detail", e.message())
                    .putObject("source").put("pointer", "/" + NAMES.of(e.field()).replace('.', '/'));
        }
        return ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(body));
    }
}
