package io.gatehouse.signin;

import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.tenancy.OrgId;
import java.net.URLEncoder;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The end of every sign-in, whatever the protocol: the event, then the answer to the browser. A
 * failure sends the user to the IdP's {@code error_url} with the reason code only, or shows a plain
 * page; internals (the detail) go to the event, for the admin.
 */
@Component
public class SignInOutcomes {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The cookie naming the browser's session at one IdP (its path is that IdP's). */
    public static final String SESSION_COOKIE = "gatehouse_sso";
    private final AuditLog audit;
    private final SsoSessions sessions;
    /** Session cookies are Secure when Gatehouse is reached over HTTPS. */
    private final boolean secureCookies;
    private final Clock clock;
    private final ObjectProvider<SignInCompletion> completions;
    private final ObjectProvider<TestSignInCompletion> tests;
    /** Looked up once, at the first sign-in: a bean lookup per sign-in costs more than it seems. */
    private volatile SignInCompletion completion;

    SignInOutcomes(AuditLog audit, SsoSessions sessions, GatehouseProperties properties, Clock clock,
                   ObjectProvider<SignInCompletion> completions, ObjectProvider<TestSignInCompletion> tests) {
        this.completions = completions;
        this.tests = tests;
        this.audit = audit;
        this.sessions = sessions;
        this.secureCookies = properties.baseUrl().startsWith("https:");
        this.clock = clock;
    }

    public ResponseEntity<String> failed(OrgId org, Optional<IdentityProvider> idp, String alias, SignInFailure failure) {
        return failed(org, idp, alias, failure, HttpStatus.FORBIDDEN);
    }

    /**
     * The refusal of an answer to {@code attempt}: when the attempt is a test sign-in's, its result
     * records the refusal (and the browser sees it) instead of the IdP's error_url being called.
     */
    public ResponseEntity<String> failed(IdentityProvider idp, SignInFailure failure, Optional<SignInAttempt> attempt,
                                         HttpStatus status) {
        if (attempt.isPresent() && attempt.get().testSignIn().isPresent()) {
            return tests.getObject().failed(idp, failure, attempt.get(), clock.instant());
        }
        return failed(idp.org(), Optional.of(idp), idp.alias().value(), failure, status);
    }

    /** As above; the page (when the IdP has no error_url) answers with {@code status}. */
    public ResponseEntity<String> failed(OrgId org, Optional<IdentityProvider> idp, String alias, SignInFailure failure,
                                         HttpStatus status) {
        ObjectNode details = JSON.createObjectNode();
        details.put("reason", failure.code());
        details.put("explanation", failure.title());
        details.put("hint", failure.hint());
        failure.reason().spec().ifPresent(spec -> details.put("spec", spec));
        if (!failure.detail().isEmpty()) {
            details.put("detail", failure.detail());
        }
        audit.record(Optional.of(org), EventCategory.SIGN_IN, "sign_in.failed", "idp:" + alias, alias, details);
        Optional<String> errorUrl = idp.flatMap(IdentityProvider::errorUrl);
        if (errorUrl.isPresent()) {
            String sep = errorUrl.get().contains("?") ? "&" : "?";
            return ResponseEntity.status(HttpStatus.SEE_OTHER)
                    .header(HttpHeaders.LOCATION, errorUrl.get() + sep + "error=" + encode(failure.code())
                            + "&trace_id=" + encode(traceId()))
                    .build();
        }
        return page(status, "Sign-in failed", "<p>" + escape(failure.title()) + ".</p>"
                + "<p>Reason code: <code>" + escape(failure.code()) + "</code>; trace id <code>" + escape(traceId())
                + "</code>. Your administrator can look them up in Gatehouse's sign-in events.</p>");
    }

    /**
     * The IdP vouched for the user: the broker provisions them and answers the application that
     * started the sign-in; without one, a page shows who signed in.
     */
    public ResponseEntity<String> succeeded(IdentityProvider idp, BrokeredIdentity identity,
                                            Optional<SignInAttempt> attempt) {
        if (attempt.isPresent() && attempt.get().testSignIn().isPresent()) {
            // a test: recorded for the admin; no user is provisioned, no session opened, no app answered
            return tests.getObject().succeeded(idp, identity, attempt.get(), clock.instant());
        }
        SignInCompletion.Completion completion = completion().complete(idp, identity, attempt, clock.instant());
        return switch (completion) {
            case SignInCompletion.Completion.Refused r -> failed(identity.org(), Optional.of(idp),
                    identity.alias().value(), r.failure());
            case SignInCompletion.Completion.ToApplication app -> {
                recordSuccess(identity, Optional.of(app.userId()));
                SsoSessions.SsoSession session = sessions.open(identity, clock.instant());
                yield ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, app.location())
                        .header(HttpHeaders.SET_COOKIE, sessionCookie(identity, session.id(), SsoSessions.LIFETIME)
                                .toString())
                        .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
            }
            case SignInCompletion.Completion.NoApplication none -> resultPage(identity);
        };
    }

    private SignInCompletion completion() {
        SignInCompletion c = completion;
        if (c == null) {
            c = completions.getIfAvailable(() -> (p, i, a, t) -> new SignInCompletion.Completion.NoApplication());
            completion = c;
        }
        return c;
    }

    private void recordSuccess(BrokeredIdentity identity, Optional<String> userId) {
        ObjectNode details = JSON.createObjectNode();
        details.put("subject", identity.subject());
        identity.email().ifPresent(e -> details.put("email", e));
        details.put("protocol", identity.protocol().wireName());
        userId.ifPresent(u -> details.put("user_id", u));
        audit.record(Optional.of(identity.org()), EventCategory.SIGN_IN, "sign_in.succeeded",
                "idp:" + identity.alias().value(), identity.alias().value(), details);
    }

    private ResponseEntity<String> resultPage(BrokeredIdentity identity) {
        recordSuccess(identity, Optional.empty());
        StringBuilder rows = new StringBuilder();
        row(rows, "subject", identity.subject());
        identity.nameIdFormat().ifPresent(v -> row(rows, "name_id_format", v));
        identity.sessionIndex().ifPresent(v -> row(rows, "session_index", v));
        identity.email().ifPresent(v -> row(rows, "email", v));
        identity.emailVerified().ifPresent(v -> row(rows, "email_verified", v.toString()));
        identity.givenName().ifPresent(v -> row(rows, "given_name", v));
        identity.familyName().ifPresent(v -> row(rows, "family_name", v));
        identity.name().ifPresent(v -> row(rows, "name", v));
        if (!identity.groups().isEmpty()) {
            row(rows, "groups", String.join(", ", identity.groups()));
        }
        for (Map.Entry<String, List<String>> a : identity.rawAttributes().entrySet()) {
            row(rows, "attribute " + a.getKey(), String.join(", ", a.getValue()));
        }
        SsoSessions.SsoSession session = sessions.open(identity, clock.instant());
        ResponseEntity<String> page = page(HttpStatus.OK, "Signed in", "<p>Signed in through <code>"
                + escape(identity.org().value()) + "/" + escape(identity.alias().value()) + "</code>.</p><table>"
                + rows + "</table><p><a href=\"logout\">Sign out</a></p>");
        return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                .header(HttpHeaders.SET_COOKIE, sessionCookie(identity, session.id(), SsoSessions.LIFETIME).toString())
                .body(page.getBody());
    }

    /** Records a sign-out (asked by the user here, or by the IdP). */
    public void signedOut(IdentityProvider idp, SsoSessions.SsoSession session, String type) {
        ObjectNode details = JSON.createObjectNode();
        details.put("subject", session.subject());
        audit.record(Optional.of(idp.org()), EventCategory.SIGN_IN, type, "idp:" + idp.alias().value(),
                idp.alias().value(), details);
    }

    /** A logout message from the IdP refused; the event says why, the page does not. */
    public ResponseEntity<String> logoutRefused(IdentityProvider idp, SignInFailure failure) {
        ObjectNode details = JSON.createObjectNode();
        details.put("reason", failure.code());
        details.put("explanation", failure.title());
        if (!failure.detail().isEmpty()) {
            details.put("detail", failure.detail());
        }
        audit.record(Optional.of(idp.org()), EventCategory.SIGN_IN, "sign_out.refused", "idp:" + idp.alias().value(),
                idp.alias().value(), details);
        return page(HttpStatus.BAD_REQUEST, "Sign-out failed", "<p>" + escape(failure.title()) + ".</p><p>Reason code: <code>"
                + escape(failure.code()) + "</code>; trace id <code>" + escape(traceId()) + "</code>.</p>");
    }

    /** Where a finished logout lands: the IdP's logout_redirect_url, else a plain page. */
    public ResponseEntity<String> afterLogout(IdentityProvider idp) {
        return idp.logoutRedirectUrl()
                .map(url -> ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, url)
                        .<String>build())
                .orElseGet(() -> page(HttpStatus.OK, "Signed out", "<p>You are signed out.</p>"));
    }

    /** The session cookie for the IdP's path; an empty value and zero age clears it. */
    public ResponseCookie sessionCookie(BrokeredIdentity identity, String value, java.time.Duration maxAge) {
        return sessionCookie(identity.org(), identity.alias().value(), value, maxAge);
    }

    public ResponseCookie sessionCookie(OrgId org, String alias, String value, java.time.Duration maxAge) {
        return ResponseCookie.from(SESSION_COOKIE, value).httpOnly(true).secure(secureCookies)
                .sameSite("Lax").path("/sso/" + org.value() + "/" + alias + "/").maxAge(maxAge).build();
    }

    private static void row(StringBuilder rows, String name, String value) {
        rows.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    /** A plain HTML page that loads nothing and cannot be framed. */
    public static ResponseEntity<String> page(HttpStatus status, String title, String bodyHtml) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " · Gatehouse</title><meta name=\"viewport\" content=\"width=device-width\"></head><body><h1>"
                + escape(title) + "</h1>" + bodyHtml + "</body></html>";
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("Cache-Control", "no-store")
                .body(html);
    }

    static String escape(String s) {
        return HtmlUtils.htmlEscape(s, "UTF-8");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String traceId() {
        String id = MDC.get("trace_id");
        return id == null ? "" : id;
    }
}
