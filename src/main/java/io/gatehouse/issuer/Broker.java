package io.gatehouse.issuer;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.signin.BrokeredIdentity;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.signin.SignInAttempt;
import io.gatehouse.signin.SignInCompletion;
import io.gatehouse.signin.SignInFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Completes a sign-in for the application that asked: the user's profile becomes the claims of a
 * one-time code, and the browser goes back to the app's (already validated) redirect URI with the
 * code, the app's state unchanged, and the issuer (RFC 9207).
 */
@Component
class Broker implements SignInCompletion {
    private final Applications applications;
    private final AuthorizationCodes codes;
    private final Issuer issuer;
    private final ProfileSource profiles;

    Broker(Applications applications, AuthorizationCodes codes, Issuer issuer, ProfileSource profiles) {
        this.applications = applications;
        this.codes = codes;
        this.issuer = issuer;
        this.profiles = profiles;
    }

    @Override
    public Completion complete(IdentityProvider idp, BrokeredIdentity identity, Optional<SignInAttempt> attempt,
                               Instant now) {
        Optional<AppRequest> request;
        Optional<Application> app;
        if (attempt.isPresent()) {
            request = attempt.flatMap(SignInAttempt::appContext).flatMap(AppRequest::fromJson);
            app = request.flatMap(r -> applications.find(r.clientId()));
        } else {
            // IdP-initiated (already allowed by the IdP's settings): the IdP's default application, if any
            app = defaultApplication(idp);
            request = app.map(a -> new AppRequest(a.clientId(), a.redirectUris().getFirst(), Optional.empty(),
                    Optional.empty(), Optional.empty(), "openid"));
        }
        if (request.isEmpty()) {
            return new Completion.NoApplication();
        }
        if (app.isEmpty()) {
            return new Completion.Refused(SignInFailure.of(RejectReason.SIGNIN_APPLICATION_UNKNOWN));
        }
        if (!app.get().allows(identity.org())) {
            return new Completion.Refused(SignInFailure.of(RejectReason.SIGNIN_ORGANIZATION_NOT_ALLOWED));
        }
        return switch (profiles.profile(idp, identity, now)) {
            case ProfileSource.Profile.Refused refused -> new Completion.Refused(refused.failure());
            case ProfileSource.Profile.Found found -> {
                String code = codes.issue(request.get(), identity.org(), found.userId(), found.claims().toString(),
                        now, now);
                String location = request.get().redirectUri()
                        + (request.get().redirectUri().contains("?") ? "&" : "?") + "code=" + encode(code)
                        + request.get().state().map(s -> "&state=" + encode(s)).orElse("")
                        + "&iss=" + encode(issuer.url());
                yield new Completion.ToApplication(location, found.userId());
            }
        };
    }

    /** The IdP's default application, for an unsolicited sign-in: it gets a code at its first redirect URI. */
    private Optional<Application> defaultApplication(IdentityProvider idp) {
        return idp.settings() instanceof SamlSettings saml
                ? saml.options().defaultApplication().flatMap(applications::find)
                        .filter(a -> !a.redirectUris().isEmpty())
                : Optional.empty();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
