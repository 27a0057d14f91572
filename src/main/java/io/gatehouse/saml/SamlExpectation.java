package io.gatehouse.saml;

import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a SAML Response must match for one sign-in: who we are, whom we trust, the request it answers, when. */
public record SamlExpectation(String spEntityId, String acsUrl, Optional<String> idpEntityId, CertificateTrust trust,
                              boolean wantResponseSigned, boolean wantAssertionsSigned, boolean allowSha1,
                              boolean allowIdpInitiated, int clockSkewSeconds, Optional<String> inResponseTo,
                              List<PrivateKey> decryptionKeys, Instant now) {
    public SamlExpectation {
        Objects.requireNonNull(spEntityId, "spEntityId");
        Objects.requireNonNull(acsUrl, "acsUrl");
        Objects.requireNonNull(idpEntityId, "idpEntityId");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(inResponseTo, "inResponseTo");
        Objects.requireNonNull(now, "now");
        if (clockSkewSeconds < 0 || clockSkewSeconds > SamlSettings.SamlOptions.MAX_CLOCK_SKEW) {
            throw new IllegalArgumentException("clockSkewSeconds must be within 0.."
                    + SamlSettings.SamlOptions.MAX_CLOCK_SKEW);
        }
        decryptionKeys = List.copyOf(decryptionKeys);
    }

    /** The expectation for a sign-in with a registered identity provider. */
    public static SamlExpectation of(SamlSettings settings, String spEntityId, String acsUrl,
                                     Optional<String> inResponseTo, List<PrivateKey> decryptionKeys, Instant now) {
        SamlSettings.SamlOptions options = settings.options();
        return new SamlExpectation(spEntityId, acsUrl, settings.resolved().entityId(), settings.resolved().trust(),
                options.wantResponseSigned(), options.wantAssertionsSigned(), options.allowSha1(),
                options.allowIdpInitiated(), options.clockSkewSeconds(), inResponseTo, decryptionKeys, now);
    }

    @Override
    public String toString() {
        // private keys stay out of logs and exception messages
        return "SamlExpectation[spEntityId=" + spEntityId + ", acsUrl=" + acsUrl + ", idpEntityId=" + idpEntityId
                + ", trust=" + trust.getClass().getSimpleName() + ", wantResponseSigned=" + wantResponseSigned
                + ", wantAssertionsSigned=" + wantAssertionsSigned + ", allowSha1=" + allowSha1
                + ", allowIdpInitiated=" + allowIdpInitiated + ", clockSkewSeconds=" + clockSkewSeconds
                + ", inResponseTo=" + inResponseTo + ", decryptionKeys=" + decryptionKeys.size() + " redacted, now="
                + now + "]";
    }
}
