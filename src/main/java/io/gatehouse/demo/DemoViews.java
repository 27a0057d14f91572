package io.gatehouse.demo;

import io.gatehouse.pages.Page;
import io.gatehouse.pages.Text;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the demo's pages show (templates under {@code src/main/jte/demo}); each carries the "demo" banner. */
public final class DemoViews {
    private DemoViews() {
    }

    /** The demo application's start page. */
    public record Home(String samlDomain, String oidcDomain) implements Page {
        @Override
        public String template() {
            return "demo/home.jte";
        }

        @Override
        public Text title() {
            return Text.of("demo.home.title");
        }
    }

    /** A demo IdP's login form; the demo users and their password are on the page (it's a demo). */
    public record Login(Text title, String action, Map<String, String> hidden, List<User> users, String password,
                        Optional<Text> error) implements Page {
        public Login {
            hidden = Collections.unmodifiableMap(new LinkedHashMap<>(hidden));
            users = List.copyOf(users);
        }

        @Override
        public String template() {
            return "demo/login.jte";
        }

        @Override
        public boolean repeatable() {
            // shown again after a wrong password, in answer to the form's post
            return error.isEmpty();
        }
    }

    /** One demo user as the login form lists them. */
    public record User(String username, String email, String groups) {
    }

    /** The demo application after a sign-in: who, through which IdP, and the ID token's claims. */
    public record Profile(String email, String provider, List<Claim> claims) implements Page {
        public Profile {
            claims = List.copyOf(claims);
        }

        @Override
        public String template() {
            return "demo/profile.jte";
        }

        @Override
        public Text title() {
            return Text.of("demo.profile.title");
        }

        @Override
        public boolean repeatable() {
            return false;
        }
    }

    /** One claim of the ID token. */
    public record Claim(String name, String value) {
    }

    /** A demo page that says one thing: a failed sign-in, or a request the demo does not answer. */
    public record Notice(Text title, Text banner, Text message, boolean repeatable) implements Page {
        @Override
        public String template() {
            return "demo/notice.jte";
        }
    }
}
