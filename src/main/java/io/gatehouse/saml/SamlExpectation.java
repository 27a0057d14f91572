package io.gatehouse.saml;

import io.gatehouse.idp.Mapper;
import io.gatehouse.idp.SamlSettings;
import io.gatehouse.idp.SamlSettings.CertificateTrust;
import io.gatehouse.mapping.ProfileMapper;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a SAML Response must match for one sign-in: who we are, whom we trust, the request it answers
 * (empty for an IdP-initiated sign-in), which attributes the profile reads, and when.
 */
public record SamlExpectation(String spEntityId, String acsUrl, Optional<String> idpEntityId, CertificateTrust trust,
                              boolean wantResponseSigned, boolean wantAssertionsSigned, boolean allowSha1,
                              boolean allowIdpInitiated, int clockSkewSeconds, Optional<SentRequest> request,
                              List<PrivateKey> decryptionKeys, ReadAttributes readAttributes, Instant now) {
    /**
     * How long after its IssueInstant an unsolicited message (an IdP-initiated Response, a
     * LogoutRequest, or a LogoutResponse, whose request time is not kept) is still taken, before
     * the clock skew: the browser posts it the moment the IdP issues it, and IdPs' own bearer
     * windows are about this long.
     */
    public static final Duration UNSOLICITED_MAX_AGE = Duration.ofMinutes(5);

    public SamlExpectation {
        Objects.requireNonNull(spEntityId, "spEntityId");
        Objects.requireNonNull(acsUrl, "acsUrl");
        Objects.requireNonNull(idpEntityId, "idpEntityId");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(readAttributes, "readAttributes");
        Objects.requireNonNull(now, "now");
        requireClockSkew(clockSkewSeconds);
        decryptionKeys = List.copyOf(decryptionKeys);
    }

    static void requireClockSkew(int clockSkewSeconds) {
        if (clockSkewSeconds < 0 || clockSkewSeconds > SamlSettings.SamlOptions.MAX_CLOCK_SKEW) {
            throw new IllegalArgumentException("clockSkewSeconds must be within 0.."
                    + SamlSettings.SamlOptions.MAX_CLOCK_SKEW);
        }
    }

    /** The AuthnRequest this sign-in sent: its ID, which the answer must echo, and when it was sent. */
    public record SentRequest(String id, Instant sentAt) {
        public SentRequest {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sentAt, "sentAt");
        }
    }

    /**
     * The attribute names (compared without case) of which the profile takes a single value, so that
     * a repetition would be ambiguous, and those that give the email, whose value must be exact.
     */
    public record ReadAttributes(Set<String> singleValued, Set<String> email) {
        public ReadAttributes {
            singleValued = lowerCase(singleValued);
            email = lowerCase(email);
        }

        /** What the profile of a provider with these mappers reads (the defaults alone for none). */
        public static ReadAttributes of(List<Mapper> mappers) {
            return new ReadAttributes(ProfileMapper.singleValueSources(mappers), ProfileMapper.emailSources(mappers));
        }

        private static Set<String> lowerCase(Set<String> names) {
            return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** The ID the answer must carry in InResponseTo; empty for an IdP-initiated sign-in. */
    public Optional<String> inResponseTo() {
        return request.map(SentRequest::id);
    }

    /** The expectation for a sign-in with a registered identity provider. */
    public static SamlExpectation of(SamlSettings settings, List<Mapper> mappers, String spEntityId, String acsUrl,
                                     Optional<SentRequest> request, List<PrivateKey> decryptionKeys, Instant now) {
        SamlSettings.SamlOptions options = settings.options();
        return new SamlExpectation(spEntityId, acsUrl, settings.resolved().entityId(), settings.resolved().trust(),
                options.wantResponseSigned(), options.wantAssertionsSigned(), options.allowSha1(),
                options.allowIdpInitiated(), options.clockSkewSeconds(), request, decryptionKeys,
                ReadAttributes.of(mappers), now);
    }

    @Override
    public String toString() {
        // private keys stay out of logs and exception messages
        return "SamlExpectation[spEntityId=" + spEntityId + ", acsUrl=" + acsUrl + ", idpEntityId=" + idpEntityId
                + ", trust=" + trust.getClass().getSimpleName() + ", wantResponseSigned=" + wantResponseSigned
                + ", wantAssertionsSigned=" + wantAssertionsSigned + ", allowSha1=" + allowSha1
                + ", allowIdpInitiated=" + allowIdpInitiated + ", clockSkewSeconds=" + clockSkewSeconds
                + ", request=" + request + ", decryptionKeys=" + decryptionKeys.size() + " redacted, now="
                + now + "]";
    }
}
