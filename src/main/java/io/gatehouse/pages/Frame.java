package io.gatehouse.pages;

import java.util.List;
import java.util.Optional;

/**
 * What every page has around its content (the {@code layout} template): the language and its texts, the
 * title, the stylesheets, the org's name and logo, and the language switch.
 *
 * @param brandStylesheet the org's stylesheet (its accent colour), when it chose one
 * @param script          the page's script, already versioned
 * @param refresh         where the page sends the browser on by itself (see {@link Page#refresh()})
 */
public record Frame(Messages m, String title, Optional<Brand> brand, String stylesheet,
                    Optional<String> brandStylesheet, Optional<String> script, List<LanguageLink> languages,
                    Optional<String> refresh) {

    /** The org shown in the page's header. */
    public record Brand(String name, Optional<String> logoUrl) {
    }

    /** One entry of the language switch. */
    public record LanguageLink(String code, String name, String href, boolean current) {
    }
}
