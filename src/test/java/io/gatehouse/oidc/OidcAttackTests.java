package io.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.signin.RejectReason;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.TestOpenIdProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Attacks on the relying party, one per test, each with its passing twin: the same setup without
 * the attack signs the user in, so every refusal is for the attack and nothing else.
 */
@OnH2
class OidcAttackTests extends OidcTestSupport {
    @Autowired
    JdbcClient jdbc;

    @Test
    void anUnsignedIdTokenIsRefused() {
        register("ac", "client_secret_basic");
        op.idTokenAlg("none");
        assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_ALG_REFUSED);
        op.idTokenAlg("RS256");
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anHs256TokenMacedWithTheRsaPublicKeyIsRefused() {
        register("ac", "client_secret_basic");
        op.idTokenAlg("HS256-rsa-public");
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_ALG_REFUSED);
        assertThat(event.at("/details/detail").asString()).contains("HS256", "RS256");
        // even where HS256 is configured, only the client secret verifies
        register("hs", "client_secret_basic", "{\"id_token_signed_response_alg\": \"HS256\"}");
        assertRefused(signIn("hs"), RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID);
        op.idTokenAlg("HS256");
        assertSignedIn(signIn("hs"));
    }

    @Test
    void aTokenSignedWithAnUnknownKeyMakesOneRefetchThenIsRefused() {
        register("ac", "client_secret_basic");
        RSAKey attacker = TestOpenIdProvider.attackerKey();
        op.signWith(attacker);
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
        assertThat(event.at("/details/detail").asString()).contains("fetched again");
        assertThat(op.jwksRequests()).isEqualTo(2);
        // a flood of forged tokens does not make Gatehouse hammer the provider
        assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
        assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
        assertThat(op.jwksRequests()).isEqualTo(2);
    }

    @Test
    void aRotatedProviderKeyIsFoundByOneRefetch() {
        register("ac", "client_secret_basic");
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(1);
        op.rotateRsaKey();
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(2);
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(2);
    }

    @Test
    void keysNamedByJkuX5uOrJwkHeadersAreNeverUsed() throws Exception {
        RSAKey attacker = TestOpenIdProvider.attackerKey();
        AtomicInteger attackerFetches = new AtomicInteger();
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", ex -> {
            attackerFetches.incrementAndGet();
            byte[] body = new JWKSet(attacker.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        evil.start();
        try {
            URI evilJwks = URI.create("http://127.0.0.1:" + evil.getAddress().getPort() + "/jwks");
            register("ac", "client_secret_basic");
            op.header(h -> h.jwkURL(evilJwks).x509CertURL(evilJwks).jwk(attacker.toPublicJWK()));
            op.signWith(attacker);
            assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
            assertThat(attackerFetches).hasValue(0);
            // the twin: the same headers on a token the provider really signed are harmless
            op.signWith(op.rsaKey());
            assertSignedIn(signIn("ac"));
            assertThat(attackerFetches).hasValue(0);
        } finally {
            evil.stop(0);
        }
    }

    @Test
    void aTokenSignedWithAnotherKeyUnderTheProvidersKidIsRefused() {
        register("ac", "client_secret_basic");
        String kid = op.rsaKey().getKeyID();
        op.signWith(TestOpenIdProvider.attackerKey()).header(h -> h.keyID(kid));
        assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_SIGNATURE_INVALID);
        op.signWith(op.rsaKey());
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anotherIssuerIsRefused() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.issuer(op.issuer() + "/"));
        assertRefused(signIn("ac"), RejectReason.OIDC_ISS_MISMATCH);
        op.claims(c -> c.issuer(op.issuer()));
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anotherAudienceIsRefused() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.audience("another-client"));
        assertRefused(signIn("ac"), RejectReason.OIDC_AUDIENCE_MISMATCH);
        op.claims(c -> c.audience("client-ac"));
        assertSignedIn(signIn("ac"));
    }

    @Test
    void severalAudiencesNeedThisClientAsAuthorizedParty() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.audience(List.of("client-ac", "another-client")));
        assertRefused(signIn("ac"), RejectReason.OIDC_AZP_MISMATCH);
        op.claims(c -> c.audience(List.of("client-ac", "another-client")).claim("azp", "another-client"));
        assertRefused(signIn("ac"), RejectReason.OIDC_AZP_MISMATCH);
        op.claims(c -> c.audience(List.of("client-ac", "another-client")).claim("azp", "client-ac"));
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anExpiredTokenIsRefusedBeyondTheClockSkew() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120))));
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_EXPIRED);
        assertThat(event.at("/details/detail").asString()).contains("clock skew allowed: 60 s");
        op.claims(c -> c.issueTime(Date.from(Instant.now().plusSeconds(600))));
        assertRefused(signIn("ac"), RejectReason.OIDC_NOT_YET_VALID);
        // within the 60 s skew
        op.claims(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(30))));
        assertSignedIn(signIn("ac"));
    }

    @Test
    void aMissingWrongOrReplayedNonceIsRefused() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.claim("nonce", null));
        assertRefused(signIn("ac"), RejectReason.OIDC_NONCE_MISMATCH);
        op.claims(c -> c.claim("nonce", "made-up"));
        assertRefused(signIn("ac"), RejectReason.OIDC_NONCE_MISMATCH);
        op.claims(c -> c);
        Authorization first = authorize("ac");
        assertSignedIn(callback(first.callback()));
        // an ID token of a finished sign-in, replayed into a new one
        String oldNonce = first.request().get("nonce");
        op.claims(c -> c.claim("nonce", oldNonce));
        assertRefused(signIn("ac"), RejectReason.OIDC_NONCE_MISMATCH);
    }

    @Test
    void aCodeFromAnotherTransactionDoesNotFinishThisOne() {
        register("ac", "client_secret_basic");
        Authorization mine = authorize("ac");
        Authorization other = authorize("ac");
        // the other transaction's code under my state: PKCE stops it at the provider
        JsonNode event = assertRefused(callback(mine.with("code", other.callbackParams().get("code"))),
                RejectReason.OIDC_TOKEN_REQUEST_FAILED);
        assertThat(event.at("/details/detail").asString()).contains("code_verifier does not match");
        // my state is spent now, and a callback without state finishes nothing
        assertRefused(callback(mine.callback()), RejectReason.OIDC_STATE_UNKNOWN);
        assertRefused(callback(other.without("state")), RejectReason.OIDC_STATE_UNKNOWN);

        // without PKCE, the nonce catches the same swap
        register("np", "client_secret_basic", "{\"pkce\": \"disabled\"}");
        Authorization mineNp = authorize("np");
        Authorization otherNp = authorize("np");
        assertRefused(callback(mineNp.with("code", otherNp.callbackParams().get("code"))),
                RejectReason.OIDC_NONCE_MISMATCH);
        assertSignedIn(signIn("np"));
    }

    @Test
    void aStateOfAnotherIdentityProviderIsRefused() {
        register("two", "client_secret_basic");
        register("one", "client_secret_basic");
        Authorization a = authorize("one");
        String atTwo = a.callback().replace("/one/oidc/callback", "/two/oidc/callback");
        assertRefused(callback(atTwo), RejectReason.OIDC_STATE_MISMATCH);
        assertThat(op.tokenRequests()).isZero();
        assertSignedIn(signIn("one"));
    }

    @Test
    void anInjectedCodeFailsPkceAtTheTokenEndpoint() {
        register("ac", "client_secret_basic");
        Authorization victim = authorize("ac");
        // the attacker's code was issued against the attacker's own challenge
        String attackerChallenge = CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier()).getValue();
        String injected = op.issueCode(victim.request().get("redirect_uri"),
                Optional.of(victim.request().get("nonce")), Optional.of(attackerChallenge));
        JsonNode event = assertRefused(callback(victim.with("code", injected)), RejectReason.OIDC_TOKEN_REQUEST_FAILED);
        assertThat(event.at("/details/detail").asString()).contains("invalid_grant", "code_verifier does not match");
        assertSignedIn(signIn("ac"));
    }

    @Test
    void aMissingPkceVerifierIsRefusedByTheProviderAndReported() {
        register("ac", "client_secret_basic");
        Authorization a = authorize("ac");
        // a node that lost the verifier: the provider must refuse the code without it
        jdbc.sql("update signin_attempts set code_verifier = null where id = ?").param(a.request().get("state")).update();
        JsonNode event = assertRefused(callback(a.callback()), RejectReason.OIDC_TOKEN_REQUEST_FAILED);
        assertThat(event.at("/details/detail").asString()).contains("invalid_grant", "code_verifier required");
        assertThat(op.tokenForms().getLast()).doesNotContainKey("code_verifier");
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anAnswerNamingAnotherIssuerIsRefusedBeforeTheCodeIsSent() {
        register("ac", "client_secret_basic");
        op.issParameter("https://attacker-op.example");
        assertRefused(signIn("ac"), RejectReason.OIDC_ISS_MISMATCH);
        op.sendIss(false);
        assertRefused(signIn("ac"), RejectReason.OIDC_ISS_MISSING);
        assertThat(op.tokenRequests()).isZero();
        op.sendIss(true).issParameter(op.issuer());
        assertSignedIn(signIn("ac"));
    }

    @Test
    void withoutRfc9207AnAnswerWithoutIssIsAccepted() {
        op.announceIss(false).sendIss(false);
        register("ac", "client_secret_basic");
        assertSignedIn(signIn("ac"));
    }

    @Test
    void userinfoAboutAnotherSubjectIsRefused() {
        register("ac", "client_secret_basic", "{\"fetch_userinfo\": true}");
        op.userinfoSubject("someone-else");
        assertRefused(signIn("ac"), RejectReason.OIDC_USERINFO_SUBJECT_MISMATCH);
        op.userinfoSubject(TestOpenIdProvider.SUBJECT);
        assertSignedIn(signIn("ac"));
    }

    @Test
    void userinfoAboutAnotherSubjectIsRefusedWhenReadForAProfileTheIdTokenLacks() {
        register("ac", "client_secret_basic");
        op.profileInUserinfoOnly(true).userinfoSubject("someone-else");
        assertRefused(signIn("ac"), RejectReason.OIDC_USERINFO_SUBJECT_MISMATCH);
    }

    @Test
    void aReplayedCodeIsRefusedByTheProviderAndReported() {
        register("ac", "client_secret_basic");
        Authorization first = authorize("ac");
        assertSignedIn(callback(first.callback()));
        Authorization second = authorize("ac");
        JsonNode event = assertRefused(callback(second.with("code", first.callbackParams().get("code"))),
                RejectReason.OIDC_TOKEN_REQUEST_FAILED);
        assertThat(event.at("/details/detail").asString()).contains("invalid_grant");
        assertThat(op.tokenRefusals()).contains("invalid_grant: code already used");
    }

    @Test
    void aSwappedAccessTokenFailsTheAtHash() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.claim("at_hash", "x6ydYvm2yu2Ld1JAnGmpnA"));
        assertRefused(signIn("ac"), RejectReason.OIDC_AT_HASH_MISMATCH);
        op.claims(c -> c);
        assertSignedIn(signIn("ac"));
    }

    /** A JWKS entry a provider got wrong: an RSA key without its exponent, under the kid it names. */
    private static Map<String, Object> withoutExponent(Map<String, Object> entry) {
        Map<String, Object> broken = new LinkedHashMap<>(entry);
        broken.remove("e");
        return broken;
    }

    @Test
    void jwksEntriesThatCannotBeReadAreSkippedAndTheOthersStillVerify() {
        RSAKey unreadable = TestOpenIdProvider.attackerKey();
        op.jwksEntries(entries -> {
            List<Map<String, Object>> served = new ArrayList<>(entries);
            served.add(withoutExponent(unreadable.toPublicJWK().toJSONObject()));
            served.add(Map.of("kty", "EC", "kid", "off-curve", "crv", "P-256", "x", "AQAB", "y", "AQAB"));
            served.add(Map.of("kty", "post-quantum", "kid", "future", "k", "AQAB"));
            return served;
        });
        register("ac", "client_secret_basic");
        // the provider's good key still signs the user in: before, one bad entry made the whole set unreadable
        assertSignedIn(signIn("ac"));
        // a token naming the unreadable entry's kid is not verified with anything else
        op.signWith(unreadable);
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
        assertThat(event.at("/details/detail").asString())
                .contains(unreadable.getKeyID(), "publishes an entry with this kid that cannot be read");
        op.signWith(op.rsaKey());
        assertSignedIn(signIn("ac"));
    }

    @Test
    void aRefetchThatFailsKeepsTheLastGoodKeys() {
        register("ac", "client_secret_basic");
        assertSignedIn(signIn("ac"));
        // the key endpoint breaks; a token with an unknown key makes the one allowed refetch, which fails
        op.jwksStatus(500).signWith(TestOpenIdProvider.attackerKey());
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_KEY_UNKNOWN);
        assertThat(event.at("/details/detail").asString()).contains("fetched again", "could not be fetched anew",
                "are in use");
        assertThat(op.jwksRequests()).isEqualTo(2);
        // the keys fetched before still sign the provider's own tokens in
        op.signWith(op.rsaKey());
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(2);
    }

    @Test
    void aKeyWhoseEntryTurnsUnreadableStaysWhileItsKidIsPublished() {
        register("ac", "client_secret_basic");
        assertSignedIn(signIn("ac"));
        String firstKid = op.rsaKey().getKeyID();
        // the provider adds a key and, in the same change, publishes the first one broken under its kid
        RSAKey next = TestOpenIdProvider.attackerKey();
        op.publish(next).jwksEntries(entries -> entries.stream()
                .map(e -> firstKid.equals(e.get("kid")) ? withoutExponent(e) : e).toList());
        op.signWith(next);
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(2);
        // tokens signed with the first key still verify with the key read from its entry before
        op.signWith(op.rsaKey());
        assertSignedIn(signIn("ac"));
        assertThat(op.jwksRequests()).isEqualTo(2);
    }

    @Test
    void anIdTokenLargerThan64KibIsRefusedBeforeItIsParsed() {
        register("ac", "client_secret_basic");
        op.claims(c -> c.claim("padding", "x".repeat(66 * 1024)));
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ID_TOKEN_TOO_LARGE);
        assertThat(event.at("/details/detail").asString()).contains("at most 65536");
        // refused before its signature was looked at: the provider's keys were never fetched
        assertThat(op.jwksRequests()).isZero();
        // the twin: a large token under the limit is read and signs in
        op.claims(c -> c.claim("padding", "x".repeat(40 * 1024)));
        assertSignedIn(signIn("ac"));
    }

    @Test
    void anIdTokenIssuedBeforeTheSignInStartedIsRefused() {
        register("ac", "client_secret_basic");
        // a week-old token with an exp still in the future
        op.claims(c -> c.issueTime(Date.from(Instant.now().minus(Duration.ofDays(7))))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))));
        JsonNode event = assertRefused(signIn("ac"), RejectReason.OIDC_ISSUED_BEFORE_SIGN_IN);
        assertThat(event.at("/details/detail").asString()).contains("before this sign-in started");
        op.claims(c -> c.issueTime(Date.from(Instant.now().minusSeconds(120))));
        assertRefused(signIn("ac"), RejectReason.OIDC_ISSUED_BEFORE_SIGN_IN);
        // within the 60 s skew of the sign-in's start
        op.claims(c -> c.issueTime(Date.from(Instant.now().minusSeconds(30))));
        assertSignedIn(signIn("ac"));
    }
}
