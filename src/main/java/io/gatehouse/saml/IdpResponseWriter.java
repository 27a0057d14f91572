package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.RandomTokens;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.saml.internal.SamlBindings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity-provider side of SAML, for Gatehouse's own demo IdP and the load harness: a Web SSO
 * Response whose Assertion is signed (enveloped, exclusive c14n, RSA-SHA256), base64-encoded.
 */
public final class IdpResponseWriter {

    private IdpResponseWriter() {
    }

    /** What the assertion says. */
    public record Assertion(String idpEntityId, String spEntityId, String acsUrl, Optional<String> inResponseTo,
                            String nameId, String nameIdFormat, Map<String, List<String>> attributes, Instant now) {
        public Assertion {
            attributes = Map.copyOf(attributes);
        }
    }

    public static String signedResponse(Assertion a, KeyAndCertificate key) {
        return Base64.getEncoder().encodeToString(SamlBindings.serialize(
                io.gatehouse.saml.internal.ResponseXml.signed(a.idpEntityId(), a.spEntityId(), a.acsUrl(),
                        a.inResponseTo(), a.nameId(), a.nameIdFormat(), a.attributes(),
                        a.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofMinutes(5), RandomTokens.samlId(),
                        RandomTokens.samlId(), RandomTokens.samlId(), key,
                        SignatureAlgorithm.RSA_SHA256)));
    }

}
