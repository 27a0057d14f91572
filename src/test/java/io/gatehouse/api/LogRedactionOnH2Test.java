package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnH2;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** No credential or secret reaches a log line, even with request logging on. */
@OnH2
class LogRedactionOnH2Test extends ApiTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger access = (Logger) LoggerFactory.getLogger("gatehouse.access");

    @BeforeEach
    void capture() {
        appender.start();
        root.addAppender(appender);
        access.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        access.setLevel(Level.INFO);
    }

    private String logged() {
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        return String.join("\n", lines);
    }

    @Test
    void queryKeysAndSecretsAreRedacted() {
        String org = createOrg(uniqueOrgId("logs"));
        String key = createKey(org, "org_admin");
        assertThat(api.get("/api/orgs/" + org + "/identity-providers?api_key=" + key + "&limit=5", null).status())
                .isEqualTo(200);
        api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "noisy", "display_name": "N", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_id": "c", "client_secret": "log-me-not-123",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"}}"""));
        // a request that fails validation with the secret in it
        api.post("/api/orgs/" + org + "/identity-providers", key, ApiClient.parse("""
                {"alias": "Bad Alias", "display_name": "N", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_secret": "log-me-not-123"}}"""));
        String log = logged();
        assertThat(log).contains("api_key=[redacted]").contains("&limit=5");
        assertThat(log).doesNotContain(key).doesNotContain("log-me-not-123").doesNotContain(ADMIN);
    }

    @Test
    void linkSecretsInPathsAndQueriesAreRedacted() {
        String secret = "gsl_" + "s3cr3t-link-value-not-for-logs";
        api.get("/sso/acme/okta/test-sign-in?token=t0ken-not-for-logs", null);
        api.get("/setup/" + secret, null);
        // the access line is written once the answer is out: one more request, so both lines are in
        api.get("/api/openapi.json", null);
        String log = logged();
        assertThat(log).contains("/setup/[redacted]").contains("token=[redacted]");
        assertThat(log).doesNotContain("s3cr3t-link-value-not-for-logs").doesNotContain("t0ken-not-for-logs");
        assertThat(RedactedQuery.path("/setup/" + secret + "/steps")).isEqualTo("/setup/[redacted]/steps");
        assertThat(RedactedQuery.path("/setup/steps")).isEqualTo("/setup/steps");
    }

    @Test
    void redactionKeepsOtherParameters() {
        assertThat(RedactedQuery.of(null)).isEmpty();
        assertThat(RedactedQuery.of("a=1&API_KEY=s&code=c&b")).isEqualTo("?a=1&API_KEY=[redacted]&code=[redacted]&b");
    }
}
