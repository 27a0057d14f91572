package io.gatehouse.compat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemDialect;
import io.gatehouse.api.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** The Keycloak-style API documents no error shape: RFC 9457 as natively, with the seed's field names. */
@Component
class GenericProblems implements ProblemDialect {
    private static final SeedFieldNames NAMES = GenericEndpoint.TABLE.fieldNames();

    @Override
    public boolean speaksFor(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/compat/generic/");
    }

    @Override
    public ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        return ProblemWriter.entity(request, code, detail, NAMES.translate(errors));
    }
}
