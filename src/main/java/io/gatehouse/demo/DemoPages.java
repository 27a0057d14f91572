package io.gatehouse.demo;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/** The demo's pages: plain HTML, a banner that says "demo" on every one, no external resources. */
final class DemoPages {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
            + "padding:0 1rem;color:#1d2733}.demo{background:#fff3cd;border:1px solid #e0c060;padding:.5rem .8rem;"
            + "border-radius:6px}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.3rem .5rem;"
            + "text-align:left;vertical-align:top}button,.button{font-size:1rem;padding:.5rem 1rem;margin:.2rem}"
            + "code{word-break:break-all}";

    private DemoPages() {
    }

    static ResponseEntity<String> page(HttpStatus status, String title, String banner, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><meta name=\"viewport\" content=\"width=device-width\"><style>" + STYLE + "</style></head>"
                + "<body><p class=\"demo\">" + esc(banner) + "</p><h1>" + esc(title) + "</h1>" + body + "</body></html>";
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
                        + " http: https:; frame-ancestors 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store").body(html);
    }

    static ResponseEntity<String> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN).body("Not found");
    }

    /** The login form of a demo IdP: the two users and the password are on the page, it's a demo. */
    static ResponseEntity<String> loginForm(String idpName, String action, java.util.Map<String, String> hidden,
                                            String domain, String error) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((k, v) -> fields.append("<input type=\"hidden\" name=\"").append(esc(k)).append("\" value=\"")
                .append(esc(v)).append("\">"));
        StringBuilder users = new StringBuilder("<ul>");
        for (DemoUser u : DemoUser.ALL) {
            users.append("<li><code>").append(esc(u.username())).append("</code> (").append(esc(u.email(domain)))
                    .append(", groups ").append(esc(String.join(", ", u.groups()))).append(")</li>");
        }
        users.append("</ul>");
        String body = (error.isEmpty() ? "" : "<p role=\"alert\"><strong>" + esc(error) + "</strong></p>")
                + "<p>Demo users, password <code>" + DemoUser.PASSWORD + "</code>:</p>" + users
                + "<form method=\"post\" action=\"" + esc(action) + "\">" + fields
                + "<p><label>Username <input name=\"username\" id=\"username\" autocomplete=\"username\" required autofocus></label></p>"
                + "<p><label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\""
                + " required></label></p><p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>";
        return page(HttpStatus.OK, "Sign in to " + idpName, "DEMO identity provider, built into Gatehouse's demo mode."
                + " Not a real identity provider: never use it for anything but trying Gatehouse.", body);
    }

    static String esc(String s) {
        return HtmlUtils.htmlEscape(s, "UTF-8");
    }
}
