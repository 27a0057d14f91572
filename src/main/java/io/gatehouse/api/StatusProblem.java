package io.gatehouse.api;

/**
 * The problem for an error status that was set without an answer: by Tomcat, refusing a request
 * before any filter ran, or by a {@code sendError} that Spring's error dispatch ({@code /error})
 * renders. Statuses the catalog has no code for become 400 (a client's error) or 500.
 */
record StatusProblem(ErrorCode code, String detail) {

    static StatusProblem of(int status) {
        return switch (status) {
            case 400 -> new StatusProblem(ErrorCode.MALFORMED_REQUEST, "The request line, a header or the path could"
                    + " not be read: a malformed %-escape, an encoded slash, backslash or NUL in the path, a path"
                    + " above the root, a missing or repeated Host, a bad Content-Length, or a request head over the"
                    + " size limit");
            case 404 -> new StatusProblem(ErrorCode.NOT_FOUND, "No such resource");
            case 405 -> new StatusProblem(ErrorCode.METHOD_NOT_ALLOWED, "The method is not allowed on this resource");
            case 413 -> new StatusProblem(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than the limit");
            case 417 -> new StatusProblem(ErrorCode.EXPECTATION_FAILED,
                    "Only Expect: 100-continue is understood; send the request without the other expectation");
            case 501 -> new StatusProblem(ErrorCode.NOT_IMPLEMENTED,
                    "Send the body with Content-Length or Transfer-Encoding: chunked");
            case 505 -> new StatusProblem(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, "Use HTTP/1.1 or HTTP/1.0");
            default -> status < 500 ? new StatusProblem(ErrorCode.MALFORMED_REQUEST, "The request was refused as sent")
                    : new StatusProblem(ErrorCode.INTERNAL,
                    "Something went wrong on our side; quote the trace id when reporting it");
        };
    }
}
