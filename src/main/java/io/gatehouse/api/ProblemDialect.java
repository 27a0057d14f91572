package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.ResponseEntity;

/**
 * Another product's error shape, for the compatibility paths that speak it: the same failure
 * (code, detail, field errors) written the way that product's clients expect to read it.
 */
public interface ProblemDialect {
    /** Whether this dialect answers the request (decided by its path). */
    boolean speaksFor(HttpServletRequest request);

    ResponseEntity<byte[]> render(HttpServletRequest request, ErrorCode code, String detail, List<FieldError> errors);
}
