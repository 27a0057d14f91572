package io.gatehouse.api;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error report, replaced: a request the connector refuses before any filter runs (a
 * malformed %-escape or an encoded slash in the path, a bad request line, a head over the size
 * limit, an unknown HTTP version or transfer coding) is answered with a problem and a trace id,
 * never Tomcat's page. Like Tomcat's, it writes only when an error was flagged and nothing answered
 * it: a response the application wrote, or Spring's error dispatch rendered, is left as it is.
 */
class ProblemValve extends ErrorReportValve {
    private final UnreadableParameters refusals;

    ProblemValve(UnreadableParameters refusals) {
        this.refusals = refusals;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        if (response.getStatus() < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        StatusProblem problem = StatusProblem.of(response.getStatus());
        ErrorCode code = problem.code();
        try {
            response.setHeader(TraceIds.HEADER, TraceIds.of(request));
            ProblemWriter.write(request, response, code, problem.detail());
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client went away, or the application took the writer before failing: nothing more to say
        }
        if (code.status() < 500) {
            // anyone can send these; one line per client address a minute at most
            refusals.warn(request, code);
        }
    }
}
