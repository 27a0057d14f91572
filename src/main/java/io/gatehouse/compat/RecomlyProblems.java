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
import tools.jackson.databind.node.ObjectNode;

/** Recomly's {@code {"error": "..."}} bodies: 400 for validation, 403 for plan or role, 409 for a used domain. */
@Component
class RecomlyProblems implements ProblemDialect {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SeedFieldNames NAMES = RecomlyEndpoint.TABLE.fieldNames();

    @Override
    public boolean speaksFor(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/compat/recomly/");
    }

    @Override
    public ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        int status = switch (code) {
            case MALFORMED_REQUEST, VALIDATION_FAILED, UNSUPPORTED_MEDIA_TYPE -> 400;
            default -> code.status();
        };
        ObjectNode body = JSON.createObjectNode();
        body.put("error", errors.isEmpty() ? detail : String.join("; ", NAMES.translate(errors).stream()
                .map(e -> e.field() + " " + e.message()).toList()));
        body.put("code", code.code());
        return ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(body));
    }
}
