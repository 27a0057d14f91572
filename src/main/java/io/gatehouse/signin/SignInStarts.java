package io.gatehouse.signin;

import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.Protocol;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** Starts a sign-in at an identity provider with the starter of its protocol. */
@Component
public class SignInStarts {
    private final Map<Protocol, SignInStarter> starters = new EnumMap<>(Protocol.class);
    private final SignInOutcomes outcomes;

    SignInStarts(List<SignInStarter> starters, SignInOutcomes outcomes) {
        starters.forEach(s -> this.starters.put(s.protocol(), s));
        this.outcomes = outcomes;
    }

    /** Starts there, unless the provider needs a secret that cannot be opened: then 503, with the reason. */
    public ResponseEntity<String> start(IdentityProvider idp, LoginRequest login, Instant now) {
        return Optional.ofNullable(starters.get(idp.settings().protocol()))
                .map(s -> s.unavailableSecret(idp)
                        .map(lost -> outcomes.failed(idp.org(), Optional.of(idp), idp.alias().value(), lost,
                                HttpStatus.SERVICE_UNAVAILABLE))
                        .orElseGet(() -> s.start(idp, login, now)))
                .orElseGet(() -> SignInOutcomes.page(HttpStatus.NOT_IMPLEMENTED, "Sign-in not available",
                        "<p>Sign-in with this kind of identity provider is not available yet.</p>"));
    }
}
