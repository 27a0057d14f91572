package io.gatehouse.signin;

import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import java.time.Clock;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /sso/{org}/{alias}/login}: starts a sign-in at that identity provider. */
@RestController
class LoginController {
    private static final int MAX_HINT = 320;
    private final ProviderDirectory directory;
    private final SignInStarts starts;
    private final Clock clock;
    private final Pages pages;

    LoginController(ProviderDirectory directory, SignInStarts starts, Clock clock, Pages pages) {
        this.pages = pages;
        this.directory = directory;
        this.starts = starts;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/login")
    ResponseEntity<String> login(@PathVariable String org, @PathVariable String alias,
                                 @RequestParam(name = "login_hint", required = false) String loginHint) {
        Optional<ProviderView> idp = directory.find(org, alias);
        if (idp.isEmpty() || !idp.get().idp().active()) {
            // the same answer for unknown and disabled: which companies use which IdP is nobody's business
            return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.login")));
        }
        Optional<String> hint = Optional.ofNullable(loginHint).filter(h -> !h.isBlank() && h.length() <= MAX_HINT);
        return starts.start(idp.get(), new LoginRequest(hint, Optional.empty()), clock.instant());
    }
}
