package io.gatehouse.pages;

import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Optional;

/**
 * A page that says one thing: a title, a few paragraphs, and for a refusal its reason code and trace id
 * (what the user hands their administrator, who finds the case in the sign-in events).
 *
 * @param refusal    the refusal this page reports, if it reports one
 * @param org        the org whose branding the page shows
 * @param repeatable see {@link Page#repeatable()}
 */
public record MessagePage(Text title, List<Text> paragraphs, Optional<Refusal> refusal, Optional<OrgId> org,
                          boolean repeatable) implements Page {

    public MessagePage {
        paragraphs = List.copyOf(paragraphs);
    }

    /** A repeatable page without branding: the title and paragraphs only. */
    public static MessagePage of(Text title, Text... paragraphs) {
        return new MessagePage(title, List.of(paragraphs), Optional.empty(), Optional.empty(), true);
    }

    /** The same page, shown in the org's look. */
    public MessagePage forOrg(OrgId org) {
        return new MessagePage(title, paragraphs, refusal, Optional.of(org), repeatable);
    }

    /** The same page, marked as not to be loaded again (it answered a post or a one-time code). */
    public MessagePage once() {
        return new MessagePage(title, paragraphs, refusal, org, false);
    }

    /** The same page, reporting a refusal. */
    public MessagePage refusing(Refusal refusal) {
        return new MessagePage(title, paragraphs, Optional.of(refusal), org, repeatable);
    }

    @Override
    public String template() {
        return "message.jte";
    }

    /**
     * A refusal as the page shows it: the reason's code and its title in the catalog's English (the
     * page shows a translation where the {@code reasons} bundle has one), and the request's trace id.
     */
    public record Refusal(String code, String englishTitle, String traceId) {
    }
}
