package io.gatehouse.idp;

import io.gatehouse.crypto.SealedSecret;
import io.gatehouse.crypto.Secret;
import java.util.Optional;

/**
 * The secrets of one identity provider; stored sealed, never returned by the API. When the stored
 * secrets cannot be opened (their master key is no longer configured), {@code unreadable} holds
 * them as stored: the provider still lists and reads, its sign-ins are refused, and a save writes
 * them back untouched unless they are entered again.
 */
public record IdpSecrets(Optional<Secret> clientSecret, Optional<Secret> decryptionPrivateKey,
                         Optional<Secret> tlsClientPrivateKey, Optional<Unreadable> unreadable) {
    public static final IdpSecrets NONE = new IdpSecrets(Optional.empty(), Optional.empty(), Optional.empty());

    public IdpSecrets(Optional<Secret> clientSecret, Optional<Secret> decryptionPrivateKey,
                      Optional<Secret> tlsClientPrivateKey) {
        this(clientSecret, decryptionPrivateKey, tlsClientPrivateKey, Optional.empty());
    }

    /** Stored secrets that do not open: as stored, and whether their key is configured at all. */
    public record Unreadable(SealedSecret sealed, boolean keyConfigured) {
    }

    static IdpSecrets unreadable(SealedSecret sealed, boolean keyConfigured) {
        return new IdpSecrets(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Unreadable(sealed, keyConfigured)));
    }

    public boolean isEmpty() {
        return clientSecret.isEmpty() && decryptionPrivateKey.isEmpty() && tlsClientPrivateKey.isEmpty()
                && unreadable.isEmpty();
    }

    /** The secrets a provider holds, by their field names in the API. */
    enum Field {
        CLIENT_SECRET("client_secret"),
        DECRYPTION_PRIVATE_KEY("decryption_private_key"),
        CLIENT_PRIVATE_KEY("client_private_key");

        private final String wireName;

        Field(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }
    }

    /**
     * Whether the field is set: stored and readable, or among the unreadable ones. Which fields an
     * unreadable ciphertext holds is known only from the settings that needed them (SAML has one
     * secret; OIDC a client secret for the secret-based methods and HS ID tokens, a private key with
     * a client certificate), which is what the API masks and asks to be entered again.
     */
    boolean isSet(Field field, ProtocolSettings settings) {
        Optional<Secret> readable = switch (field) {
            case CLIENT_SECRET -> clientSecret;
            case DECRYPTION_PRIVATE_KEY -> decryptionPrivateKey;
            case CLIENT_PRIVATE_KEY -> tlsClientPrivateKey;
        };
        if (readable.isPresent()) {
            return true;
        }
        if (unreadable.isEmpty()) {
            return false;
        }
        return switch (settings) {
            case SamlSettings saml -> field == Field.DECRYPTION_PRIVATE_KEY;
            case OidcSettings oidc -> switch (field) {
                case CLIENT_SECRET -> oidc.tokenEndpointAuthMethod().usesClientSecret()
                        || oidc.idTokenSignedResponseAlg().startsWith("HS");
                case CLIENT_PRIVATE_KEY -> oidc.tlsClientCertificate().isPresent()
                        || oidc.tokenEndpointAuthMethod().usesTlsClientCertificate();
                case DECRYPTION_PRIVATE_KEY -> false;
            };
        };
    }

    @Override
    public String toString() {
        return "IdpSecrets[redacted]";
    }
}
