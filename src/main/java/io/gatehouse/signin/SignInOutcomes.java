package io.gatehouse.signin;

import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.EventCategory;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.tenancy.OrgId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.MDC;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
    private final AuditLog audit;

    SignInOutcomes(AuditLog audit) {
        this.audit = audit;
    }

    public ResponseEntity<String> failed(OrgId org, Optional<IdentityProvider> idp, String alias, SignInFailure failure) {
        ObjectNode details = JSON.createObjectNode();
        details.put("reason", failure.code());
        details.put("explanation", failure.title());
        details.put("hint", failure.hint());
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
        return page(HttpStatus.FORBIDDEN, "Sign-in failed", "<p>" + escape(failure.title()) + ".</p>"
                + "<p>Reason code: <code>" + escape(failure.code()) + "</code>; trace id <code>" + escape(traceId())
                + "</code>. Your administrator can look them up in Gatehouse's sign-in events.</p>");
    }

    /**
     * A successful sign-in, shown on a minimal page until an application takes the identity over
     * (the broker); the event records who signed in.
     */
    public ResponseEntity<String> succeeded(BrokeredIdentity identity) {
        ObjectNode details = JSON.createObjectNode();
        details.put("subject", identity.subject());
        identity.email().ifPresent(e -> details.put("email", e));
        details.put("protocol", identity.protocol().wireName());
        audit.record(Optional.of(identity.org()), EventCategory.SIGN_IN, "sign_in.succeeded",
                "idp:" + identity.alias().value(), identity.alias().value(), details);
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
        return page(HttpStatus.OK, "Signed in", "<p>Signed in through <code>" + escape(identity.org().value()) + "/"
                + escape(identity.alias().value()) + "</code>.</p><table>" + rows + "</table>");
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
