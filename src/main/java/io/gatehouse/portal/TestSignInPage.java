package io.gatehouse.portal;

import io.gatehouse.portal.TestSignIn.Interpreted;
import io.gatehouse.portal.TestSignIn.Observed;
import io.gatehouse.portal.TestSignIn.Result;
import io.gatehouse.portal.TestSignIn.Warning;
import io.gatehouse.signin.SignInOutcomes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * The page the browser sees at the end of a test sign-in, on the sign-in pages' plain look (the
 * portal's pages will render the same {@link TestSignIn} in their own).
 */
final class TestSignInPage {
    private TestSignInPage() {
    }

    static ResponseEntity<String> of(TestSignIn test, Result result) {
        String who = "<p>Test sign-in of <code>" + escape(test.org().value()) + "/" + escape(test.alias().value())
                + "</code>. Nobody was signed in to an application and no user was created: the result is kept for"
                + " the person who started the test (test sign-in <code>" + escape(test.id()) + "</code>).</p>";
        return switch (result) {
            case Result.Pending p -> gone();
            case Result.Succeeded s -> SignInOutcomes.page(HttpStatus.OK, "Test sign-in succeeded",
                    who + warnings(s.warnings()) + observed(s.observed()));
            case Result.Failed f -> SignInOutcomes.page(HttpStatus.OK, "Test sign-in failed", who
                    + "<p><strong>" + escape(f.failure().title()) + ".</strong> " + escape(f.failure().hint()) + "</p>"
                    + "<p>Reason code: <code>" + escape(f.failure().code()) + "</code>"
                    + (f.failure().detail().isEmpty() ? "" : "; " + escape(f.failure().detail())) + ".</p>"
                    + warnings(f.warnings()) + f.observed().map(TestSignInPage::observed).orElse(""));
        };
    }

    /** A link or answer of a test sign-in that is no longer (or never was) open. */
    static ResponseEntity<String> gone() {
        return SignInOutcomes.page(HttpStatus.NOT_FOUND, "Test sign-in not available", "<p>This test sign-in link is"
                + " not (or no longer) valid: a test link works for a few minutes, until its test has ended. Start a new test.</p>");
    }

    private static String warnings(List<Warning> warnings) {
        if (warnings.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<h2>Warnings</h2><ul>");
        warnings.forEach(w -> out.append("<li>").append(escape(w.message())).append(" <code>").append(escape(w.code()))
                .append("</code></li>"));
        return out.append("</ul>").toString();
    }

    private static String observed(Observed observed) {
        StringBuilder received = new StringBuilder();
        row(received, "subject", Optional.of(observed.received().subject()));
        row(received, "name_id_format", observed.received().nameIdFormat());
        for (Map.Entry<String, List<String>> a : observed.received().attributes().entrySet()) {
            row(received, a.getKey(), Optional.of(String.join(", ", a.getValue())));
        }
        Interpreted i = observed.interpreted();
        StringBuilder made = new StringBuilder();
        row(made, "email", i.email());
        row(made, "email_verified", Optional.of(Boolean.toString(i.emailVerified())));
        row(made, "given_name", i.givenName());
        row(made, "family_name", i.familyName());
        row(made, "name", i.name());
        row(made, "username", i.username());
        row(made, "groups", Optional.of(String.join(", ", i.groups())).filter(g -> !g.isEmpty()));
        row(made, "role", i.role());
        row(made, "team", i.team());
        i.custom().forEach((k, v) -> row(made, "custom." + k, Optional.of(v)));
        row(made, "user", Optional.of(i.knownUserId().map(id -> "existing user " + id).orElse("new user")));
        return "<h2>What the identity provider sent</h2><table>" + received + "</table>"
                + "<h2>What applications would receive</h2><table>" + made + "</table>";
    }

    private static void row(StringBuilder rows, String name, Optional<String> value) {
        value.ifPresent(v -> rows.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(v))
                .append("</td></tr>"));
    }

    private static String escape(String s) {
        return HtmlUtils.htmlEscape(s, "UTF-8");
    }
}
