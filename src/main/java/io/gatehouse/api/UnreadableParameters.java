package io.gatehouse.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Requests whose query string or form body the container cannot decode (a malformed %-escape, too
 * many parameters, a form over the size limit), or that decodes to a NUL character. Tomcat remembers the failure and throws it again
 * from every later {@code getParameter*} call, wherever that is; so the edge makes it happen once,
 * up front, and answers 400 before any handler runs. Anyone can send such requests, so the WARN
 * line is written at most once a minute per client address, from a bounded table.
 */
@Component
public class UnreadableParameters {
    static final Duration QUIET_PERIOD = Duration.ofMinutes(1);
    /** Distinct addresses remembered; past it the oldest are forgotten (and may be logged again). */
    static final int MAX_ADDRESSES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableParameters.class);
    private final Cache<String, Boolean> warned;
    private final ClientAddress clients;

    @Autowired
    UnreadableParameters(Clock clock, ClientAddress clients) {
        this.clients = clients;
        this.warned = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfterWrite(QUIET_PERIOD)
                .maximumSize(MAX_ADDRESSES)
                .build();
    }

    /**
     * Decodes the request's parameters now (for a POSTed form, its body too, as the container would
     * at the first {@code getParameter}); the refusal to answer when they cannot be decoded.
     * Multipart bodies are left to the multipart resolver; {@link #refusal(InvalidParameterException)}
     * serves the failures met there.
     */
    Optional<ErrorCode> check(HttpServletRequest request) {
        String type = request.getContentType();
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            return Optional.empty();
        }
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (InvalidParameterException e) {
            return Optional.of(refusal(e));
        }
        // %00 decodes fine, but no parameter of Gatehouse's can hold it and PostgreSQL refuses it in any
        // text it is given (a 500 wherever a parameter reached a query)
        for (Map.Entry<String, String[]> e : parameters.entrySet()) {
            if (e.getKey().indexOf('\u0000') >= 0 || Arrays.stream(e.getValue()).anyMatch(v -> v.indexOf('\u0000') >= 0)) {
                return Optional.of(ErrorCode.MALFORMED_PARAMETERS);
            }
        }
        return Optional.empty();
    }

    static ErrorCode refusal(InvalidParameterException e) {
        return e.getErrorCode() == 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.MALFORMED_PARAMETERS;
    }

    static String detail(ErrorCode code) {
        return code == ErrorCode.PAYLOAD_TOO_LARGE ? "The form body is larger than the limit"
                : "The query string or form body could not be decoded, or holds a NUL character (check its %-escapes)";
    }

    /**
     * Logs the refusal, unless this client address was logged within the last minute; the requests
     * Tomcat refuses itself ({@link ProblemValve}) are logged through here too.
     */
    void warn(HttpServletRequest request, ErrorCode code) {
        String address = clients.text(request);
        if (firstThisMinute(address)) {
            // neither the query nor the body: they may carry credentials
            LOG.warn("Refused {} {} from {}: {} (trace {}); more from this address are not logged for {} s",
                    request.getMethod(), RedactedQuery.path(ProblemWriter.path(request)), address, code.code(),
                    TraceIds.of(request), QUIET_PERIOD.toSeconds());
        }
    }

    /** True for an address's first refusal, and again once a minute has passed since it was logged. */
    boolean firstThisMinute(String address) {
        return warned.asMap().putIfAbsent(address, Boolean.TRUE) == null;
    }

    /** How many addresses are remembered now. */
    long remembered() {
        warned.cleanUp();
        return warned.estimatedSize();
    }
}
