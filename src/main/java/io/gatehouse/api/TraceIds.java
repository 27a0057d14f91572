package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.MDC;

/** Per-request trace identifiers: generated at the edge, echoed in X-Trace-Id and in every problem. */
public final class TraceIds {
    public static final String HEADER = "X-Trace-Id";
    static final String ATTRIBUTE = TraceIds.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceIds() {
    }

    static String generate() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The trace id of the request this thread serves, for code that has no request at hand (a
     * validator's log line); "none" outside a request.
     */
    public static String current() {
        // EdgeFilter puts it under this key for the length of the request
        String id = MDC.get("trace_id");
        return id == null ? "none" : id;
    }

    /** The trace id of the request, or a fresh one when the request never passed the filter. */
    public static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        String fresh = generate();
        request.setAttribute(ATTRIBUTE, fresh);
        return fresh;
    }
}
