package io.gatehouse.pages;

import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Optional;

/**
 * The end of a test sign-in in the browser: whether it worked, why not, any warning, what the identity
 * provider sent and what applications would receive. Nobody is signed in to an application by it.
 *
 * @param provider    the provider, as {@code org/alias}
 * @param failure     the refusal, when the test failed
 * @param warnings    each warning's code and its explanation, worded by the bundles in the page's language
 * @param received    what arrived: the subject, its format and every attribute or claim, as sent
 * @param interpreted the normalized profile Gatehouse made of it, by profile field
 * @param setup       the setup portal's test page, when the test was started there (to go back and try again)
 */
public record TestSignInResultPage(OrgId orgId, String provider, String testId, Optional<Failure> failure,
                                   List<Warning> warnings, List<Row> received, List<Row> interpreted,
                                   Optional<String> setup) implements Page {

    public TestSignInResultPage {
        warnings = List.copyOf(warnings);
        received = List.copyOf(received);
        interpreted = List.copyOf(interpreted);
    }

    /**
     * Why the test failed: the reason code with its catalog title and hint (English; the template words them in
     * the page's language) and this case's detail.
     */
    public record Failure(String code, String englishTitle, String englishHint, String detail) {
    }

    /** A warning: its stable code and what it says, from the bundles ({@code warning.*} of {@code fixes}). */
    public record Warning(String code, Text text) {
    }

    /**
     * One line: a name (attribute, claim or profile field) and its value, shown as it is, or, where Gatehouse
     * itself says something about it, worded by the bundles in the page's language.
     *
     * @param value  the value as sent or as applications would receive it; empty for a worded row
     * @param worded Gatehouse's own words for the value, instead of {@code value}
     */
    public record Row(String name, String value, Optional<Text> worded) {
        public Row(String name, String value) {
            this(name, value, Optional.empty());
        }

        /** A row whose value Gatehouse words itself (e.g. "new user"). */
        public static Row worded(String name, Text text) {
            return new Row(name, "", Optional.of(text));
        }
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }

    @Override
    public String template() {
        return "signin/test-result.jte";
    }

    @Override
    public Text title() {
        return Text.of(succeeded() ? "testresult.succeeded" : "testresult.failed");
    }

    @Override
    public Optional<OrgId> org() {
        return Optional.of(orgId);
    }

    @Override
    public boolean repeatable() {
        return false;
    }
}
