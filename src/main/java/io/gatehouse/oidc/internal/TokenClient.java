package io.gatehouse.oidc.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretJWT;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PKITLSClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.SelfSignedTLSClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import io.gatehouse.crypto.Secret;
import io.gatehouse.metadata.FetchException;
import io.gatehouse.metadata.FetchedDocument;
import io.gatehouse.metadata.SafeFetcher;
import io.gatehouse.signin.RejectReason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exchanges an authorization code at the token endpoint: Nimbus writes the request (grant, PKCE
 * verifier, client authentication) and reads the answer; the safe fetcher carries it.
 */
public final class TokenClient {
    private static final int MAX_DESCRIPTION = 200;
    private final SafeFetcher fetcher;

    public TokenClient(SafeFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** How Gatehouse proves it is the client. */
    public sealed interface Credential {
        /** client_secret_basic: HTTP Basic with the client id and secret. */
        record SecretBasic(Secret secret) implements Credential {
        }

        /** client_secret_post: the secret in the form body. */
        record SecretPost(Secret secret) implements Credential {
        }

        /** client_secret_jwt: a JWT assertion MACed (HS256) with the secret. */
        record SecretJwt(Secret secret) implements Credential {
        }

        /** private_key_jwt: a JWT assertion signed with Gatehouse's key for this provider. */
        record PrivateKeyJwt(PrivateKey key, String keyId) implements Credential {
            @Override
            public String toString() {
                return "PrivateKeyJwt[keyId=" + keyId + ", key redacted]";
            }
        }

        /** tls_client_auth or self_signed_tls_client_auth: the client certificate in the TLS handshake. */
        record MutualTls(boolean selfSigned, SafeFetcher.ClientTls tls) implements Credential {
        }

        /** none: a public client, identified by its client_id and protected by PKCE. */
        record PublicClient() implements Credential {
        }
    }

    /** What the token endpoint gave. */
    public record Tokens(String accessToken, Optional<String> idToken) {
        @Override
        public String toString() {
            return "Tokens[redacted]";
        }
    }

    public Outcome<Tokens> exchange(URI endpoint, String clientId, Credential credential, String code,
                                    URI redirectUri, Optional<String> codeVerifier) {
        ClientID client = new ClientID(clientId);
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri,
                codeVerifier.map(CodeVerifier::new).orElse(null));
        TokenRequest request;
        try {
            ClientAuthentication auth = authentication(credential, client, endpoint);
            request = auth == null ? new TokenRequest(endpoint, client, grant) : new TokenRequest(endpoint, auth, grant);
        } catch (JOSEException e) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED,
                    "the client assertion could not be signed (" + e.getClass().getSimpleName() + ")");
        }
        HTTPRequest http = request.toHTTPRequest();
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> given = http.getHeaderMap();
        given.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !values.isEmpty()) {
                headers.put(name, values.getFirst());
            }
        });
        Optional<SafeFetcher.ClientTls> tls = credential instanceof Credential.MutualTls m ? Optional.of(m.tls())
                : Optional.empty();
        FetchedDocument answer;
        try {
            answer = fetcher.post(endpoint, "application/json", headers, "application/x-www-form-urlencoded",
                    http.getBody().getBytes(StandardCharsets.UTF_8), tls);
        } catch (FetchException e) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, "the token endpoint could not be reached: "
                    + e.reason().code() + " (" + e.getMessage() + ")");
        }
        HTTPResponse response = new HTTPResponse(answer.status());
        try {
            if (answer.contentType() != null) {
                response.setContentType(answer.contentType());
            }
        } catch (ParseException e) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, "the token endpoint answered HTTP "
                    + answer.status() + " with an invalid content type");
        }
        response.setBody(new String(answer.body(), StandardCharsets.UTF_8));
        TokenResponse parsed;
        try {
            parsed = OIDCTokenResponseParser.parse(response);
        } catch (ParseException e) {
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, "the token endpoint answered HTTP "
                    + answer.status() + " with something that is not a token response");
        }
        if (parsed instanceof TokenErrorResponse error) {
            String errorCode = error.getErrorObject() == null || error.getErrorObject().getCode() == null ? "unknown"
                    : error.getErrorObject().getCode();
            String description = error.getErrorObject() == null ? null : error.getErrorObject().getDescription();
            return Outcome.refused(RejectReason.OIDC_TOKEN_REQUEST_FAILED, "the token endpoint answered HTTP "
                    + answer.status() + " " + printable(errorCode)
                    + (description == null ? "" : ": " + printable(description)));
        }
        AccessToken accessToken = parsed.toSuccessResponse().getTokens().getAccessToken();
        Optional<String> idToken = parsed instanceof OIDCTokenResponse oidc
                ? Optional.ofNullable(oidc.getOIDCTokens().getIDTokenString()) : Optional.empty();
        return Outcome.passed(new Tokens(accessToken.getValue(), idToken));
    }

    private static ClientAuthentication authentication(Credential credential, ClientID client, URI endpoint)
            throws JOSEException {
        return switch (credential) {
            case Credential.SecretBasic s -> new ClientSecretBasic(client, nimbus(s.secret()));
            case Credential.SecretPost s -> new ClientSecretPost(client, nimbus(s.secret()));
            case Credential.SecretJwt s -> new ClientSecretJWT(client, endpoint, JWSAlgorithm.HS256, nimbus(s.secret()));
            case Credential.PrivateKeyJwt k -> new PrivateKeyJWT(client, endpoint,
                    k.key() instanceof ECPrivateKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256, k.key(), k.keyId(), null);
            case Credential.MutualTls m -> m.selfSigned()
                    ? new SelfSignedTLSClientAuthentication(client, m.tls().certificate())
                    : new PKITLSClientAuthentication(client, m.tls().certificate());
            case Credential.PublicClient p -> null;
        };
    }

    private static com.nimbusds.oauth2.sdk.auth.Secret nimbus(Secret secret) {
        return new com.nimbusds.oauth2.sdk.auth.Secret(secret.value());
    }

    /** An IdP's error text as one short printable line for the event. */
    static String printable(String text) {
        String s = text.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > MAX_DESCRIPTION ? s.substring(0, MAX_DESCRIPTION) + "..." : s;
    }
}
