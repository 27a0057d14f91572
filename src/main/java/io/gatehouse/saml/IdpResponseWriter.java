package io.gatehouse.saml;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.saml.SignatureAlgorithm;
import io.gatehouse.saml.internal.SamlBindings;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity-provider side of SAML, for Gatehouse's own demo IdP and the load harness: a Web SSO
 * Response whose Assertion is signed (enveloped, exclusive c14n, RSA-SHA256), base64-encoded.
 */
public final class IdpResponseWriter {
    private static final SecureRandom RANDOM = new SecureRandom();

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
                        a.now().truncatedTo(ChronoUnit.SECONDS), Duration.ofMinutes(5), id(), id(), id(), key,
                        SignatureAlgorithm.RSA_SHA256)));
    }

    private static String id() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return "_" + HexFormat.of().formatHex(b);
    }
}
