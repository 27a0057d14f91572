package io.gatehouse.pages;

import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Optional;

/** The page that lets a user pick one of their org's identity providers. */
public record ProviderChooser(OrgId orgId, List<Choice> choices) implements Page {

    public ProviderChooser {
        choices = List.copyOf(choices);
    }

    @Override
    public String template() {
        return "signin/chooser.jte";
    }

    @Override
    public Text title() {
        return Text.of("chooser.title");
    }

    @Override
    public Optional<OrgId> org() {
        return Optional.of(orgId);
    }

    /** One provider: its display name and the URL that starts the sign-in there. */
    public record Choice(String name, String href) {
    }
}
