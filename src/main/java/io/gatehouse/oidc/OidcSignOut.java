package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.Protocol;
import io.gatehouse.signin.SignInOutcomes;
import io.gatehouse.signin.SignOutStarter;
import io.gatehouse.signin.SsoSessions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Logout with OpenID providers: RP-initiated (the browser goes to the provider's
 * end_session_endpoint, then back to Gatehouse and on to logout_redirect_url) and front-channel
 * (the provider loads Gatehouse's logout URL with its session id, and those sessions end here).
 */
@RestController
class OidcSignOut implements SignOutStarter {
    private final IdentityProviders registry;
    private final SsoSessions sessions;
    private final SignInOutcomes outcomes;
    private final Clock clock;

    OidcSignOut(IdentityProviders registry, SsoSessions sessions, SignInOutcomes outcomes, Clock clock) {
        this.registry = registry;
        this.sessions = sessions;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @Override
    public Protocol protocol() {
        return Protocol.OIDC;
    }

    @Override
    public Optional<ResponseEntity<String>> signOut(IdentityProvider idp, SsoSessions.SsoSession session, Instant now) {
        OidcSettings oidc = (OidcSettings) idp.settings();
        Optional<String> endSession = oidc.effective().endSession();
        sessions.end(session.id(), now);
        if (endSession.isEmpty()) {
            return Optional.empty();
        }
        String back = registry.baseUrl() + "/sso/" + idp.org().value() + "/" + idp.alias().value() + "/oidc/logged-out";
        String location = endSession.get() + (endSession.get().contains("?") ? "&" : "?") + "client_id="
                + enc(oidc.clientId()) + "&post_logout_redirect_uri=" + enc(back);
        return Optional.of(ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").<String>build());
    }

    /** Where the provider sends the browser after its logout: on to the IdP's logout_redirect_url. */
    @GetMapping("/sso/{org}/{alias}/oidc/logged-out")
    ResponseEntity<String> loggedOut(@PathVariable String org, @PathVariable String alias) {
        return oidcIdp(org, alias).map(outcomes::afterLogout).orElseGet(OidcSignOut::notFound);
    }

    /**
     * OpenID Connect Front-Channel Logout 1.0: loaded by the provider (in a frame) with iss and sid;
     * the sessions that sign-in opened end. Without a sid nothing identifies them, so nothing ends.
     */
    @GetMapping("/sso/{org}/{alias}/oidc/frontchannel-logout")
    ResponseEntity<String> frontChannel(@PathVariable String org, @PathVariable String alias,
                                        @RequestParam(required = false) String iss,
                                        @RequestParam(required = false) String sid) {
        Optional<IdentityProvider> idp = oidcIdp(org, alias);
        if (idp.isEmpty()) {
            return notFound();
        }
        OidcSettings oidc = (OidcSettings) idp.get().settings();
        if (iss != null && !iss.equals(oidc.issuer())) {
            return ResponseEntity.badRequest().header(HttpHeaders.CACHE_CONTROL, "no-store").body("");
        }
        if (sid != null && !sid.isBlank() && sid.length() <= 256) {
            int ended = sessions.endBySessionIndex(idp.get().id(), sid, clock.instant());
            if (ended > 0) {
                outcomes.signedOut(idp.get(), new SsoSessions.SsoSession("", idp.get().org(), idp.get().id(), sid,
                        Optional.empty(), Optional.of(sid), clock.instant()), "sign_out.idp_initiated");
            }
        }
        // rendered in the provider's hidden frame: an empty page it may frame, never cached
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Content-Security-Policy", "default-src 'none'").body("");
    }

    private Optional<IdentityProvider> oidcIdp(String org, String alias) {
        return registry.lookup(org, alias)
                .filter(i -> i.settings() instanceof OidcSettings);
    }

    private static ResponseEntity<String> notFound() {
        return SignInOutcomes.page(HttpStatus.NOT_FOUND, "No such sign-in", "<p>This endpoint is not valid.</p>");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
