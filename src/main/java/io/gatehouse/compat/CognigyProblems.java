package io.gatehouse.compat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemDialect;
import io.gatehouse.api.TraceIds;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cognigy's RFC 7807 errors: {@code type} and {@code title} from the status's reason phrase, its
 * numeric {@code code} strings, {@code traceId}, and field messages under {@code details}.
 */
@Component
class CognigyProblems implements ProblemDialect {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SeedFieldNames NAMES = names();

    @Override
    public boolean speaksFor(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/compat/cognigy/");
    }

    @Override
    public ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        int status = status(code);
        String reason = reason(status);
        ObjectNode body = JSON.createObjectNode();
        body.put("type", reason);
        body.put("title", reason + " Error");
        body.put("status", status);
        body.put("detail", errors.isEmpty() ? detail : "Validation failed. " + summary(errors));
        body.put("instance", request.getRequestURI());
        body.put("code", cognigyCode(status));
        body.put("traceId", TraceIds.of(request));
        ObjectNode details = body.putObject("details");
        for (FieldError e : errors) {
            details.put(NAMES.of(e.field()), e.message());
        }
        return ResponseEntity.status(status).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .body(JSON.writeValueAsBytes(body));
    }

    private static SeedFieldNames names() {
        // the two protocols' tables together name every native field a Cognigy request can reach
        Map<String, String> all = new HashMap<>(CognigyEndpoint.SAML.fieldNames().nativeToSeed());
        all.putAll(CognigyEndpoint.OIDC.fieldNames().nativeToSeed());
        return new SeedFieldNames(all);
    }

    private static String summary(List<FieldError> errors) {
        return String.join("; ", errors.stream().map(e -> NAMES.of(e.field()) + " " + e.message()).toList());
    }

    /** Cognigy's documented statuses: validation is 400, a used-up quota is 402 (upgrade the plan). */
    static int status(ErrorCode code) {
        return switch (code) {
            case MALFORMED_REQUEST, VALIDATION_FAILED, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE -> 400;
            case QUOTA_EXCEEDED -> 402;
            default -> code.status();
        };
    }

    /** The reason phrases Cognigy's document uses (413 keeps its older name). */
    private static String reason(int status) {
        return status == 413 ? "Payload Too Large" : HttpStatus.valueOf(status).getReasonPhrase();
    }

    private static String cognigyCode(int status) {
        return switch (status) {
            case 401, 402, 503 -> String.valueOf(status);
            case 409 -> "1004";
            case 501 -> "1009";
            default -> "1000";
        };
    }
}
