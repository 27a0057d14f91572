package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Requests that Tomcat refuses before any filter runs, and the statuses it sets itself, are answered
 * with a problem and a trace id like everything else, never with Tomcat's HTML page; responses the
 * application wrote (a problem, an HTML page, a redirect) pass through untouched. Over a plain
 * socket, since no HTTP client sends most of these.
 */
@OnH2
class ContainerRefusalsOnH2Test extends ApiTest {
    private RawHttp raw;

    @BeforeEach
    void raw() {
        raw = new RawHttp(port);
    }

    private Reply send(String head) {
        return raw.exchange(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    }

    /** A problem with every field of the project's shape, the trace id also in X-Trace-Id, and nothing of Tomcat's. */
    private static JsonNode assertProblem(Reply reply, int status, ErrorCode code) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).isEqualTo(ProblemWriter.PROBLEM_JSON);
        JsonNode problem = reply.json();
        assertThat(problem.get("code").asString()).isEqualTo(code.code());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asString()).isEqualTo("https://gatehouse.dev/problems/" + code.code());
        assertThat(problem.get("title").asString()).isEqualTo(code.title());
        assertThat(problem.get("detail").asString()).isNotBlank();
        String traceId = reply.header(TraceIds.HEADER);
        assertThat(traceId).matches("[0-9a-f]{24}");
        assertThat(problem.get("trace_id").asString()).isEqualTo(traceId);
        assertThat(reply.text()).doesNotContainIgnoringCase("tomcat").doesNotContainIgnoringCase("apache")
                .doesNotContain("<html", "Exception", "\tat ");
        assertThat(reply.header("Server")).isNull();
        return problem;
    }

    static Stream<Arguments> refusedByTheConnector() {
        return Stream.of(
                Arguments.of("a malformed %-escape in the path", get("/sso/%zz/x/login"), "/sso/%25zz/x/login"),
                Arguments.of("an encoded NUL in the path", get("/api/orgs/a%00b"), "/api/orgs/a%00b"),
                Arguments.of("an encoded slash in the path", get("/api/orgs/a%2Fb"), "/api/orgs/a%2Fb"),
                Arguments.of("an encoded backslash in the path", get("/api/orgs/a%5Cb"), "/api/orgs/a%5Cb"),
                Arguments.of("overlong UTF-8 in the path", get("/api/orgs/%C0%AF"), "/api/orgs/%C0%AF"),
                Arguments.of("a path above the root", get("/api/../../etc/passwd"), "/api/../../etc/passwd"),
                Arguments.of("an encoded path above the root", get("/api/%2e%2e/%2e%2e/x"), "/api/%2e%2e/%2e%2e/x"),
                Arguments.of("a raw backslash in the request target", get("/api/orgs/a\\b"), null),
                Arguments.of("a control character in the query", get("/api/orgs?a=\u0001"), null),
                Arguments.of("a request line with spaces in the target", get("/a b c"), null),
                Arguments.of("a method that is no token", "G(T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null),
                Arguments.of("a request line over the size limit", get("/" + "a".repeat(20_000)), null),
                Arguments.of("a header over the size limit",
                        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n", "/"),
                Arguments.of("a header name with a space", "GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\nConnection: close\r\n\r\n", "/"),
                Arguments.of("no Host header", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", "/"),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n", "/"),
                Arguments.of("a Host that is no host", "GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n", "/"),
                Arguments.of("a Content-Length that is no number", "POST /api/orgs HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: abc\r\nConnection: close\r\n\r\n", "/api/orgs"),
                Arguments.of("two different Content-Lengths", "POST /api/orgs HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", "/api/orgs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refusedByTheConnector(String what, String request, String instance) {
        JsonNode problem = assertProblem(send(request), 400, ErrorCode.MALFORMED_REQUEST);
        if (instance == null) {
            // the request line never named a readable path; if one is given, it is a valid URI reference
            assertThat(problem.path("instance").asString("/")).matches("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]*");
        } else {
            // what was sent, %-escaped where it is no valid URI path
            assertThat(problem.get("instance").asString()).isEqualTo(instance);
        }
    }

    @Test
    void anExpectationOtherThan100ContinueIs417() {
        assertProblem(send("POST /api/orgs HTTP/1.1\r\nHost: x\r\nExpect: 999-weird\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\n{}"), 417, ErrorCode.EXPECTATION_FAILED);
    }

    @Test
    void anUnknownTransferCodingIs501() {
        assertProblem(send("POST /api/orgs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n"),
                501, ErrorCode.NOT_IMPLEMENTED);
    }

    @Test
    void anUnknownHttpVersionIs505() {
        assertProblem(send("GET / HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"), 505,
                ErrorCode.HTTP_VERSION_NOT_SUPPORTED);
    }

    @Test
    void traceIsRefusedWithAProblemThatKeepsTheAllowHeader() {
        Reply reply = send("TRACE /api/orgs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        JsonNode problem = assertProblem(reply, 405, ErrorCode.METHOD_NOT_ALLOWED);
        assertThat(problem.get("instance").asString()).isEqualTo("/api/orgs");
        assertThat(reply.header("Allow")).contains("GET").doesNotContain("TRACE");
    }

    @Test
    void theErrorPathAskedForDirectlyIsAnUnknownPath() {
        assertProblem(raw.get("/error", null), 404, ErrorCode.NOT_FOUND);
    }

    // --- the twins: well-formed requests and the application's own answers are unaffected

    @Test
    void aWellFormedRequestIsAnsweredByTheApplication() {
        String org = createOrg(uniqueOrgId("edge"));
        Reply ok = raw.get("/api/orgs/" + org, ADMIN);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("id").asString()).isEqualTo(org);
        assertThat(ok.header(TraceIds.HEADER)).matches("[0-9a-f]{24}");
        // well-formed escapes in the path reach the application, which answers them itself
        Reply unknown = raw.get("/api/orgs/a%20b", ADMIN);
        assertThat(assertProblem(unknown, 404, ErrorCode.NOT_FOUND).get("instance").asString()).isEqualTo("/api/orgs/a%20b");
    }

    @Test
    void theApplicationsOwnProblemsAreWrittenOnce() {
        // an unknown path, a missing credential and an undecodable query are the application's answers
        for (String target : new String[] {"/no/such/path", "/api/orgs", "/api/orgs?x=%zz"}) {
            Reply reply = raw.get(target, null);
            assertThat(reply.header("Content-Length")).as(target).isEqualTo(
                    Integer.toString(reply.text().getBytes(StandardCharsets.UTF_8).length));
            assertThat(reply.json().get("trace_id").asString()).isEqualTo(reply.header(TraceIds.HEADER));
        }
        assertProblem(raw.get("/no/such/path", null), 404, ErrorCode.NOT_FOUND);
        assertProblem(raw.get("/api/orgs", null), 401, ErrorCode.UNAUTHORIZED);
        assertProblem(raw.get("/api/orgs?x=%zz", null), 400, ErrorCode.MALFORMED_PARAMETERS);
    }

    @Test
    void theApplicationsOwnErrorPageIsLeftAsItIs() {
        // /oauth2/authorize answers an unknown client with its own HTML page, status 400: no problem replaces it
        Reply page = raw.get("/oauth2/authorize?client_id=nobody", null);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).containsIgnoringCase("<html").doesNotContain("gatehouse.dev/problems");
    }
}
