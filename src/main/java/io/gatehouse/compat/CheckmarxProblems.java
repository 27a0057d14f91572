package io.gatehouse.compat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemDialect;
import io.gatehouse.api.TraceIds;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * CxSAST's error body ({@code messageCode}, {@code messageDetails}) with its documented statuses:
 * 400 for anything wrong in the request, 401, and 403 naming the missing permission.
 */
@Component
class CheckmarxProblems implements ProblemDialect {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SeedFieldNames NAMES = CheckmarxEndpoint.TABLE.fieldNames();

    @Override
    public boolean speaksFor(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/compat/checkmarx/");
    }

    @Override
    public ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        int status = switch (code) {
            case MALFORMED_REQUEST, VALIDATION_FAILED, UNSUPPORTED_MEDIA_TYPE, ALIAS_TAKEN, DOMAIN_TAKEN, CONFLICT,
                 PAYLOAD_TOO_LARGE -> 400;
            default -> code.status();
        };
        String message = switch (code) {
            case FORBIDDEN -> "The 'Manage Authentication Providers' permission is required to execute this API";
            default -> errors.isEmpty() ? detail : String.join("; ", NAMES.translate(errors).stream()
                    .map(e -> e.field() + ": " + e.message()).toList());
        };
        ObjectNode body = JSON.createObjectNode();
        body.put("messageCode", status * 100 + code.ordinal());
        body.put("messageDetails", message);
        body.put("traceId", TraceIds.of(request));
        return ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(body));
    }
}
