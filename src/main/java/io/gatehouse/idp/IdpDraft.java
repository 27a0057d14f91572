package io.gatehouse.idp;

import java.util.List;
import java.util.Optional;

/**
 * An identity provider as a request describes it, checked field by field but not yet resolved
 * (metadata not fetched, discovery not run) nor merged with stored secrets. {@code status} and
 * {@code enabled} are as sent (absent when not): the registry decides what they change.
 */
public record IdpDraft(IdpAlias alias, String displayName, Optional<ProviderStatus> status, Optional<Boolean> enabled,
                       Optional<KnownProvider> knownProvider,
                       List<EmailDomain> domains, ProtocolDraft protocol, List<Mapper> mappers,
                       Provisioning provisioning, Optional<String> errorUrl, Optional<String> logoutRedirectUrl) {

    /** The protocol part of a draft. */
    public sealed interface ProtocolDraft {
        /** SAML: the source as given, and the options. */
        record Saml(SamlSettings.SamlSource source, SamlSettings.SamlOptions options,
                    SecretInput decryptionPrivateKey) implements ProtocolDraft {
        }

        /** OIDC: settings without discovery, and the secrets as sent. */
        record Oidc(OidcSettings settings, SecretInput clientSecret, SecretInput tlsClientPrivateKey)
                implements ProtocolDraft {
        }
    }
}
