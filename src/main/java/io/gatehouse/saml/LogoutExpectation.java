package io.gatehouse.saml;

import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What an identity provider's logout message must match: who we are, whom we trust, and when. */
public record LogoutExpectation(String spEntityId, String sloUrl, Optional<String> idpEntityId, CertificateTrust trust,
                                boolean allowSha1, int clockSkewSeconds, Instant now) {
    public LogoutExpectation {
        Objects.requireNonNull(spEntityId, "spEntityId");
        Objects.requireNonNull(sloUrl, "sloUrl");
        Objects.requireNonNull(idpEntityId, "idpEntityId");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(now, "now");
        SamlExpectation.requireClockSkew(clockSkewSeconds);
    }

    /** The expectation for a registered identity provider's logout messages at our SLO endpoint. */
    public static LogoutExpectation of(SamlSettings settings, String spEntityId, String sloUrl, Instant now) {
        return new LogoutExpectation(spEntityId, sloUrl, settings.resolved().entityId(), settings.resolved().trust(),
                settings.options().allowSha1(), settings.options().clockSkewSeconds(), now);
    }
}
