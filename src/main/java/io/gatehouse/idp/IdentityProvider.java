package io.gatehouse.idp;

import io.gatehouse.tenancy.OrgId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A registered identity provider: the registry's aggregate. */
public record IdentityProvider(String id, OrgId org, IdpAlias alias, String displayName, Lifecycle lifecycle,
                               Optional<KnownProvider> knownProvider, List<EmailDomain> domains,
                               ProtocolSettings settings, List<Mapper> mappers, Provisioning provisioning,
                               Optional<String> errorUrl, Optional<String> logoutRedirectUrl,
                               IdpSecrets secrets, Instant createdAt, Instant updatedAt, long version) {
    public IdentityProvider {
        domains = List.copyOf(domains);
        mappers = List.copyOf(mappers);
    }

    public Protocol protocol() {
        return settings.protocol();
    }

    public ProviderStatus status() {
        return lifecycle.status();
    }

    /**
     * Whether it signs people in to applications (routing, authorize, its login URL, IdP-initiated
     * sign-in); what the API's {@code enabled} shows. Any provider runs test sign-ins.
     */
    public boolean active() {
        return lifecycle.active();
    }
}
