package io.gatehouse.saml;

import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/** The HTTP-POST binding's page: a form with the message that the browser posts on at once. */
public final class PostForm {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PostForm() {
    }

    /** The form for the message; a button stands in when scripts are off. */
    public static ResponseEntity<String> of(String action, String parameter, String message, String relayState) {
        byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getEncoder().encodeToString(nonceBytes);
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in</title></head>"
                + "<body><form method=\"post\" action=\"" + HtmlUtils.htmlEscape(action) + "\">"
                + "<input type=\"hidden\" name=\"" + parameter + "\" value=\"" + HtmlUtils.htmlEscape(message) + "\">"
                + (relayState == null ? "" : "<input type=\"hidden\" name=\"RelayState\" value=\""
                        + HtmlUtils.htmlEscape(relayState) + "\">")
                + "<noscript><button type=\"submit\">Continue to sign in</button></noscript></form>"
                + "<script nonce=\"" + nonce + "\">document.forms[0].submit()</script></body></html>";
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML)
                .header("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; form-action "
                        + formAction(action) + "; frame-ancestors 'none'")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(html);
    }

    private static String formAction(String action) {
        java.net.URI uri = java.net.URI.create(action);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
