package io.gatehouse.pages;

import java.util.Map;
import java.util.Optional;

/**
 * The page that asks for the work email when an application's sign-in names no org or provider. The
 * application's request travels on in hidden fields; an address that was refused stays in the field,
 * with the reason tied to it.
 *
 * @param action the form's target (a GET form, so the request stays a plain authorization request)
 * @param field  the name of the email field's parameter
 * @param hidden the application's request parameters, carried on
 * @param value  what the user typed, shown again when it was refused
 * @param error  why it was refused
 */
public record EmailPrompt(String action, String field, Map<String, String> hidden, String value,
                          Optional<Text> error) implements Page {

    public EmailPrompt {
        hidden = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hidden));
    }

    /** The address typed leads to its identity provider, by a redirect of this very form's request. */
    @Override
    public boolean formRedirectsOnward() {
        return true;
    }

    @Override
    public String template() {
        return "signin/email.jte";
    }

    @Override
    public Text title() {
        return Text.of(error.isPresent() ? "email.title.error" : "email.title");
    }
}
