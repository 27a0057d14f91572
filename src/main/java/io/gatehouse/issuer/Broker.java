package io.gatehouse.issuer;

import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.signin.BrokeredIdentity;
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
    private final IdentityProviders registry;

    Broker(Applications applications, AuthorizationCodes codes, Issuer issuer, ProfileSource profiles,
           IdentityProviders registry) {
        this.registry = registry;
        this.applications = applications;
        this.codes = codes;
        this.issuer = issuer;
        this.profiles = profiles;
    }

    @Override
    public Completion complete(BrokeredIdentity identity, Optional<SignInAttempt> attempt, Instant now) {
        Optional<AppRequest> request = attempt.flatMap(SignInAttempt::appContext).flatMap(AppRequest::fromJson);
        if (attempt.isEmpty()) {
            // IdP-initiated (already allowed by the IdP's settings): the IdP's default application, if any
            request = defaultApplication(identity);
        }
        if (request.isEmpty()) {
            return new Completion.NoApplication();
        }
        Optional<Application> app = applications.find(request.get().clientId());
        if (app.isEmpty()) {
            return new Completion.Refused(SignInFailure.of("signin.application_unknown",
                    "The application that started the sign-in is no longer registered", "Register it again."));
        }
        if (!app.get().allows(identity.org())) {
            return new Completion.Refused(SignInFailure.of("signin.organization_not_allowed",
                    "This application does not accept sign-ins from this organization",
                    "Add the organization to the application's allowed_orgs."));
        }
        return switch (profiles.profile(identity, now)) {
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

    /** An unsolicited sign-in for the IdP's default application: to its first redirect URI, with no state. */
    private Optional<AppRequest> defaultApplication(BrokeredIdentity identity) {
        return registry.lookup(identity.org(), identity.alias())
                .filter(idp -> idp.settings() instanceof SamlSettings)
                .flatMap(idp -> ((SamlSettings) idp.settings()).options().defaultApplication())
                .flatMap(applications::find)
                .filter(app -> !app.redirectUris().isEmpty())
                .map(app -> new AppRequest(app.clientId(), app.redirectUris().getFirst(), Optional.empty(),
                        Optional.empty(), Optional.empty(), "openid"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
