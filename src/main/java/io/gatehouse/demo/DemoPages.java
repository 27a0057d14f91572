package io.gatehouse.demo;

import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** The demo's pages, rendered like every other page; the banner on each says "demo". */
@Component
class DemoPages {
    private final Pages pages;

    DemoPages(Pages pages) {
        this.pages = pages;
    }

    ResponseEntity<String> render(HttpStatus status, io.gatehouse.pages.Page page) {
        return pages.render(status, page);
    }

    static ResponseEntity<String> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN).body("Not found");
    }

    /** A demo IdP's answer to a request that is not the demo's own sign-in. */
    ResponseEntity<String> notARequest() {
        return pages.render(HttpStatus.BAD_REQUEST, new DemoViews.Notice(Text.of("demo.notrequest.title"),
                Text.of("demo.banner.idp"), Text.of("demo.notrequest.text"), true));
    }

    /** The login form of a demo IdP, again with an error after a wrong password. */
    ResponseEntity<String> loginForm(String titleKey, String action, Map<String, String> hidden, String domain,
                                     boolean wrongPassword) {
        return pages.render(HttpStatus.OK, new DemoViews.Login(Text.of(titleKey), action, hidden,
                DemoUser.ALL.stream().map(u -> new DemoViews.User(u.username(), u.email(domain),
                        String.join(", ", u.groups()))).toList(), DemoUser.PASSWORD,
                wrongPassword ? Optional.of(Text.of("demo.login.wrong")) : Optional.empty()));
    }
}
