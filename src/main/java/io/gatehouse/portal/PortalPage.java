package io.gatehouse.portal;

import io.gatehouse.idp.Protocol;
import io.gatehouse.pages.Page;
import io.gatehouse.pages.Text;
import io.gatehouse.tenancy.OrgId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The setup portal's pages: what each shows, worked out before the template (which only lays it out).
 * Every one shows its org's branding, the list of steps, and carries the session's CSRF token in its forms.
 */
public sealed interface PortalPage extends Page {

    /** What every portal page has: the org, the session's CSRF token and the steps. */
    Context context();

    @Override
    default Optional<OrgId> org() {
        return Optional.of(context().org());
    }

    @Override
    default Text title() {
        return Text.of("setup.title." + name());
    }

    /** The page's name: its template {@code setup/<name>.jte} and its title's key. */
    String name();

    @Override
    default String template() {
        return "setup/" + name() + ".jte";
    }

    /**
     * What every portal page has.
     *
     * @param orgName the org's name, as the SaaS team registered it
     * @param csrf    the token every form of the session posts back
     * @param steps   the steps, with where the admin stands
     */
    record Context(OrgId org, String orgName, String csrf, List<StepLink> steps) {
        public Context {
            steps = List.copyOf(steps);
        }
    }

    /** One entry of the list of steps: a link once the step can be taken, done or not, the current one. */
    record StepLink(SetupStep step, Optional<String> href, boolean done, boolean current) {
    }

    /** One value the admin copies into the IdP's console: its label, its value, an id for the copy button. */
    record CopyValue(String id, Text label, String value) {
    }

    /** A certificate the provider trusts, as the status page lists it. */
    record Certificate(String subject, java.time.Instant notAfter, boolean expired, boolean expiresSoon) {
    }

    /**
     * Where the connection stands, on the overview once the provider exists.
     *
     * @param status          {@code draft}, {@code active} or {@code inactive}
     * @param lastTestedAt    when a test sign-in last succeeded
     * @param testOutdated    whether the configuration changed after it
     */
    record Connection(String displayName, String status, Text product, Protocol protocol, List<Certificate> certificates,
                      List<String> domains, Optional<java.time.Instant> lastTestedAt, boolean testOutdated) {
        public Connection {
            certificates = List.copyOf(certificates);
            domains = List.copyOf(domains);
        }
    }

    /** The page a setup link opens: it set the session cookie, and goes on at once to the portal's clean URL. */
    record Opening(Context context) implements PortalPage {
        @Override
        public String name() {
            return "opening";
        }

        @Override
        public Optional<String> refresh() {
            return Optional.of(SetupLinks.PORTAL_PATH);
        }

        @Override
        public boolean repeatable() {
            return false;
        }
    }

    /** The landing page: for whom, what is needed, how long it takes; then the connection's status. */
    record Overview(Context context, Optional<Connection> connection, String next, Optional<String> email)
            implements PortalPage {
        @Override
        public String name() {
            return "overview";
        }
    }

    /** The choice of the IdP product. */
    record ProductChoice(Context context, List<Option> options, Optional<Text> error) implements PortalPage {
        public ProductChoice {
            options = List.copyOf(options);
        }

        @Override
        public String name() {
            return "product";
        }
    }

    /** One radio button: its value, its label, whether it is chosen. */
    record Option(String value, Text label, Optional<Text> hint, boolean checked) {
    }

    /** The choice of protocol, for a product that speaks both. */
    record ProtocolChoice(Context context, Text product, List<Option> options) implements PortalPage {
        public ProtocolChoice {
            options = List.copyOf(options);
        }

        @Override
        public String name() {
            return "protocol";
        }
    }

    /** The product's steps, with Gatehouse's values to copy. */
    record Instructions(Context context, Text product, SetupGuide guide, List<CopyValue> values,
                        Optional<String> metadataDownload) implements PortalPage {
        public Instructions {
            values = List.copyOf(values);
        }

        @Override
        public String name() {
            return "instructions";
        }

        @Override
        public Optional<String> script() {
            return Optional.of(SetupPortalController.SCRIPT);
        }
    }

    /**
     * The IdP's side: its metadata (SAML) or issuer, client id and secret (OIDC).
     *
     * @param values       what the form shows in its fields (never a secret)
     * @param errors       by field, what is wrong and how to fix it
     * @param formErrors   what concerns no one field
     * @param secretStored whether a client secret is stored already (a blank field then keeps it)
     */
    record Connect(Context context, Text product, Protocol protocol, Text idpSide, Map<String, String> values,
                   Map<String, Text> errors, List<Text> formErrors, boolean secretStored) implements PortalPage {
        public Connect {
            values = Map.copyOf(values);
            errors = Map.copyOf(errors);
            formErrors = List.copyOf(formErrors);
        }

        @Override
        public String name() {
            return "connect";
        }

        @Override
        public boolean repeatable() {
            return errors.isEmpty() && formErrors.isEmpty();
        }

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public boolean hasErrors() {
            return !errors.isEmpty() || !formErrors.isEmpty();
        }
    }

    /** The email domains whose users sign in through the provider. */
    record Domains(Context context, List<String> domains, Optional<Text> error, List<Text> formErrors)
            implements PortalPage {
        public static final int FIELDS = 5;

        public Domains {
            domains = List.copyOf(domains);
            formErrors = List.copyOf(formErrors);
        }

        @Override
        public String name() {
            return "domains";
        }

        @Override
        public boolean repeatable() {
            return error.isEmpty() && formErrors.isEmpty();
        }
    }

    /**
     * The test sign-in: the last test's outcome, and a button that starts a new one.
     *
     * @param status   the last test's status ({@code pending}, {@code succeeded}, {@code failed}), if any
     * @param current  whether the last test ran against the provider's current configuration
     * @param failure  the reason's code, title and hint (English; translated by the template) and this case's detail
     */
    record Test(Context context, Optional<String> status, Optional<java.time.Instant> finishedAt, boolean current,
                Optional<TestFailure> failure, List<io.gatehouse.pages.TestSignInResultPage.Warning> warnings,
                List<io.gatehouse.pages.TestSignInResultPage.Row> interpreted) implements PortalPage {
        public Test {
            warnings = List.copyOf(warnings);
            interpreted = List.copyOf(interpreted);
        }

        @Override
        public String name() {
            return "test";
        }
    }

    /**
     * The answer to "Start a test sign-in": a page that goes on by itself to the test's link. Not a redirect: a
     * browser checks every redirect of a form's submission against the page's CSP form-action ('self'), so a
     * redirect chain from the form to the identity provider's origin would be refused; a page's own navigation
     * is not a form submission.
     *
     * @param link the test sign-in's same-origin path with its one-time token
     */
    record TestStarting(Context context, String link) implements PortalPage {
        @Override
        public String name() {
            return "starting";
        }

        @Override
        public Optional<String> refresh() {
            return Optional.of(link);
        }

        @Override
        public boolean repeatable() {
            return false;
        }

        @Override
        public String toString() {
            return "TestStarting[" + context.org() + "]";
        }
    }

    /** Why a test sign-in failed. */
    record TestFailure(String code, String englishTitle, String englishHint, String detail) {
    }

    /** Turning the connection on, once a test proved its configuration. */
    record Activate(Context context, boolean tested, boolean active, Optional<Text> error) implements PortalPage {
        @Override
        public String name() {
            return "activate";
        }
    }
}
