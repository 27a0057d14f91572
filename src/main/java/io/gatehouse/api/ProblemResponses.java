package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every failure at the HTTP edge into an RFC 9457 problem; nothing internal leaks out. */
@RestControllerAdvice
class ProblemResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);
    private final ProblemDialects dialects;
    private final UnreadableParameters unreadableParameters;

    ProblemResponses(ProblemDialects dialects, UnreadableParameters unreadableParameters) {
        this.dialects = dialects;
        this.unreadableParameters = unreadableParameters;
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<byte[]> problem(ProblemException e, HttpServletRequest request) {
        ResponseEntity<byte[]> entity = dialects.entity(request, e.errorCode(), e.getMessage(), e.errors());
        return e.retryAfter().map(wait -> ResponseEntity.status(entity.getStatusCode()).headers(entity.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, RateLimit.retryAfter(wait)).body(entity.getBody()))
                .orElse(entity);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<byte[]> unreadable(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.MALFORMED_REQUEST, "The request body could not be read", List.of());
    }

    /** Parameters the edge did not decode itself (a multipart request's query string). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<byte[]> undecodable(InvalidParameterException e, HttpServletRequest request) {
        ErrorCode code = UnreadableParameters.refusal(e);
        unreadableParameters.warn(request, code);
        return dialects.entity(request, code, UnreadableParameters.detail(code), List.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<byte[]> unsupported(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "The request body's media type is not supported here", List.of());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<byte[]> notAcceptable(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.NOT_ACCEPTABLE,
                "Accept one of application/json, application/hal+json, application/xml, text/xml"
                        + " or text/csv (collections only)", List.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<byte[]> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.METHOD_NOT_ALLOWED,
                e.getMethod() + " is not allowed here", List.of());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<byte[]> noResource(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.NOT_FOUND, "No such resource", List.of());
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<byte[]> parameter(Exception e, HttpServletRequest request) {
        String name = e instanceof MissingServletRequestParameterException m ? m.getParameterName()
                : ((MethodArgumentTypeMismatchException) e).getName();
        return dialects.entity(request, ErrorCode.VALIDATION_FAILED, "Invalid query parameter " + name,
                List.of(new FieldError(name, "invalid_value", "is missing or has the wrong type")));
    }

    /** Only a multipart body gets this far unmeasured (sent without a length): the multipart limit is 2 MiB. */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<byte[]> tooLarge(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.PAYLOAD_TOO_LARGE, "The multipart body is larger than 2 MiB",
                List.of());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<byte[]> multipart(HttpServletRequest request) {
        return dialects.entity(request, ErrorCode.MALFORMED_REQUEST, "The multipart body could not be read", List.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) {
        // the type only: messages of unexpected exceptions may quote input or secrets
        LOG.error("Unexpected {} on {} {} (trace {})", e.getClass().getName(), request.getMethod(),
                request.getRequestURI(), TraceIds.of(request));
        if (LOG.isDebugEnabled()) {
            LOG.debug("Stack of trace " + TraceIds.of(request), e);
        }
        return dialects.entity(request, ErrorCode.INTERNAL,
                "Something went wrong on our side; quote the trace id when reporting it", List.of());
    }
}
