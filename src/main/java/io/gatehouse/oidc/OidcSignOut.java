package io.gatehouse.oidc;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.KnownProvider;
import io.gatehouse.idp.OidcProvider;
import io.gatehouse.idp.OidcSettings;
import io.gatehouse.idp.ProviderDirectory;
import io.gatehouse.oidc.internal.IdTokenVerifier;
import io.gatehouse.pages.MessagePage;
import io.gatehouse.pages.Pages;
import io.gatehouse.pages.Text;
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
class OidcSignOut implements SignOutStarter<OidcProvider> {
    /** Longer sids are not stored with a session, so cannot name one. */
    private static final int MAX_SID = 256;
    private final ProviderDirectory directory;
    private final SsoSessions sessions;
    private final SignInOutcomes outcomes;
    private final Clock clock;
    private final Pages pages;

    OidcSignOut(ProviderDirectory directory, SsoSessions sessions, SignInOutcomes outcomes, Clock clock, Pages pages) {
        this.pages = pages;
        this.directory = directory;
        this.sessions = sessions;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    @Override
    public Optional<ResponseEntity<String>> signOut(OidcProvider provider, SsoSessions.SsoSession session, Instant now) {
        IdentityProvider idp = provider.idp();
        OidcSettings oidc = provider.oidc();
        Optional<String> endSession = oidc.effective().endSession();
        sessions.end(session.id(), now);
        if (endSession.isEmpty()) {
            return Optional.empty();
        }
        String back = directory.endpoints(idp).oidcPostLogoutRedirectUri();
        String location = endSession.get() + (endSession.get().contains("?") ? "&" : "?") + "client_id="
                + enc(oidc.clientId()) + "&post_logout_redirect_uri=" + enc(back);
        return Optional.of(ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, location)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").<String>build());
    }

    /** Where the provider sends the browser after its logout: on to the IdP's logout_redirect_url. */
    @GetMapping("/sso/{org}/{alias}/oidc/logged-out")
    ResponseEntity<String> loggedOut(@PathVariable String org, @PathVariable String alias) {
        return directory.oidc(org, alias).map(p -> outcomes.afterLogout(p.idp())).orElseGet(this::notFound);
    }

    /**
     * OpenID Connect Front-Channel Logout 1.0, section 2: the provider loads this URL (in a frame) with
     * the iss and sid of an ID token it issued to Gatehouse, and the Gatehouse sessions that token
     * opened end. iss and sid come together, iss must be the provider's; Entra ID, which sends sid
     * alone, is the one exception (the URL already names the provider, and a sid is only looked up
     * among that provider's sessions). Without a sid nothing identifies a session, so nothing ends:
     * a cookie-based logout here would let any page that frames it sign users out.
     */
    @GetMapping("/sso/{org}/{alias}/oidc/frontchannel-logout")
    ResponseEntity<String> frontChannel(@PathVariable String org, @PathVariable String alias,
                                        @RequestParam(required = false) String iss,
                                        @RequestParam(required = false) String sid) {
        Optional<OidcProvider> found = directory.oidc(org, alias);
        if (found.isEmpty()) {
            return notFound();
        }
        IdentityProvider idp = found.get().idp();
        OidcSettings oidc = found.get().oidc();
        boolean issMayBeOmitted = idp.knownProvider().orElse(null) == KnownProvider.ENTRA_ID;
        if ((iss == null && sid != null && !issMayBeOmitted) || (iss != null && sid == null)
                || (iss != null && !IdTokenVerifier.issuerMatches(OidcRelyingParty.expectedIssuer(idp, oidc), iss))
                || (sid != null && (sid.isBlank() || sid.length() > MAX_SID))) {
            // section 2: a request whose iss and sid do not identify a session of this provider is ignored
            return frameable(ResponseEntity.badRequest());
        }
        if (sid != null) {
            Instant now = clock.instant();
            int ended = sessions.endBySessionIndex(idp.id(), sid, now);
            if (ended > 0) {
                outcomes.signedOut(idp, new SsoSessions.SsoSession("", idp.org(), idp.id(), sid,
                        Optional.empty(), Optional.of(sid), now), "sign_out.idp_initiated");
            }
        }
        return frameable(ResponseEntity.ok());
    }

    /**
     * Rendered in the provider's hidden frame: an empty page the provider may frame (no frame-ancestors,
     * no X-Frame-Options), never cached, so that a later logout is not answered from a cache (section 2).
     */
    private static ResponseEntity<String> frameable(ResponseEntity.BodyBuilder response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-cache, no-store").header(HttpHeaders.PRAGMA, "no-cache")
                .header("Content-Security-Policy", "default-src 'none'").body("");
    }

    private ResponseEntity<String> notFound() {
        return pages.render(HttpStatus.NOT_FOUND, MessagePage.of(Text.of("notfound.title"), Text.of("notfound.endpoint")));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
