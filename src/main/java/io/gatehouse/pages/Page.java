package io.gatehouse.pages;

import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Optional;

/**
 * What one page shows: its template (under {@code src/main/jte}) is rendered with this record as
 * {@code p} and the page's {@link Frame} as {@code f}. The defaults are the strict ones.
 */
public interface Page {

    /** The template's file name, e.g. {@code "signin/email.jte"}. */
    String template();

    /** The page's title (the frame adds the org's or Gatehouse's name). */
    Text title();

    /** The org whose branding (name, logo, accent colour) the page shows; none for Gatehouse's own look. */
    default Optional<OrgId> org() {
        return Optional.empty();
    }

    /**
     * Whether loading the same URL again shows the same page, so that the language switch can link to it.
     * A page that answers a form post or a one-time code is not: its switch only sets the language.
     */
    default boolean repeatable() {
        return true;
    }

    /** Where the page's forms may post (the CSP's form-action). */
    default List<String> formTargets() {
        return List.of("'self'");
    }

    /**
     * Whether the page's form is answered by a redirect to wherever the user's answer leads (an identity
     * provider found by email). Browsers hold every redirect of a form's submission to the form-action,
     * which cannot name places not known yet; such a page carries none.
     */
    default boolean formRedirectsOnward() {
        return false;
    }

    /**
     * Where the browser goes on by itself at once (a {@code <meta http-equiv="refresh">}, which needs no
     * script): a same-origin path, as the page's own navigation rather than a redirect.
     */
    default Optional<String> refresh() {
        return Optional.empty();
    }

    /** The script the page loads from Gatehouse (the CSP then allows 'self' scripts); most load none. */
    default Optional<String> script() {
        return Optional.empty();
    }
}
