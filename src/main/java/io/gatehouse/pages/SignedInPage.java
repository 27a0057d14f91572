package io.gatehouse.pages;

import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Optional;

/**
 * Shown when a sign-in finished that no application started (a direct login link): who signed in, as
 * the identity provider described them, and a way to sign out.
 *
 * @param provider   the provider, as {@code org/alias}
 * @param attributes what arrived, in order: a bundle key for the label (or the attribute's own name), and the value
 * @param signOut    the sign-out URL
 */
public record SignedInPage(OrgId orgId, String provider, List<Attribute> attributes, String signOut) implements Page {

    public SignedInPage {
        attributes = List.copyOf(attributes);
    }

    @Override
    public String template() {
        return "signin/signed-in.jte";
    }

    @Override
    public Text title() {
        return Text.of("signedin.title");
    }

    @Override
    public Optional<OrgId> org() {
        return Optional.of(orgId);
    }

    @Override
    public boolean repeatable() {
        return false;
    }

    /**
     * One row: a label from the bundle ({@code label}, e.g. {@code signedin.email}) or, for an attribute as
     * the IdP named it, {@code label} null and its {@code name}.
     */
    public record Attribute(String label, String name, String value) {
        public static Attribute labelled(String key, String value) {
            return new Attribute(key, null, value);
        }

        public static Attribute named(String name, String value) {
            return new Attribute(null, name, value);
        }

        /**
         * The row's name for machines, independent of the page's language: the profile field
         * ({@code email}) or {@code attribute:} and the IdP's own name.
         */
        public String field() {
            return label != null ? label.substring(label.indexOf('.') + 1) : "attribute:" + name;
        }
    }
}
