package io.gatehouse.pages;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A protocol's auto-posted form (SAML HTTP-POST binding): the fields post on to {@code action} at once
 * through a script served by Gatehouse; without scripts, a button does it.
 */
public record PostFormPage(String action, Map<String, String> fields) implements Page {
    public static final String SCRIPT = "/assets/post-form.js";

    public PostFormPage {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    @Override
    public String template() {
        return "post-form.jte";
    }

    @Override
    public Text title() {
        return Text.of("postform.title");
    }

    @Override
    public boolean repeatable() {
        return false;
    }

    /** Only the destination's origin: the page posts there and nowhere else. */
    @Override
    public List<String> formTargets() {
        URI uri = URI.create(action);
        return List.of(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    @Override
    public Optional<String> script() {
        return Optional.of(SCRIPT);
    }
}
