package io.gatehouse.portal;

import io.gatehouse.signin.LoginRequest;
import io.gatehouse.signin.SignInStarts;
import io.gatehouse.tenancy.OrgId;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /sso/{org}/{alias}/test-sign-in?token=...}: the link of a test sign-in, opened in a
 * browser; it starts a sign-in at the identity provider whose answer ends the test, whatever the
 * provider's status. Unknown, expired, finished and other providers' links get the same answer.
 */
@RestController
class TestSignInLinkController {
    private final TestSignInPage page;
    private final TestSignIns tests;
    private final SignInStarts starts;
    private final Clock clock;

    TestSignInLinkController(TestSignIns tests, SignInStarts starts, Clock clock, TestSignInPage page) {
        this.page = page;
        this.tests = tests;
        this.starts = starts;
        this.clock = clock;
    }

    static String path(OrgId org, String alias) {
        return "/sso/" + org.value() + "/" + alias + "/test-sign-in";
    }

    @GetMapping("/sso/{org}/{alias}/test-sign-in")
    ResponseEntity<String> open(@PathVariable String org, @PathVariable String alias,
                                @RequestParam(name = "token", required = false) String token) {
        Instant now = clock.instant();
        Optional<TestSignIns.Opened> opened = tests.open(org, alias, token, now);
        if (opened.isEmpty()) {
            return page.gone();
        }
        ResponseEntity<String> start = starts.start(opened.get().provider(), LoginRequest.test(opened.get().test().id()),
                now);
        // the link's secret stays here: not sent on to the identity provider as a Referer
        return ResponseEntity.status(start.getStatusCode()).headers(start.getHeaders())
                .header("Referrer-Policy", "no-referrer").body(start.getBody());
    }
}
