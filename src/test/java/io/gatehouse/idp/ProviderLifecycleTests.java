package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.ErrorCode;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The provider lifecycle over real HTTP: draft, active and inactive; a draft or inactive provider is
 * chosen by no route (email domain, organization, identity_provider, its login URL, IdP-initiated)
 * while its activated twin is; activation needs a test sign-in that succeeded against the current
 * configuration (real signed SAML responses); editing an active provider keeps it active.
 */
abstract class ProviderLifecycleTests extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("lifecycle-idp");
    private static final KeyAndCertificate OTHER = TestCertificates.valid("lifecycle-other-idp");
    private static final String SSO_URL = "https://idp.lifecycle.example/sso";
    private static final String REDIRECT = "https://app.example.com/callback";
    private String org;
    private String key;
    private String domain;
    private String clientId;
    private TestSignInBrowser browser;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("life"));
        key = createKey(org, "idp_manager");
        domain = uniqueDomain();
        browser = new TestSignInBrowser(api);
        Reply app = api.post("/api/applications", ADMIN,
                ApiClient.parse("{\"name\": \"CRM\", \"redirect_uris\": [\"" + REDIRECT + "\"]}"));
        assertThat(app.status()).as(app.text()).isEqualTo(201);
        clientId = app.json().get("client_id").asString();
    }

    private Reply create(String alias, String top, String extraSaml) {
        return api.post(base(), key, ApiClient.parse("""
                {"alias": "%s", "display_name": "Okta", "protocol": "saml", "domains": ["%s"]%s,
                 "saml": {"entity_id": "%s", "sso_url": "%s", "certificates": ["%s"]%s}}"""
                .formatted(alias, alias + "." + domain, top, TestSamlResponses.IDP_ENTITY_ID, SSO_URL,
                        TestCertificates.base64(IDP.certificate()), extraSaml)));
    }

    private JsonNode created(String alias, String top) {
        Reply r = create(alias, top, "");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private String base() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    private JsonNode idp(String alias) {
        Reply r = api.get(base() + "/" + alias, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private Reply activate(String alias, String credential, String body) {
        return body == null ? api.send("POST", base() + "/" + alias + "/activate", credential, null, null)
                : api.post(base() + "/" + alias + "/activate", credential, ApiClient.parse(body));
    }

    private Reply deactivate(String alias, String credential) {
        return api.send("POST", base() + "/" + alias + "/deactivate", credential, null, null);
    }

    /** A test sign-in of the provider, answered by its IdP with a correctly signed response by {@code signer}. */
    private JsonNode testSignIn(String alias, KeyAndCertificate signer) {
        TestSignInBrowser.Opened opened = browser.startSaml(key, org, alias);
        assertThat(opened.idpLocation()).isEqualTo(SSO_URL);
        Reply page = browser.postAcs(org, alias, browser.response(signer, opened, idp(alias))
                .nameId("alice@" + alias + "." + domain, TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        return browser.result(key, org, alias, opened.testId());
    }

    private static void assertProblem(Reply r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("code").asString()).isEqualTo(code);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String authorize(String extra) {
        return "/oauth2/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT)
                + "&response_type=code&scope=openid&state=s-1" + extra;
    }

    private JsonNode lastConfigurationEvent(String type) {
        Reply events = api.get("/api/orgs/" + org + "/events?category=configuration&limit=20", ADMIN);
        for (JsonNode e : events.json().get("items")) {
            if (e.get("type").asString().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event in " + events.text());
    }

    @Test
    void providersCreatedThroughTheApiAreActiveUnlessTheRequestSaysDraft() {
        JsonNode active = created("plain", "");
        assertThat(active.get("status").asString()).isEqualTo("active");
        assertThat(active.get("enabled").asBoolean()).isTrue();
        assertThat(active.get("configuration_changed_at").asString()).isEqualTo(active.get("created_at").asString());
        assertThat(active.get("last_successful_test_at").isNull()).isTrue();
        assertThat(active.get("test_outdated").asBoolean()).isFalse();

        JsonNode draft = created("drafted", ", \"status\": \"draft\"");
        assertThat(draft.get("status").asString()).isEqualTo("draft");
        assertThat(draft.get("enabled").asBoolean()).isFalse();
        assertThat(draft.get("warnings").toString()).contains("draft");

        JsonNode off = created("off", ", \"enabled\": false");
        assertThat(off.get("status").asString()).isEqualTo("inactive");

        // the two fields disagree: refused, nothing stored
        Reply conflict = create("conflict", ", \"status\": \"active\", \"enabled\": false", "");
        assertProblem(conflict, 422, "validation_failed");
        assertThat(conflict.errorCodes()).containsExactly("enabled:conflict");
        assertThat(api.get(base() + "/conflict", key).status()).isEqualTo(404);
        Reply unknown = create("unknown", ", \"status\": \"paused\"", "");
        assertThat(unknown.errorCodes()).containsExactly("status:invalid_value");

        List<String> drafts = new ArrayList<>();
        api.get(base() + "?status=draft", key).json().get("items").forEach(i -> drafts.add(i.get("alias").asString()));
        assertThat(drafts).containsExactly("drafted");
        List<String> enabled = new ArrayList<>();
        api.get(base() + "?enabled=true", key).json().get("items").forEach(i -> enabled.add(i.get("alias").asString()));
        assertThat(enabled).containsExactly("plain");
    }

    @Test
    void aDraftIsChosenByNoRouteWhileItsActivatedTwinIs() {
        Reply r = create("okta", ", \"status\": \"draft\"", ", \"allow_idp_initiated\": true, \"default_application\": \""
                + clientId + "\"");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String email = "alice@okta." + domain;
        JsonNode sp = r.json().get("sp");
        String unsolicited = TestSamlResponses.okta(IDP, null, Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString())
                .nameId(email, TestSamlResponses.EMAIL_FORMAT).base64();

        // the draft: by email domain, organization, identity_provider, its login URL, IdP-initiated
        assertThat(api.get(authorize("&login_hint=" + enc(email)), null).text())
                .contains("could not find single sign-on");
        assertThat(api.get(authorize("&organization=" + org), null).header("Location"))
                .startsWith(REDIRECT).contains("error=invalid_request");
        assertThat(api.get(authorize("&identity_provider=" + org + "/okta"), null).header("Location"))
                .startsWith(REDIRECT).contains("error=invalid_request");
        assertThat(api.get("/sso/" + org + "/okta/login", null).status()).isEqualTo(404);
        assertThat(browser.postAcs(org, "okta", unsolicited, null).status()).isEqualTo(404);
        assertThat(api.get("/api/orgs/" + org + "/users", key).json().get("items").size()).isZero();

        assertThat(testSignIn("okta", IDP).get("status").asString()).isEqualTo("succeeded");
        Reply activated = activate("okta", key, null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        assertThat(activated.json().get("status").asString()).isEqualTo("active");

        // the twin, activated: every route leads to it
        assertThat(api.get(authorize("&login_hint=" + enc(email)), null).header("Location")).startsWith(SSO_URL + "?");
        assertThat(api.get(authorize("&organization=" + org), null).header("Location")).startsWith(SSO_URL + "?");
        assertThat(api.get(authorize("&identity_provider=" + org + "/okta"), null).header("Location"))
                .startsWith(SSO_URL + "?");
        assertThat(api.get("/sso/" + org + "/okta/login", null).status()).isEqualTo(302);
        String again = TestSamlResponses.okta(IDP, null, Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString())
                .nameId(email, TestSamlResponses.EMAIL_FORMAT).base64();
        Reply landed = browser.postAcs(org, "okta", again, null);
        assertThat(landed.status()).as(landed.text()).isEqualTo(303);
        assertThat(landed.header("Location")).startsWith(REDIRECT + "?code=");
    }

    @Test
    void activationNeedsATestSignInThatSucceededAfterTheLastChange() {
        created("okta", ", \"status\": \"draft\"");
        assertProblem(activate("okta", key, null), 409, ErrorCode.TEST_REQUIRED.code());

        // a failing test proves nothing
        JsonNode failed = testSignIn("okta", OTHER);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertProblem(activate("okta", key, "{}"), 409, ErrorCode.TEST_REQUIRED.code());

        JsonNode passed = testSignIn("okta", IDP);
        assertThat(passed.get("status").asString()).isEqualTo("succeeded");
        JsonNode tested = idp("okta");
        assertThat(tested.get("last_successful_test_at").asString()).isEqualTo(passed.get("finished_at").asString());
        assertThat(tested.get("test_outdated").asBoolean()).isFalse();

        // a change after the test: the test no longer counts
        Reply changed = api.patch(base() + "/okta", key, ApiClient.parse("{\"display_name\": \"Acme Okta\"}"));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(changed.json().get("status").asString()).isEqualTo("draft");
        assertThat(changed.json().get("test_outdated").asBoolean()).isTrue();
        assertThat(Instant.parse(changed.json().get("configuration_changed_at").asString()))
                .isAfter(Instant.parse(passed.get("finished_at").asString()));
        Reply refused = activate("okta", key, null);
        assertProblem(refused, 409, ErrorCode.TEST_REQUIRED.code());
        assertThat(refused.json().get("detail").asString()).contains("predates");
        // nor does turning it on through enabled slip past the rule
        assertProblem(api.patch(base() + "/okta", key, ApiClient.parse("{\"enabled\": true}")), 409,
                ErrorCode.TEST_REQUIRED.code());
        assertThat(idp("okta").get("status").asString()).isEqualTo("draft");

        assertThat(testSignIn("okta", IDP).get("status").asString()).isEqualTo("succeeded");
        Reply activated = activate("okta", key, null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        assertThat(activated.json().get("enabled").asBoolean()).isTrue();
        JsonNode event = lastConfigurationEvent("identity_provider.activated");
        assertThat(event.get("actor").asString()).startsWith("api-key:");
        assertThat(event.at("/details/from").asString()).isEqualTo("draft");
        assertThat(event.at("/details/forced").isMissingNode()).isTrue();
        // activating an active provider changes nothing
        assertThat(activate("okta", key, null).status()).isEqualTo(200);
    }

    @Test
    void editingAnActiveProviderKeepsItActiveAndSaysItsLastTestPredatesTheChange() {
        created("okta", "");
        JsonNode passed = testSignIn("okta", IDP);
        assertThat(passed.get("status").asString()).isEqualTo("succeeded");
        JsonNode before = idp("okta");
        assertThat(before.get("test_outdated").asBoolean()).isFalse();

        // a save that changes nothing is no configuration change
        Reply same = api.patch(base() + "/okta", key, ApiClient.parse("{\"display_name\": \"Okta\", \"enabled\": true}"));
        assertThat(same.status()).as(same.text()).isEqualTo(200);
        assertThat(same.json().get("configuration_changed_at").asString())
                .isEqualTo(before.get("configuration_changed_at").asString());
        assertThat(same.json().get("test_outdated").asBoolean()).isFalse();

        Reply changed = api.patch(base() + "/okta", key, ApiClient.parse("{\"saml\": {\"clock_skew_seconds\": 90}}"));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(changed.json().get("status").asString()).isEqualTo("active");
        assertThat(changed.json().get("test_outdated").asBoolean()).isTrue();
        assertThat(changed.json().get("last_successful_test_at").asString())
                .isEqualTo(passed.get("finished_at").asString());
        assertThat(changed.json().get("warnings").toString()).contains("predates the last configuration change");
        // still routing
        assertThat(api.get("/sso/" + org + "/okta/login", null).status()).isEqualTo(302);
    }

    @Test
    void aProviderTurnedOffComesBackWithoutATestOnlyWhileItsConfigurationIsUnchanged() {
        created("okta", "");
        String hint = authorize("&login_hint=" + enc("bob@okta." + domain));
        Reply off = deactivate("okta", key);
        assertThat(off.status()).as(off.text()).isEqualTo(200);
        assertThat(off.json().get("status").asString()).isEqualTo("inactive");
        assertThat(off.json().get("enabled").asBoolean()).isFalse();
        assertThat(api.get(hint, null).text()).contains("could not find single sign-on");
        assertThat(api.get("/sso/" + org + "/okta/login", null).status()).isEqualTo(404);
        assertThat(lastConfigurationEvent("identity_provider.deactivated").get("actor").asString())
                .startsWith("api-key:");

        // unchanged since it was on: back on without a test
        Reply on = activate("okta", key, null);
        assertThat(on.status()).as(on.text()).isEqualTo(200);
        assertThat(api.get(hint, null).status()).isEqualTo(302);

        // changed while off: now it needs a test, whichever way it is turned on
        assertThat(deactivate("okta", key).status()).isEqualTo(200);
        assertThat(api.patch(base() + "/okta", key, ApiClient.parse("{\"display_name\": \"Okta 2\"}")).status())
                .isEqualTo(200);
        assertProblem(activate("okta", key, null), 409, ErrorCode.TEST_REQUIRED.code());
        assertProblem(api.patch(base() + "/okta", key, ApiClient.parse("{\"enabled\": true}")), 409,
                ErrorCode.TEST_REQUIRED.code());
        // only the platform key may force it, and the event says so
        assertProblem(activate("okta", key, "{\"force\": true}"), 403, "forbidden");
        assertProblem(activate("okta", ADMIN, "{\"force\": \"yes\"}"), 422, "validation_failed");
        assertProblem(activate("okta", ADMIN, "{\"forced\": true}"), 422, "validation_failed");
        Reply forced = activate("okta", ADMIN, "{\"force\": true}");
        assertThat(forced.status()).as(forced.text()).isEqualTo(200);
        JsonNode event = lastConfigurationEvent("identity_provider.activated");
        assertThat(event.get("actor").asString()).isEqualTo("platform-admin");
        assertThat(event.at("/details/forced").asBoolean()).isTrue();
        assertThat(api.get(hint, null).status()).isEqualTo(302);
    }

    @Test
    void theStatusMovesOnlyAsTheLifecycleAllows() {
        created("drafted", ", \"status\": \"draft\"");
        // enabled: false on a draft leaves it a draft
        Reply off = api.patch(base() + "/drafted", key, ApiClient.parse("{\"enabled\": false}"));
        assertThat(off.status()).as(off.text()).isEqualTo(200);
        assertThat(off.json().get("status").asString()).isEqualTo("draft");
        created("live", "");
        Reply back = api.patch(base() + "/live", key, ApiClient.parse("{\"status\": \"draft\"}"));
        assertProblem(back, 422, "validation_failed");
        assertThat(back.errorCodes()).containsExactly("status:invalid_transition");
        // a GET sent back with enabled flipped is understood
        JsonNode read = idp("live");
        ((tools.jackson.databind.node.ObjectNode) read).put("enabled", false);
        Reply put = api.put(base() + "/live", key, read);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.json().get("status").asString()).isEqualTo("inactive");
    }

    @Test
    void viewersReadTestsButNeitherRunThemNorActivateAndOtherOrgsSeeNothing() {
        created("okta", ", \"status\": \"draft\"");
        String viewer = createKey(org, "viewer");
        String admin = createKey(org, "org_admin");
        String started = browser.start(admin, org, "okta").get("id").asString();
        assertThat(api.get(base() + "/okta/test-sign-ins/" + started, viewer).status()).isEqualTo(200);
        assertProblem(api.post(base() + "/okta/test-sign-ins", viewer, ApiClient.object()), 403, "forbidden");
        assertProblem(activate("okta", viewer, null), 403, "forbidden");
        assertProblem(deactivate("okta", viewer), 403, "forbidden");

        String other = createOrg(uniqueOrgId("other"));
        String otherKey = createKey(other, "org_admin");
        assertProblem(activate("okta", otherKey, null), 404, "not_found");
        assertProblem(api.post(base() + "/okta/test-sign-ins", otherKey, ApiClient.object()), 404, "not_found");
        assertProblem(api.get(base() + "/okta/test-sign-ins/" + started, otherKey), 404, "not_found");
        // the org's own provider under another alias does not reach this test
        created("second", "");
        assertProblem(api.get(base() + "/second/test-sign-ins/" + started, admin), 404, "not_found");
        assertProblem(api.post(base() + "/okta/test-sign-ins", key, ApiClient.parse("{\"alias\": \"x\"}")), 422,
                "validation_failed");
        assertThat(Map.of("admin", activate("okta", admin, null).status())).containsEntry("admin", 409);
    }
}
