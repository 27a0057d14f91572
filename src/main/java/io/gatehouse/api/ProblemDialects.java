package io.gatehouse.api;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** Picks the error shape for a request: a compatibility path's own dialect, else RFC 9457. */
@Component
public class ProblemDialects {
    private final List<ProblemDialect> dialects;

    ProblemDialects(List<ProblemDialect> dialects) {
        this.dialects = List.copyOf(dialects);
    }

    public ResponseEntity<byte[]> entity(HttpServletRequest request, ErrorCode code, String detail,
                                         List<FieldError> errors) {
        request = asSent(request);
        for (ProblemDialect dialect : dialects) {
            if (dialect.speaksFor(request)) {
                return dialect.render(request, code, detail, errors);
            }
        }
        return ProblemWriter.entity(request, code, detail, errors);
    }

    /**
     * In Spring's error dispatch the request's path is {@code /error}; the problem (its dialect, its
     * instance) is about the path the client sent.
     */
    private static HttpServletRequest asSent(HttpServletRequest request) {
        if (request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String sent) {
            return new HttpServletRequestWrapper(request) {
                @Override
                public String getRequestURI() {
                    return sent;
                }
            };
        }
        return request;
    }

    void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        ResponseEntity<byte[]> entity = entity(request, code, detail, List.of());
        response.setStatus(entity.getStatusCode().value());
        String type = entity.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            response.setContentType(type);
        }
        byte[] body = entity.getBody();
        if (body != null) {
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
