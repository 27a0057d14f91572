package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ProblemException;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.pages.Text;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnGuardedH2;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.ObjectNode;

/**
 * With production's guards (https only, no private addresses), the URLs an admin may not give are
 * explained at their portal field.
 */
@OnGuardedH2
class SetupFixesOnGuardedH2Test extends ApiTest {
    private static final Caller CALLER = new Caller.PlatformAdmin();
    @Autowired
    IdentityProviders registry;
    private String org;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("fixes-guarded"));
    }

    @Test
    void aMetadataUrlOverHttpOrIntoAPrivateNetworkSaysWhatToGiveInstead() {
        assertThat(explain(saml("http://idp.example.com/metadata")))
                .containsExactly(new FieldProblem("metadata_url", Text.of("fix.metadata_url.https_required")));
        assertThat(explain(saml("https://10.1.2.3/metadata")))
                .containsExactly(new FieldProblem("metadata_url", Text.of("fix.metadata_url.private_address")));
        assertThat(explain(saml("https://127.0.0.1:8443/metadata")))
                .containsExactly(new FieldProblem("metadata_url", Text.of("fix.metadata_url.private_address")));
    }

    @Test
    void anIssuerOverHttpOrIntoAPrivateNetworkSaysWhatToGiveInstead() {
        assertThat(explain(oidc("http://login.example.com")))
                .containsExactly(new FieldProblem("issuer", Text.of("fix.issuer.https_required")));
        assertThat(explain(oidc("https://192.168.1.10/realms/acme")))
                .containsExactly(new FieldProblem("issuer", Text.of("fix.issuer.private_address")));
    }

    private List<FieldProblem> explain(ObjectNode body) {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> registry.create(CALLER, new OrgId(org), body));
        assertThat(e).isNotNull();
        return SetupFixes.explain(e, Locale.ENGLISH);
    }

    private static ObjectNode saml(String url) {
        ObjectNode body = ApiClient.object().put("alias", "okta").put("display_name", "Okta").put("protocol", "saml");
        body.putArray("domains").add(uniqueDomain());
        body.putObject("saml").put("metadata_url", url);
        return body;
    }

    private static ObjectNode oidc(String issuer) {
        ObjectNode body = ApiClient.object().put("alias", "entra").put("display_name", "Entra").put("protocol", "oidc");
        body.putArray("domains").add(uniqueDomain());
        body.putObject("oidc").put("issuer", issuer).put("client_id", "client-1").put("client_secret", "s3cret");
        return body;
    }
}
