package io.gatehouse.signin;

import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.crypto.Sha256;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * A random key per browser, in a cookie, whose hash each sign-in attempt records: an IdP's answer
 * for an attempt started in another browser (an attacker's, to sign the victim in as the attacker)
 * then finds no attempt to finish.
 */
@Component
class BrowserKeys {
    static final String COOKIE = "gatehouse_browser";
    private final GatehouseProperties properties;

    BrowserKeys(GatehouseProperties properties) {
        this.properties = properties;
    }

    /** The hash of this browser's key, giving the browser one when it has none. */
    Optional<String> forNewAttempt() {
        if (!properties.bindsSignInsToBrowser()) {
            return Optional.empty();
        }
        return exchange().map(ex -> {
            Optional<String> existing = cookie(ex.getRequest());
            String key = existing.orElseGet(() -> {
                String fresh = RandomTokens.urlSafe(32);
                HttpServletResponse response = ex.getResponse();
                if (response != null) {
                    // None + Secure: the IdP's answer arrives by a cross-site POST, which must still carry it
                    response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(COOKIE, fresh).httpOnly(true)
                            .secure(true).sameSite("None").path("/sso/").maxAge(Duration.ofDays(30)).build().toString());
                }
                return fresh;
            });
            return hash(key);
        });
    }

    /** Whether the current request comes from the browser that started the attempt. */
    boolean sameBrowser(SignInAttempt attempt) {
        if (!properties.bindsSignInsToBrowser() || attempt.browserHash().isEmpty()) {
            return true;
        }
        Optional<String> presented = exchange().flatMap(ex -> cookie(ex.getRequest())).map(BrowserKeys::hash);
        return presented.isPresent() && MessageDigest.isEqual(presented.get().getBytes(StandardCharsets.US_ASCII),
                attempt.browserHash().get().getBytes(StandardCharsets.US_ASCII));
    }

    private static Optional<ServletRequestAttributes> exchange() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
                ? Optional.of(a) : Optional.empty();
    }

    private static Optional<String> cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        return cookies == null ? Optional.empty() : Arrays.stream(cookies).filter(c -> COOKIE.equals(c.getName()))
                .map(Cookie::getValue).filter(v -> v.length() <= 64).findFirst();
    }

    private static String hash(String key) {
        return Sha256.hex(key);
    }
}
