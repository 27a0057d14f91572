package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.Protocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    private final IdentityProviders registry;
    private final SsoSessions sessions;
    private final SignInOutcomes outcomes;
    private final Map<Protocol, SignOutStarter> starters = new EnumMap<>(Protocol.class);
    private final Clock clock;

    LogoutController(IdentityProviders registry, SsoSessions sessions, SignInOutcomes outcomes,
                     List<SignOutStarter> starters, Clock clock) {
        this.registry = registry;
        this.sessions = sessions;
        this.outcomes = outcomes;
        this.clock = clock;
        starters.forEach(s -> this.starters.put(s.protocol(), s));
    }

    @GetMapping("/sso/{org}/{alias}/logout")
    ResponseEntity<String> logout(@PathVariable String org, @PathVariable String alias,
                                  @CookieValue(name = SignInOutcomes.SESSION_COOKIE, required = false) String cookie) {
        Instant now = clock.instant();
        Optional<IdentityProvider> idp = registry.lookup(org, alias);
        if (idp.isEmpty()) {
            return SignInOutcomes.page(HttpStatus.NOT_FOUND, "No such sign-in",
                    "<p>This sign-out link is not valid.</p>");
        }
        String clear = outcomes.sessionCookie(idp.get().org(), alias, "", Duration.ZERO).toString();
        Optional<SsoSessions.SsoSession> session = sessions.find(cookie, idp.get().id(), now);
        Optional<ResponseEntity<String>> atIdp = session.flatMap(s -> Optional.ofNullable(
                starters.get(idp.get().settings().protocol())).flatMap(starter -> starter.signOut(idp.get(), s, now)));
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
