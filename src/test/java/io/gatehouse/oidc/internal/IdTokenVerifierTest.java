package io.gatehouse.oidc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.crypto.Secret;
import io.gatehouse.metadata.FetchPolicy;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.TestOpenIdProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ID token policy where no test provider can stand in: Entra ID tenant templates, hosted domains, weak MAC keys. */
class IdTokenVerifierTest {
    private static final String TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0";
    private static final String TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
    private final TestOpenIdProvider op = new TestOpenIdProvider();
    private final IdTokenVerifier verifier = new IdTokenVerifier(new JwksCache(
            new SafeFetcher(FetchPolicy.defaults(true)), Clock.systemUTC()));

    @AfterEach
    void stop() {
        op.close();
    }

    private String token(UnaryOperator<JWTClaimsSet.Builder> tweak) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = tweak.apply(new JWTClaimsSet.Builder().subject("user-1").audience("client")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(op.rsaKey().getKeyID()).build(),
                claims);
        jwt.sign(new RSASSASigner(op.rsaKey()));
        return jwt.serialize();
    }

    private IdTokenVerifier.Expectation expect(String issuer, Optional<String> tenant, Optional<String> hd) {
        return new IdTokenVerifier.Expectation(issuer, tenant, "client", "RS256", Optional.empty(),
                Optional.of(URI.create(op.jwksUri())), Optional.empty(), Optional.empty(), hd, Instant.now(),
                Instant.now().minusSeconds(5), Duration.ofSeconds(60));
    }

    private static Object reason(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.Passed<?> p -> "passed";
            case Outcome.Refused<?> r -> r.reason();
        };
    }

    @Test
    void aMultiTenantIssuerIsResolvedWithTheTokensTenant() throws Exception {
        String good = token(c -> c.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0").claim("tid", TENANT));
        Outcome<IdTokenVerifier.VerifiedIdToken> passed = verifier.verify(good, expect(TEMPLATE, Optional.empty(),
                Optional.empty()));
        assertThat(reason(passed)).isEqualTo("passed");
        assertThat(((Outcome.Passed<IdTokenVerifier.VerifiedIdToken>) passed).value().issuer())
                .isEqualTo("https://login.microsoftonline.com/" + TENANT + "/v2.0");

        String otherIssuer = token(c -> c.issuer("https://login.microsoftonline.com/other/v2.0").claim("tid", TENANT));
        assertThat(reason(verifier.verify(otherIssuer, expect(TEMPLATE, Optional.empty(), Optional.empty()))))
                .isEqualTo(RejectReason.OIDC_ISS_MISMATCH);
        String noTid = token(c -> c.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0"));
        assertThat(reason(verifier.verify(noTid, expect(TEMPLATE, Optional.empty(), Optional.empty()))))
                .isEqualTo(RejectReason.OIDC_ISS_MISMATCH);
        String injected = token(c -> c.issuer("https://login.microsoftonline.com/a/b/v2.0").claim("tid", "a/b"));
        assertThat(reason(verifier.verify(injected, expect(TEMPLATE, Optional.empty(), Optional.empty()))))
                .isEqualTo(RejectReason.OIDC_ISS_MISMATCH);
    }

    @Test
    void aConfiguredTenantKeepsOtherTenantsOut() throws Exception {
        String other = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        String fromOther = token(c -> c.issuer("https://login.microsoftonline.com/" + other + "/v2.0").claim("tid", other));
        assertThat(reason(verifier.verify(fromOther, expect(TEMPLATE, Optional.of(TENANT), Optional.empty()))))
                .isEqualTo(RejectReason.OIDC_TENANT_MISMATCH);
        String fromMine = token(c -> c.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0").claim("tid", TENANT));
        assertThat(reason(verifier.verify(fromMine, expect(TEMPLATE, Optional.of(TENANT.toUpperCase()), Optional.empty()))))
                .isEqualTo("passed");
    }

    @Test
    void theCallbackIssuerMatchesATemplateOnlyWithOneTenantSegment() {
        assertThat(IdTokenVerifier.issuerMatches(TEMPLATE, "https://login.microsoftonline.com/" + TENANT + "/v2.0")).isTrue();
        assertThat(IdTokenVerifier.issuerMatches(TEMPLATE, "https://login.microsoftonline.com/a/b/v2.0")).isFalse();
        assertThat(IdTokenVerifier.issuerMatches(TEMPLATE, "https://login.microsoftonline.com//v2.0")).isFalse();
        assertThat(IdTokenVerifier.issuerMatches("https://idp.example", "https://idp.example/")).isFalse();
    }

    @Test
    void aHostedDomainMustBeNamedByTheToken() throws Exception {
        String without = token(c -> c.issuer("https://accounts.google.com"));
        assertThat(reason(verifier.verify(without, expect("https://accounts.google.com", Optional.empty(),
                Optional.of("acme.example"))))).isEqualTo(RejectReason.OIDC_HOSTED_DOMAIN_MISMATCH);
        String with = token(c -> c.issuer("https://accounts.google.com").claim("hd", "acme.example"));
        assertThat(reason(verifier.verify(with, expect("https://accounts.google.com", Optional.empty(),
                Optional.of("acme.example"))))).isEqualTo("passed");
    }

    @Test
    void aClientSecretTooShortForTheMacIsARefusalNotACrash() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("https://i")
                .subject("s").audience("client").issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .build());
        jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef"));
        IdTokenVerifier.Expectation shortSecret = new IdTokenVerifier.Expectation("https://i", Optional.empty(), "client",
                "HS256", Optional.of(new Secret("short")), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Instant.now(), Instant.now().minusSeconds(5), Duration.ofSeconds(60));
        assertThat(reason(verifier.verify(jwt.serialize(), shortSecret)))
                .isEqualTo(RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID);
        assertThat(reason(verifier.verify("not-a-jwt", shortSecret))).isEqualTo(RejectReason.OIDC_ID_TOKEN_MALFORMED);
    }
}
