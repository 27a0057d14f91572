package io.gatehouse.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.idp.Mapper;
import io.gatehouse.idp.Provisioning;
import io.gatehouse.idp.Provisioning.Mode;
import io.gatehouse.idp.Provisioning.RoleManagement;
import io.gatehouse.idp.Provisioning.SyncMode;
import io.gatehouse.mapping.NormalizedProfile;
import io.gatehouse.mapping.ProfileMapper;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.TestIdentities;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules' corners that a sign-in seldom reaches: overage under role management idp, legacy's email. */
class ProfileSyncTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(3600);
    private static final List<Mapper> ADMINS = List.of(new Mapper("a", Mapper.MapperType.ROLE, Optional.of("groups"),
            "role", Map.of("admins", "admin"), Optional.empty(), 0));

    private static Provisioning rules(SyncMode sync, RoleManagement roles) {
        return new Provisioning(Mode.JIT, sync, roles, Optional.of("viewer"), Optional.empty(), false);
    }

    private static NormalizedProfile profile(TestIdentities.Builder b) {
        return ProfileMapper.map(ADMINS, b.build());
    }

    private static User first(Provisioning rules, NormalizedProfile p) {
        return ProfileSync.create("u1", new OrgId("acme"), "idp-1", "s", p, false, rules, T0);
    }

    @Test
    void anOverageKeepsTheKnownRoleInsteadOfFallingBackToTheDefault() {
        Provisioning rules = rules(SyncMode.FORCE, RoleManagement.IDP);
        User admin = first(rules, profile(TestIdentities.oidc("s").groups("admins")));
        assertThat(admin.role()).contains("admin");
        User overage = ProfileSync.update(admin,
                profile(TestIdentities.oidc("s").attribute("_claim_names", "{\"groups\":\"src1\"}")), false, rules, T1);
        assertThat(overage.role()).contains("admin");
        assertThat(overage.groups()).containsExactly("admins");
        assertThat(overage.groupsOverage()).isTrue();
        User dropped = ProfileSync.update(overage, profile(TestIdentities.oidc("s").groups("eng")), false, rules, T1);
        assertThat(dropped.role()).contains("viewer");
        assertThat(dropped.groupsOverage()).isFalse();
    }

    @Test
    void legacyTakesTheVerificationWithTheAddressItFills() {
        Provisioning rules = rules(SyncMode.LEGACY, RoleManagement.MANUAL);
        User noEmail = first(rules, profile(TestIdentities.oidc("s")));
        User filled = ProfileSync.update(noEmail, profile(TestIdentities.oidc("s").email("a@example.com")), true,
                rules, T1);
        assertThat(filled.email()).contains("a@example.com");
        assertThat(filled.emailVerified()).isTrue();
        User kept = ProfileSync.update(filled, profile(TestIdentities.oidc("s").email("b@example.com")), false,
                rules, T1.plusSeconds(1));
        assertThat(kept.email()).contains("a@example.com");
        assertThat(kept.emailVerified()).isTrue();
        assertThat(kept.updatedAt()).as("nothing changed").isEqualTo(T1);
        assertThat(kept.lastSignInAt()).isEqualTo(T1.plusSeconds(1));
    }

    @Test
    void idsSortByCreationTime() {
        String earlier = UserProvisioning.newId(T0);
        String later = UserProvisioning.newId(T0.plusMillis(1));
        assertThat(earlier).hasSize(36).isLessThan(later);
        assertThat(java.util.UUID.fromString(earlier).version()).isEqualTo(7);
    }
}
