package io.gatehouse.portal;

import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.TestSignInResultPage;
import io.gatehouse.pages.TestSignInResultPage.Failure;
import io.gatehouse.pages.TestSignInResultPage.Row;
import io.gatehouse.pages.Text;
import io.gatehouse.portal.TestSignIn.Interpreted;
import io.gatehouse.portal.TestSignIn.Observed;
import io.gatehouse.portal.TestSignIn.Result;
import io.gatehouse.portal.TestSignIn.Warning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The page the browser sees at the end of a test sign-in, in the sign-in pages' look (the portal
 * shows the same {@link TestSignIn} among its steps).
 */
@Component
class TestSignInPage {
    private final Pages pages;

    TestSignInPage(Pages pages) {
        this.pages = pages;
    }

    ResponseEntity<String> of(TestSignIn test, Result result) {
        String provider = test.org().value() + "/" + test.alias().value();
        return switch (result) {
            case Result.Pending p -> gone();
            case Result.Succeeded s -> pages.render(HttpStatus.OK, new TestSignInResultPage(test.org(), provider,
                    test.id(), Optional.empty(), warnings(s.warnings()), received(s.observed()),
                    interpreted(s.observed()), setup(test)));
            case Result.Failed f -> pages.render(HttpStatus.OK, new TestSignInResultPage(test.org(), provider,
                    test.id(), Optional.of(new Failure(f.failure().code(), f.failure().title(), f.failure().hint(),
                            f.failure().detail())), warnings(f.warnings()),
                    f.observed().map(TestSignInPage::received).orElse(List.of()),
                    f.observed().map(TestSignInPage::interpreted).orElse(List.of()), setup(test)));
        };
    }

    /** The portal's test step, for a test its setup link started: the admin goes back there to try again or turn it on. */
    private static Optional<String> setup(TestSignIn test) {
        return io.gatehouse.access.Caller.SetupLink.isActor(test.actor()) ? Optional.of(SetupStep.TEST.path()) : Optional.empty();
    }

    /** A link or answer of a test sign-in that is no longer (or never was) open. */
    ResponseEntity<String> gone() {
        return pages.render(HttpStatus.NOT_FOUND,
                MessagePage.of(Text.of("testresult.gone.title"), Text.of("testresult.gone.text")).once());
    }

    private static List<TestSignInResultPage.Warning> warnings(List<Warning> warnings) {
        return warnings.stream().map(w -> new TestSignInResultPage.Warning(w.code(), w.text())).toList();
    }

    private static List<Row> received(Observed observed) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("subject", observed.received().subject()));
        observed.received().nameIdFormat().ifPresent(v -> rows.add(new Row("name_id_format", v)));
        for (Map.Entry<String, List<String>> a : observed.received().attributes().entrySet()) {
            rows.add(new Row(a.getKey(), String.join(", ", a.getValue())));
        }
        return rows;
    }

    /** What applications would receive, row by row (the portal's test step shows the same). */
    static List<Row> interpreted(Observed observed) {
        Interpreted i = observed.interpreted();
        List<Row> rows = new ArrayList<>();
        i.email().ifPresent(v -> rows.add(new Row("email", v)));
        rows.add(new Row("email_verified", Boolean.toString(i.emailVerified())));
        i.givenName().ifPresent(v -> rows.add(new Row("given_name", v)));
        i.familyName().ifPresent(v -> rows.add(new Row("family_name", v)));
        i.name().ifPresent(v -> rows.add(new Row("name", v)));
        i.username().ifPresent(v -> rows.add(new Row("username", v)));
        if (!i.groups().isEmpty()) {
            rows.add(new Row("groups", String.join(", ", i.groups())));
        }
        i.role().ifPresent(v -> rows.add(new Row("role", v)));
        i.team().ifPresent(v -> rows.add(new Row("team", v)));
        i.custom().forEach((k, v) -> rows.add(new Row("custom." + k, v)));
        rows.add(Row.worded("user", i.knownUserId().map(id -> Text.of("testresult.user.existing", id))
                .orElse(Text.of("testresult.user.new"))));
        return rows;
    }
}
