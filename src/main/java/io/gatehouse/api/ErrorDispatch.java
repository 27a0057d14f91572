package io.gatehouse.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring's error dispatch ({@code /error}), in place of Spring Boot's JSON: what reaches it went
 * wrong inside the application but outside every handler (an exception from a filter, a
 * {@code sendError} of the container such as 405 for TRACE). An exception is answered by
 * {@link ProblemResponses}, as if a handler had thrown it; a bare status by its {@link StatusProblem}.
 * Asked for directly, {@code /error} is a path like any unknown one.
 */
@RestController
class ErrorDispatch implements ErrorController {
    private final ProblemDialects dialects;

    ErrorDispatch(ProblemDialects dialects) {
        this.dialects = dialects;
    }

    @RequestMapping("${spring.web.error.path:/error}")
    ResponseEntity<byte[]> error(HttpServletRequest request, HttpServletResponse response) throws Exception {
        // the edge filter skips error dispatches, and a request Tomcat refused never met it
        response.setHeader(TraceIds.HEADER, TraceIds.of(request));
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Exception thrown) {
            throw thrown;
        }
        StatusProblem problem = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status
                ? StatusProblem.of(status) : StatusProblem.of(404);
        return dialects.entity(request, problem.code(), problem.detail(), List.of());
    }
}
