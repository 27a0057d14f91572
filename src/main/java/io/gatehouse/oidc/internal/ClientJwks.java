package io.gatehouse.oidc.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;

/** Gatehouse's own client keys as JWKs: the public half only, with its thumbprint as kid. */
public final class ClientJwks {
    private ClientJwks() {
    }

    /** A public key, as it is stored and published: the JWK JSON and its kid (RFC 7638 thumbprint). */
    public record PublicJwk(String kid, String json) {
    }

    public static PublicJwk publicJwk(RSAPublicKey key) {
        try {
            RSAKey jwk = new RSAKey.Builder(key).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint().build();
            return new PublicJwk(jwk.getKeyID(), jwk.toPublicJWK().toJSONString());
        } catch (JOSEException e) {
            throw new IllegalStateException("the thumbprint of a generated key could not be computed", e);
        }
    }

    /** The published set: {"keys": [...]}, public parts only, whatever was stored. */
    public static String jwkSet(List<String> publicJwks) {
        List<JWK> keys = new ArrayList<>();
        for (String json : publicJwks) {
            try {
                keys.add(JWK.parse(json).toPublicJWK());
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("a stored client JWK does not parse", e);
            }
        }
        return new JWKSet(keys).toString(true);
    }
}
