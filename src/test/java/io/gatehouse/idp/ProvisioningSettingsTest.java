package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.ProblemException;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.ApiClient;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The provisioning settings: read, stored, and read back from JSON stored before a field existed. */
class ProvisioningSettingsTest {
    private final IdentityProviderReader reader = new IdentityProviderReader(false);

    private static ObjectNode body(String provisioning) {
        return ApiClient.parse("""
                {"alias": "x1", "display_name": "X", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_id": "c", "client_secret": "s",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"},
                 "provisioning": %s}""".formatted(provisioning));
    }

    @Test
    void anyEmailDomainIsOffUnlessAsked() {
        assertThat(reader.read(body("{}"), Instant.now()).provisioning().allowAnyEmailDomain()).isFalse();
        assertThat(Provisioning.DEFAULT.allowAnyEmailDomain()).isFalse();
        Provisioning p = reader.read(body("""
                {"mode": "existing_only", "sync_mode": "force", "role_management": "manual",
                 "default_role": "member", "default_team": "blue", "allow_any_email_domain": true}"""), Instant.now())
                .provisioning();
        assertThat(p).isEqualTo(new Provisioning(Provisioning.Mode.EXISTING_ONLY, Provisioning.SyncMode.FORCE,
                Provisioning.RoleManagement.MANUAL, java.util.Optional.of("member"), java.util.Optional.of("blue"), true));
    }

    @Test
    void aNonBooleanFlagIsRefused() {
        assertThatThrownBy(() -> reader.read(body("{\"allow_any_email_domain\": \"yes\"}"), Instant.now()))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.errors())
                        .anySatisfy(f -> assertThat(f.field() + ":" + f.code())
                                .isEqualTo("provisioning.allow_any_email_domain:type")));
    }

    @Test
    void storedJsonRoundTripsAndOlderJsonStaysReadable() {
        IdpDraft draft = reader.read(body("{\"allow_any_email_domain\": true}"), Instant.now());
        OidcSettings settings = ((IdpDraft.ProtocolDraft.Oidc) draft.protocol()).settings();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        IdentityProvider idp = new IdentityProvider("id-1", new OrgId("acme"), draft.alias(), draft.displayName(),
                Lifecycle.created(ProviderStatus.ACTIVE, t),
                draft.knownProvider(), draft.domains(), settings, draft.mappers(), draft.provisioning(),
                draft.errorUrl(), draft.logoutRedirectUrl(), IdpSecrets.NONE, t, t, 1);
        String stored = IdentityProviderJson.stored(idp);
        assertThat(IdentityProviderJson.fromStored("id-1", idp.org(), stored, idp.lifecycle(), IdpSecrets.NONE, t, t, 1).provisioning()
                .allowAnyEmailDomain()).isTrue();

        ObjectNode older = ApiClient.parse(stored);
        ((ObjectNode) older.get("provisioning")).remove("allow_any_email_domain");
        Provisioning read = IdentityProviderJson.fromStored("id-1", idp.org(), older.toString(), idp.lifecycle(), IdpSecrets.NONE, t,
                t, 1)
                .provisioning();
        assertThat(read.allowAnyEmailDomain()).isFalse();
        assertThat(read.mode()).isEqualTo(Provisioning.Mode.JIT);
    }
}
