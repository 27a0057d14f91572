package io.gatehouse.signin;

import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.SignedInPage;
import io.gatehouse.pages.Text;
import io.gatehouse.tenancy.OrgId;
import java.net.URLEncoder;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The end of every sign-in, whatever the protocol: the event, then the answer to the browser. A
 * failure sends the user to the IdP's {@code error_url} with the reason code only, or shows a page in
 * the org's look; internals (the detail) go to the event, for the admin.
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
    private final Pages pages;
    private final ObjectProvider<TestSignInCompletion> tests;
    /** Looked up once, at the first sign-in: a bean lookup per sign-in costs more than it seems. */
    private volatile SignInCompletion completion;

    SignInOutcomes(AuditLog audit, SsoSessions sessions, GatehouseProperties properties, Clock clock,
                   ObjectProvider<SignInCompletion> completions, Pages pages,
                   ObjectProvider<TestSignInCompletion> tests) {
        this.completions = completions;
        this.pages = pages;
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
        return pages.render(status, MessagePage.of(Text.of("failed.title")).forOrg(org).once()
                .refusing(refusal(failure)));
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
        List<SignedInPage.Attribute> rows = new ArrayList<>();
        rows.add(SignedInPage.Attribute.labelled("signedin.subject", identity.subject()));
        identity.nameIdFormat().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.name_id_format", v)));
        identity.sessionIndex().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.session_index", v)));
        identity.email().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.email", v)));
        identity.emailVerified().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.email_verified",
                v.toString())));
        identity.givenName().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.given_name", v)));
        identity.familyName().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.family_name", v)));
        identity.name().ifPresent(v -> rows.add(SignedInPage.Attribute.labelled("signedin.name", v)));
        if (!identity.groups().isEmpty()) {
            rows.add(SignedInPage.Attribute.labelled("signedin.groups", String.join(", ", identity.groups())));
        }
        for (Map.Entry<String, List<String>> a : identity.rawAttributes().entrySet()) {
            rows.add(SignedInPage.Attribute.named(a.getKey(), String.join(", ", a.getValue())));
        }
        SsoSessions.SsoSession session = sessions.open(identity, clock.instant());
        String base = "/sso/" + identity.org().value() + "/" + identity.alias().value();
        ResponseEntity<String> page = pages.render(HttpStatus.OK, new SignedInPage(identity.org(),
                identity.org().value() + "/" + identity.alias().value(), rows, base + "/logout"));
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
        return pages.render(HttpStatus.BAD_REQUEST, MessagePage.of(Text.of("signoutfailed.title")).forOrg(idp.org())
                .once().refusing(refusal(failure)));
    }

    /** Where a finished logout lands: the IdP's logout_redirect_url, else a page in the org's look. */
    public ResponseEntity<String> afterLogout(IdentityProvider idp) {
        return idp.logoutRedirectUrl()
                .map(url -> ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, url)
                        .<String>build())
                .orElseGet(() -> pages.render(HttpStatus.OK, MessagePage.of(Text.of("signedout.title"),
                        Text.of("signedout.text")).forOrg(idp.org()).once()));
    }

    /** The session cookie for the IdP's path; an empty value and zero age clears it. */
    public ResponseCookie sessionCookie(BrokeredIdentity identity, String value, java.time.Duration maxAge) {
        return sessionCookie(identity.org(), identity.alias().value(), value, maxAge);
    }

    public ResponseCookie sessionCookie(OrgId org, String alias, String value, java.time.Duration maxAge) {
        return ResponseCookie.from(SESSION_COOKIE, value).httpOnly(true).secure(secureCookies)
                .sameSite("Lax").path("/sso/" + org.value() + "/" + alias + "/").maxAge(maxAge).build();
    }

    private static MessagePage.Refusal refusal(SignInFailure failure) {
        return new MessagePage.Refusal(failure.code(), failure.title(), traceId());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String traceId() {
        String id = MDC.get("trace_id");
        return id == null ? "" : id;
    }
}
