package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.idp.ProviderView;
import io.gatehouse.idp.SamlProvider;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /sso/{org}/{alias}/logout}: ends the browser's session at that identity provider here,
 * then at the IdP when it has a logout endpoint, and lands on {@code logout_redirect_url}.
 */
@RestController
class LogoutController {
    private final ProviderDirectory directory;
    private final SsoSessions sessions;
    private final SignInOutcomes outcomes;
    private final SignOutStarter<SamlProvider> saml;
    private final SignOutStarter<OidcProvider> oidc;
    private final Clock clock;
    private final Pages pages;

    LogoutController(ProviderDirectory directory, SsoSessions sessions, SignInOutcomes outcomes,
                     SignOutStarter<SamlProvider> saml, SignOutStarter<OidcProvider> oidc, Clock clock, Pages pages) {
        this.pages = pages;
        this.directory = directory;
        this.sessions = sessions;
        this.outcomes = outcomes;
        this.saml = saml;
        this.oidc = oidc;
        this.clock = clock;
    }

    @GetMapping("/sso/{org}/{alias}/logout")
    ResponseEntity<String> logout(@PathVariable String org, @PathVariable String alias,
                                  @CookieValue(name = SignInOutcomes.SESSION_COOKIE, required = false) String cookie) {
        Instant now = clock.instant();
        Optional<ProviderView> provider = directory.find(org, alias);
        Optional<IdentityProvider> idp = provider.map(ProviderView::idp);
        if (idp.isEmpty()) {
            return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.logout")));
        }
        String clear = outcomes.sessionCookie(idp.get().org(), alias, "", Duration.ZERO).toString();
        Optional<SsoSessions.SsoSession> session = sessions.find(cookie, idp.get().id(), now);
        Optional<ResponseEntity<String>> atIdp = session.flatMap(s -> switch (provider.get()) {
            case SamlProvider p -> saml.signOut(p, s, now);
            case OidcProvider p -> oidc.signOut(p, s, now);
        });
        session.ifPresent(s -> outcomes.signedOut(idp.get(), s, "sign_out.requested"));
        if (atIdp.isPresent()) {
            return ResponseEntity.status(atIdp.get().getStatusCode()).headers(atIdp.get().getHeaders())
                    .header(HttpHeaders.SET_COOKIE, clear).body(atIdp.get().getBody());
        }
        session.ifPresent(s -> sessions.end(s.id(), now));
        ResponseEntity<String> done = outcomes.afterLogout(idp.get());
        return ResponseEntity.status(done.getStatusCode()).headers(done.getHeaders())
                .header(HttpHeaders.SET_COOKIE, clear).body(done.getBody());
    }
}
