package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.crypto.Sha256;
import io.gatehouse.idp.IdentityProvider;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.idp.ProviderStatus;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestClock;
import io.gatehouse.testkit.TestSamlResponses;
import io.gatehouse.testkit.TestSignInBrowser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Setup links over real HTTP and through the service the portal uses: shown once, stored hashed,
 * listed without the secret, revocable; a presented secret resolves to its link or is refused as
 * unknown, expired (the test clock moved), revoked, another org's or another provider's; the link's
 * holder changes providers through the registry's rules, audited as {@code setup-link:{id}}.
 */
abstract class SetupLinkTests extends ApiTest {
    private static final KeyAndCertificate IDP = TestCertificates.valid("setup-link-idp");
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    SetupLinks links;
    @Autowired
    PortalSessions sessions;
    @Autowired
    IdentityProviders registry;
    @Autowired
    TestSignIns tests;
    private String org;
    private String admin;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("setup"));
        admin = createKey(org, "org_admin");
    }

    private String base() {
        return "/api/orgs/" + org + "/setup-links";
    }

    private JsonNode create(String credential, String body) {
        Reply r = api.post(base(), credential, ApiClient.parse(body));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo(base() + "/" + r.json().get("id").asString());
        return r.json();
    }

    private static String secret(JsonNode created) {
        String url = created.get("url").asString();
        assertThat(url).startsWith(TestSignInBrowser.BASE_URL + "/setup/" + SetupLinks.SECRET_PREFIX);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static SetupLinkRefusal refusal(SetupLinkResolution resolution) {
        assertThat(resolution).isInstanceOf(SetupLinkResolution.Refused.class);
        return ((SetupLinkResolution.Refused) resolution).reason();
    }

    private static SetupLink valid(SetupLinkResolution resolution) {
        assertThat(resolution).as(resolution.toString()).isInstanceOf(SetupLinkResolution.Valid.class);
        return ((SetupLinkResolution.Valid) resolution).link();
    }

    private static void assertProblem(Reply r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("code").asString()).isEqualTo(code);
    }

    @Test
    void aLinkIsShownOnceStoredHashedAndListedWithoutItsSecret() {
        Instant before = Instant.now();
        JsonNode created = create(admin, "{\"expires_in_hours\": 48, \"alias\": \"okta\", \"email\": \"it@customer.example\"}");
        String secret = secret(created);
        assertThat(secret.length()).isGreaterThanOrEqualTo(SetupLinks.SECRET_PREFIX.length() + 43);
        assertThat(created.get("alias").asString()).isEqualTo("okta");
        assertThat(created.get("email").asString()).isEqualTo("it@customer.example");
        assertThat(created.get("status").asString()).isEqualTo("active");
        assertThat(Duration.between(Instant.parse(created.get("created_at").asString()),
                Instant.parse(created.get("expires_at").asString()))).isEqualTo(Duration.ofHours(48));
        assertThat(Instant.parse(created.get("created_at").asString())).isAfterOrEqualTo(before.minusSeconds(1));

        // at rest: the hash, never the secret
        Map<String, Object> row = jdbc.sql("select * from setup_links where id = ?")
                .param(created.get("id").asString()).query().singleRow();
        assertThat(row.toString()).doesNotContain(secret).doesNotContain(secret.substring(SetupLinks.SECRET_PREFIX.length()))
                .contains(Sha256.hex(secret));

        Reply list = api.get(base(), admin);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.text()).doesNotContain(secret).doesNotContain("\"url\"");
        assertThat(list.json().get("items").get(0).get("id").asString()).isEqualTo(created.get("id").asString());
        Reply events = api.get("/api/orgs/" + org + "/events?category=configuration&limit=5", ADMIN);
        assertThat(events.text()).contains("setup_link.created").doesNotContain(secret);

        // the defaults: a week, any provider of the org, no recipient named; the platform key may make links too
        Reply plain = api.send("POST", base(), ADMIN, null, null);
        assertThat(plain.status()).as(plain.text()).isEqualTo(201);
        assertThat(Duration.between(Instant.parse(plain.json().get("created_at").asString()),
                Instant.parse(plain.json().get("expires_at").asString()))).isEqualTo(Duration.ofHours(168));
        assertThat(plain.json().get("alias").isNull()).isTrue();
        assertThat(plain.json().get("created_by").asString()).isEqualTo("platform-admin");
    }

    @Test
    void badRequestsAndOtherRolesAreRefusedAndStoreNothing() {
        Map<String, String> bad = Map.of(
                "{\"expires_in_hours\": 0}", "expires_in_hours:out_of_range",
                "{\"expires_in_hours\": 721}", "expires_in_hours:out_of_range",
                "{\"expires_in_hours\": \"168\"}", "expires_in_hours:type",
                "{\"alias\": \"Bad Alias\"}", "alias:invalid_format",
                "{\"email\": \"not-an-address\"}", "email:invalid_format",
                "{\"expires\": 5}", "expires:unknown_field");
        bad.forEach((body, code) -> {
            Reply r = api.post(base(), admin, ApiClient.parse(body));
            assertProblem(r, 422, "validation_failed");
            assertThat(r.errorCodes()).as(body).containsExactly(code);
        });
        // the twin of the boundaries
        create(admin, "{\"expires_in_hours\": 720}");
        create(admin, "{\"expires_in_hours\": 1}");
        assertThat(api.get(base(), admin).json().get("items").size()).isEqualTo(2);

        assertProblem(api.post(base(), createKey(org, "idp_manager"), ApiClient.object()), 403, "forbidden");
        assertProblem(api.post(base(), createKey(org, "viewer"), ApiClient.object()), 403, "forbidden");
        assertProblem(api.get(base(), createKey(org, "viewer")), 403, "forbidden");
        String other = createOrg(uniqueOrgId("other"));
        String otherAdmin = createKey(other, "org_admin");
        assertProblem(api.post(base(), otherAdmin, ApiClient.object()), 404, "not_found");
        String id = api.get(base(), admin).json().get("items").get(0).get("id").asString();
        assertProblem(api.delete(base() + "/" + id, otherAdmin), 404, "not_found");
        assertProblem(api.delete("/api/orgs/" + other + "/setup-links/" + id, otherAdmin), 404, "not_found");
        assertThat(api.get(base(), admin).json().get("items").size()).isEqualTo(2);
        assertProblem(api.post("/api/orgs/no-such-org/setup-links", ADMIN, ApiClient.object()), 404, "not_found");
    }

    @Test
    void aSecretResolvesToItsLinkOrIsRefusedWithItsReason() {
        String bound = secret(create(admin, "{\"alias\": \"okta\", \"expires_in_hours\": 2}"));
        String any = secret(create(admin, "{}"));
        OrgId orgId = new OrgId(org);
        Instant now = clock.instant();

        SetupLink link = valid(links.resolve(bound, now));
        assertThat(link.caller().actor()).isEqualTo("setup-link:" + link.id());
        assertThat(link.alias().orElseThrow().value()).isEqualTo("okta");
        valid(links.resolve(bound, orgId, Optional.of("okta"), now));
        valid(links.resolve(any, orgId, Optional.of("whatever"), now));
        assertThat(refusal(links.resolve(bound, orgId, Optional.of("entra"), now))).isEqualTo(SetupLinkRefusal.OTHER_ALIAS);
        assertThat(refusal(links.resolve(bound, new OrgId(createOrg(uniqueOrgId("elsewhere"))), Optional.empty(), now)))
                .isEqualTo(SetupLinkRefusal.OTHER_ORG);
        assertThat(refusal(links.resolve(bound.substring(0, bound.length() - 1) + "x", now)))
                .isEqualTo(SetupLinkRefusal.UNKNOWN);
        assertThat(refusal(links.resolve("", now))).isEqualTo(SetupLinkRefusal.UNKNOWN);
        assertThat(refusal(links.resolve(null, now))).isEqualTo(SetupLinkRefusal.UNKNOWN);
        assertThat(refusal(links.resolve(Sha256.hex(bound), now))).as("its stored hash is no secret")
                .isEqualTo(SetupLinkRefusal.UNKNOWN);

        // expiry, by the clock every node reads
        try {
            clock.advance(Duration.ofHours(2));
            assertThat(refusal(links.resolve(bound, clock.instant()))).isEqualTo(SetupLinkRefusal.EXPIRED);
            valid(links.resolve(any, clock.instant()));
            JsonNode item = api.get(base(), admin).json().get("items").get(1);
            assertThat(item.get("status").asString()).isEqualTo("expired");
        } finally {
            clock.advance(Duration.ofHours(-2));
        }
        valid(links.resolve(bound, clock.instant()));

        // revocation: the same secret, used again, is refused as revoked
        String id = link.id();
        assertThat(api.delete(base() + "/" + id, admin).status()).isEqualTo(204);
        assertThat(refusal(links.resolve(bound, clock.instant()))).isEqualTo(SetupLinkRefusal.REVOKED);
        assertThat(refusal(links.resolve(bound, orgId, Optional.of("okta"), clock.instant())))
                .isEqualTo(SetupLinkRefusal.REVOKED);
        assertThat(api.delete(base() + "/" + id, admin).status()).isEqualTo(204);
        assertProblem(api.delete(base() + "/sl_nope", admin), 404, "not_found");
        List<String> statuses = new ArrayList<>();
        api.get(base(), admin).json().get("items").forEach(i -> statuses.add(i.get("id").asString() + ":"
                + i.get("status").asString()));
        assertThat(statuses).contains(id + ":revoked");
        Reply events = api.get("/api/orgs/" + org + "/events?category=configuration&limit=5", ADMIN);
        assertThat(events.json().get("items").get(0).get("type").asString()).isEqualTo("setup_link.revoked");
        valid(links.resolve(any, clock.instant()));
    }

    @Test
    void theLinksHolderSetsUpItsOwnProviderAsADraftTestsItAndActivatesItAuditedAsTheLink() {
        SetupLink link = valid(links.resolve(secret(create(admin, "{\"alias\": \"okta\"}")), clock.instant()));
        Caller.SetupLink caller = link.caller();
        OrgId orgId = new OrgId(org);
        String domain = uniqueDomain();
        ObjectNode body = ApiClient.parse("""
                {"alias": "okta", "display_name": "Okta", "protocol": "saml", "domains": ["%s"],
                 "saml": {"entity_id": "%s", "sso_url": "https://idp.setup.example/sso", "certificates": ["%s"]}}"""
                .formatted(domain, TestSamlResponses.IDP_ENTITY_ID, TestCertificates.base64(IDP.certificate())));

        // what a link may not do: make it active at once, another provider, another org, the org's own settings
        ObjectNode active = body.deepCopy().put("status", "active");
        assertThatThrownBy(() -> registry.create(caller, orgId, active)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.errors().getFirst().code()).isEqualTo("draft_required"));
        ObjectNode otherAlias = body.deepCopy().put("alias", "entra");
        assertThatThrownBy(() -> registry.create(caller, orgId, otherAlias)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
        OrgId elsewhere = new OrgId(createOrg(uniqueOrgId("elsewhere")));
        assertThatThrownBy(() -> registry.create(caller, elsewhere, body)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> links.create(caller, orgId, ApiClient.object())).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));

        IdentityProvider created = registry.create(caller, orgId, body);
        assertThat(created.status()).isEqualTo(ProviderStatus.DRAFT);
        // the org's other provider is out of this link's reach, as if it did not exist
        ObjectNode entra = body.deepCopy().put("alias", "entra");
        entra.putArray("domains");
        Reply second = api.post("/api/orgs/" + org + "/identity-providers", admin, entra);
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThatThrownBy(() -> registry.get(caller, orgId, "entra")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> registry.deactivate(caller, orgId, "entra")).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(registry.all(caller, orgId, io.gatehouse.idp.Protocol.SAML)).extracting(i -> i.alias().value())
                .containsExactly("okta");

        // the test, then activation, as the link; the platform's force is not the link's
        assertThatThrownBy(() -> registry.activate(caller, orgId, "okta", false)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEST_REQUIRED));
        assertThatThrownBy(() -> registry.activate(caller, orgId, "okta", true)).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FORBIDDEN));
        TestSignIns.Started started = tests.start(caller, orgId, "okta");
        TestSignInBrowser browser = new TestSignInBrowser(api);
        TestSignInBrowser.Opened opened = browser.openSaml(started.test().id(), started.url());
        JsonNode view = api.get("/api/orgs/" + org + "/identity-providers/okta", admin).json();
        Reply page = browser.postAcs(org, "okta", browser.response(IDP, opened, view)
                .nameId("it@" + domain, TestSamlResponses.EMAIL_FORMAT).base64(), opened.relayState());
        assertThat(page.text()).contains("Test sign-in succeeded");
        assertThat(registry.activate(caller, orgId, "okta", false).status()).isEqualTo(ProviderStatus.ACTIVE);

        List<String> byLink = new ArrayList<>();
        api.get("/api/orgs/" + org + "/events?category=configuration&limit=20", ADMIN).json().get("items")
                .forEach(e -> {
                    if (e.get("actor").asString().equals("setup-link:" + link.id())) {
                        byLink.add(e.get("type").asString());
                    }
                });
        assertThat(byLink).contains("identity_provider.created", "identity_provider.test_sign_in_started",
                "identity_provider.activated");
        // the test records who started it
        assertThat(browser.result(admin, org, "okta", started.test().id()).get("started_by").asString())
                .isEqualTo("setup-link:" + link.id());
    }

    @Test
    void aPortalSessionLivesNoLongerThanItsLink() {
        JsonNode created = create(admin, "{\"expires_in_hours\": 3}");
        SetupLink link = valid(links.resolve(secret(created), clock.instant()));
        PortalSessions.PortalSession session = sessions.open(link, clock.instant());
        assertThat(session.expiresAt()).isEqualTo(link.expiresAt());
        ResponseCookie cookie = sessions.cookie(session, clock.instant());
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/setup/");
        assertThat(cookie.isSecure()).as("Gatehouse runs on https here").isTrue();
        assertThat(cookie.getMaxAge().toHours()).isBetween(2L, 3L);
        assertThat(jdbc.sql("select count(*) from setup_sessions where id_hash = ?").param(Sha256.hex(session.id()))
                .query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from setup_sessions where id_hash = ?").param(session.id())
                .query(Integer.class).single()).isZero();
        assertThat(api.get(base(), admin).json().get("items").get(0).get("first_used_at").isNull()).isFalse();

        valid(sessions.resolve(session.id(), clock.instant()));
        assertThat(refusal(sessions.resolve(session.id() + "x", clock.instant()))).isEqualTo(SetupLinkRefusal.UNKNOWN);
        try {
            clock.advance(Duration.ofHours(3));
            assertThat(refusal(sessions.resolve(session.id(), clock.instant()))).isEqualTo(SetupLinkRefusal.EXPIRED);
        } finally {
            clock.advance(Duration.ofHours(-3));
        }
        valid(sessions.resolve(session.id(), clock.instant()));
        assertThat(api.delete(base() + "/" + link.id(), admin).status()).isEqualTo(204);
        assertThat(refusal(sessions.resolve(session.id(), clock.instant()))).isEqualTo(SetupLinkRefusal.REVOKED);

        PortalSessions.PortalSession closed = sessions.open(valid(links.resolve(secret(create(admin, "{}")),
                clock.instant())), clock.instant());
        sessions.close(closed.id());
        assertThat(refusal(sessions.resolve(closed.id(), clock.instant()))).isEqualTo(SetupLinkRefusal.UNKNOWN);
        assertThat(sessions.clearedCookie().getMaxAge()).isEqualTo(Duration.ZERO);
    }
}
