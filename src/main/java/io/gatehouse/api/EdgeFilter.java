package io.gatehouse.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing every request meets: assigns the trace id, refuses oversized bodies before they
 * are read and parameters that cannot be decoded before anything reads them, and writes one
 * access-log line with credentials redacted from the query.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class EdgeFilter extends OncePerRequestFilter {
    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");
    /** As spring.servlet.multipart.max-request-size. */
    static final long PORTAL_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
    private final ProblemDialects dialects;
    private final UnreadableParameters unreadable;

    EdgeFilter(ProblemDialects dialects, UnreadableParameters unreadable) {
        this.dialects = dialects;
        this.unreadable = unreadable;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String traceId = TraceIds.of(request);
        response.setHeader(TraceIds.HEADER, traceId);
        MDC.put("trace_id", traceId);
        long started = System.nanoTime();
        try {
            boolean upload = portalUpload(request);
            if (request.getContentLengthLong() > (upload ? PORTAL_UPLOAD_MAX_BYTES : RequestBodies.MAX_BYTES)) {
                dialects.write(request, response, ErrorCode.PAYLOAD_TOO_LARGE,
                        "The request body is larger than " + (upload ? "2 MiB" : "1 MiB"));
                return;
            }
            Optional<ErrorCode> refused = unreadable.check(request);
            if (refused.isPresent()) {
                unreadable.warn(request, refused.get());
                dialects.write(request, response, refused.get(), UnreadableParameters.detail(refused.get()));
                return;
            }
            chain.doFilter(request, response);
        } finally {
            if (ACCESS.isDebugEnabled()) {
                ACCESS.debug("{} {}{} -> {} in {} ms", request.getMethod(), RedactedQuery.path(request.getRequestURI()),
                        RedactedQuery.of(request.getQueryString()), response.getStatus(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            MDC.remove("trace_id");
        }
    }

    /**
     * The setup portal's metadata upload: a file a little too large must get the portal's own page with
     * the reason next to its field, not a JSON problem in the admin's browser, so the edge lets it through
     * up to the multipart limit and the portal refuses a file over 1 MiB itself.
     */
    private static boolean portalUpload(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && "/setup/connect".equals(request.getRequestURI())
                && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
    }
}
