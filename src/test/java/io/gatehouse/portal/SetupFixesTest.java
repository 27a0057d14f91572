package io.gatehouse.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.access.Caller;
import io.gatehouse.api.ErrorCode;
import io.gatehouse.api.FieldError;
import io.gatehouse.api.ProblemException;
import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.idp.IdentityProviders;
import io.gatehouse.pages.Text;
import io.gatehouse.tenancy.OrgId;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.OnH2;
import io.gatehouse.testkit.TestCertificates;
import io.gatehouse.testkit.TestDiscoveryServer;
import io.gatehouse.testkit.TestIdpMetadata;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each refusal the setup form can meet, provoked with real input through the registry (real metadata,
 * real expired certificates, a real local HTTP server, real domains), lands next to the portal field it
 * concerns with the bundle text that says what is wrong and what to do.
 */
@OnH2
class SetupFixesTest extends ApiTest {
    private static final Caller CALLER = new Caller.PlatformAdmin();
    private static final String ENTITY = "http://www.okta.com/exk1fixes";
    private static final KeyAndCertificate VALID = TestCertificates.valid("fixes-valid");
    private static final Set<String> KEYS_USED = new HashSet<>();
    @Autowired
    IdentityProviders registry;
    @Autowired
    io.gatehouse.domains.DomainOwnership domains;
    private HttpServer server;
    private String org;

    @BeforeEach
    void setUp() throws IOException {
        org = createOrg(uniqueOrgId("fixes"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve("/missing", 404, "text/html", "<html><body>Not found</body></html>");
        serve("/login", 200, "text/html", "<!DOCTYPE html><html><body>Sign in</body></html>");
        serve("/not-xml", 200, "text/plain", "metadata: none");
        serve("/big", 200, "application/xml", "<x>" + "a".repeat(1024 * 1024 + 10) + "</x>");
        serve("/ok", 200, "application/xml", TestIdpMetadata.okta(ENTITY, VALID.certificate()));
        server.createContext("/loop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(6_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        // an OpenID provider whose discovery document names another issuer, and one that serves a web page
        serve("/mixup/.well-known/openid-configuration", 200, "application/json",
                TestDiscoveryServer.standardDocument("https://login.elsewhere.example"));
        serve("/page/.well-known/openid-configuration", 200, "text/html", "<html><body>Welcome</body></html>");
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @AfterAll
    static void everyKeyUsedIsInBothLanguages() throws IOException {
        Properties en = bundle("fixes_en.properties");
        Properties de = bundle("fixes_de.properties");
        assertThat(KEYS_USED).hasSizeGreaterThan(40);
        assertThat(KEYS_USED).allSatisfy(key -> {
            assertThat(en.getProperty(key)).as(key).isNotBlank();
            assertThat(de.getProperty(key)).as(key).isNotBlank();
        });
    }

    // --- SAML metadata as a file

    @Test
    void anExpiredCertificateInTheMetadataSaysWhenItExpiredInTheFormsLanguage() {
        KeyAndCertificate expired = TestCertificates.expired("fixes-expired");
        Instant notAfter = expired.certificate().getNotAfter().toInstant();
        ObjectNode body = saml("okta", file(TestIdpMetadata.okta(ENTITY, expired.certificate())));

        FieldProblem english = only(refused(body), "metadata_file", "fix.metadata.certificate_expired");
        // the date the reader wrote into its message, read back: this breaks if the reader's wording changes
        assertThat(english.message().args()).containsExactly(
                DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH).withZone(ZoneOffset.UTC).format(notAfter));
        FieldProblem german = SetupFixes.explain(refusal(body), Locale.GERMAN).getFirst();
        assertThat(german.message().args()).containsExactly(
                DateTimeFormatter.ofPattern("d. MMMM uuuu", Locale.GERMAN).withZone(ZoneOffset.UTC).format(notAfter));

        // the twin with a valid certificate is accepted
        assertThat(registry.create(CALLER, new OrgId(org), saml("okta", file(TestIdpMetadata.okta(ENTITY,
                VALID.certificate()))))).isNotNull();
    }

    @Test
    void datesAreWrittenAsPeopleWriteThem() {
        Instant day = Instant.parse("2026-03-03T09:30:00Z");
        assertThat(SetupFixes.date(day, Locale.ENGLISH)).isEqualTo("3 March 2026");
        assertThat(SetupFixes.date(day, Locale.UK)).isEqualTo("3 March 2026");
        assertThat(SetupFixes.date(day, Locale.GERMAN)).isEqualTo("3. März 2026");
        assertThat(SetupFixes.date(day, Locale.GERMANY)).isEqualTo("3. März 2026");
    }

    @Test
    void expiredMetadataSaysWhenItExpired() {
        Instant validUntil = Instant.parse("2025-01-15T00:00:00Z");
        ObjectNode body = saml("entra", file(TestIdpMetadata.entra(UUID.randomUUID().toString(),
                List.of(VALID.certificate()), Optional.of(validUntil))));
        FieldProblem p = only(refused(body), "metadata_file", "fix.metadata.expired");
        assertThat(p.message().args()).containsExactly("15 January 2025");
    }

    @Test
    void metadataThatIsNotMetadataSaysWhatToUploadInstead() {
        expect(saml("okta", file("this is not XML at all")), "metadata_file", "fix.metadata_file.not_xml");
        expect(saml("okta", file("<html><body>Okta</body></html>")), "metadata_file",
                "fix.metadata_file.not_saml_metadata");
        expect(saml("okta", file("<!DOCTYPE html><html><body>Okta</body></html>")), "metadata_file",
                "fix.metadata.doctype_not_allowed");
        expect(saml("okta", file(spMetadata())), "metadata_file", "fix.metadata.service_provider_metadata");
        expect(saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate())
                        .replace("urn:oasis:names:tc:SAML:2.0:protocol", "urn:oasis:names:tc:SAML:1.1:protocol"))),
                "metadata_file", "fix.metadata.no_idp_descriptor");
        expect(saml("okta", file(withoutKeys(TestIdpMetadata.okta(ENTITY, VALID.certificate())))), "metadata_file",
                "fix.metadata.no_signing_certificate");
        expect(saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate())
                        .replaceAll("<md:SingleSignOnService[^>]*/>", ""))), "metadata_file",
                "fix.metadata.no_sso_service");
        expect(saml("okta", file(TestIdpMetadata.okta("", VALID.certificate()))), "metadata_file",
                "fix.metadata.no_entity_id");
        expect(saml("okta", file("   ")), "metadata_file", "fix.metadata.empty");
    }

    @Test
    void aFileOverOneMebibyteIsRefusedAsTooLarge() {
        String padded = TestIdpMetadata.okta(ENTITY, VALID.certificate())
                .replace("<md:IDPSSODescriptor", "<!--" + "x".repeat(1024 * 1024) + "--><md:IDPSSODescriptor");
        expect(saml("okta", file(padded)), "metadata_file", "fix.metadata.too_large");
    }

    @Test
    void noSourceOrTwoSourcesSayWhichToGive() {
        ObjectNode none = saml("okta", ApiClient.object());
        expect(none, "metadata_file", "fix.metadata.source_required");
        ObjectNode both = saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))
                .put("metadata_url", local("/ok")));
        expect(both, "metadata_file", "fix.metadata.multiple_sources");
    }

    // --- SAML metadata from a URL

    @Test
    void aMetadataUrlThatAnswersWithAnErrorOrAWebPageSaysWhatItGot() {
        FieldProblem missing = only(refused(saml("okta", url(local("/missing")))), "metadata_url",
                "fix.metadata_url.http_status");
        assertThat(missing.message().args()).containsExactly("404");
        expect(saml("okta", url(local("/login"))), "metadata_url", "fix.metadata_url.not_xml");
        expect(saml("okta", url(local("/not-xml"))), "metadata_url", "fix.metadata_url.not_xml");
        expect(saml("okta", url(local("/big"))), "metadata_url", "fix.metadata.too_large");
        expect(saml("okta", url(local("/loop"))), "metadata_url", "fix.metadata_url.too_many_redirects");
        // the twin: the same server's real metadata is accepted
        assertThat(registry.create(CALLER, new OrgId(org), saml("okta", url(local("/ok"))))).isNotNull();
    }

    @Test
    void anUnreachableMetadataUrlSaysWhyItCouldNotBeFetched() throws IOException {
        expect(saml("okta", url("http://127.0.0.1:" + closedPort() + "/metadata")), "metadata_url",
                "fix.metadata_url.connect_failed");
        expect(saml("okta", url("https://no-such-idp.invalid/metadata")), "metadata_url",
                "fix.metadata_url.host_not_found");
        // TLS spoken to a server that answers in plain HTTP at once
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test's assertion tells
                }
            });
            expect(saml("okta", url("https://127.0.0.1:" + plain.getLocalPort() + "/metadata")), "metadata_url",
                    "fix.metadata_url.tls_failed");
        }
        expect(saml("okta", url("not a url")), "metadata_url", "fix.metadata_url.invalid_url");
    }

    @Test
    void aMetadataUrlThatDoesNotAnswerInTimeSaysSo() {
        expect(saml("okta", url(local("/slow"))), "metadata_url", "fix.metadata_url.timeout");
    }

    // --- OpenID Connect

    @Test
    void anIssuerWithoutDiscoveryOrNamingAnotherIssuerSaysWhatToEnter() {
        FieldProblem missing = only(refused(oidc(local("/missing"), "client-1", "s3cret")), "issuer",
                "fix.issuer.http_status");
        assertThat(missing.message().args()).containsExactly("404");
        FieldProblem mixup = only(refused(oidc(local("/mixup"), "client-1", "s3cret")), "issuer",
                "fix.issuer.issuer_mismatch");
        assertThat(mixup.message().args()).containsExactly("https://login.elsewhere.example");
        expect(oidc(local("/page"), "client-1", "s3cret"), "issuer", "fix.issuer.invalid_document");
        expect(oidc("http://127.0.0.1:" + closedPort(), "client-1", "s3cret"), "issuer", "fix.issuer.connect_failed");
        expect(oidc("https://login.example.com/?tenant=1", "client-1", "s3cret"), "issuer",
                "fix.issuer.invalid_issuer");
        // the twin: a real discovery document for its own issuer is accepted
        try (TestDiscoveryServer op = new TestDiscoveryServer()) {
            assertThat(registry.create(CALLER, new OrgId(org), oidc(op.issuer(), "client-1", "s3cret"))).isNotNull();
        }
    }

    @Test
    void aMissingClientIdAndSecretAreNamedAtTheirFields() {
        ObjectNode body = oidc("https://login.example.com", null, null);
        List<FieldProblem> problems = refused(body);
        assertProblem(problems, "client_id", "fix.client_id.required");
        assertProblem(problems, "client_secret", "fix.client_secret.required");
    }

    @Test
    void aSecretNeverAppearsInTheExplanation() {
        String secret = "top-secret-" + "k".repeat(4100);
        List<FieldProblem> problems = refused(oidc("https://login.example.com", "client-1", secret));
        assertProblem(problems, "client_secret", "fix.client_secret.too_long");
        assertThat(problems.toString()).doesNotContain("top-secret");
    }

    // --- domains and the whole form

    @Test
    void domainsSayWhatIsWrongWithThem() {
        expect(withDomains("gmail.com"), "domains", "fix.domains.consumer_domain");
        expect(withDomains("*.example.com"), "domains", "fix.domains.wildcard_domain");
        expect(withDomains("co.uk"), "domains", "fix.domains.public_suffix");
        expect(withDomains("alice@example.com"), "domains", "fix.domains.invalid_domain");
        String d = uniqueDomain();
        expect(withDomains(d, d), "domains", "fix.domains.duplicate");
        expect(withDomains("a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com",
                "f.example.com"), "domains", "fix.domains.too_many");
    }

    @Test
    void aDomainAnotherOrganizationHoldsIsNamed() {
        String claimed = uniqueDomain();
        OrgId other = new OrgId(createOrg(uniqueOrgId("holder")));
        registry.create(CALLER, other, samlWith("corp", List.of(claimed),
                file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))));
        // only a verified claim keeps other orgs off a domain
        domains.verify(CALLER, other, claimed, new io.gatehouse.domains.DomainOwnership.Proof.Manual(),
                java.util.Optional.empty());
        ProblemException e = refusal(samlWith("okta", List.of(claimed),
                file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.DOMAIN_TAKEN);
        FieldProblem p = only(SetupFixes.explain(e, Locale.ENGLISH), "domains", "fix.domains.domain_taken");
        assertThat(p.message().args()).containsExactly(claimed);
    }

    @Test
    void aMissingNameIsNamedAtItsField() {
        ObjectNode body = saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate())));
        body.remove("display_name");
        expect(body, "display_name", "fix.display_name.required");
    }

    @Test
    void refusalsOfTheWholeFormAreFormLevel() {
        ObjectNode body = saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate())));
        registry.create(CALLER, new OrgId(org), body);
        expect(samlWith("okta", List.of(uniqueDomain()), file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))),
                "", "fix.form.alias_taken");

        String noSso = createOrg(uniqueOrgId("nosso"), false, 5);
        ProblemException sso = catchThrowableOfType(ProblemException.class,
                () -> registry.create(CALLER, new OrgId(noSso), saml("okta", file(TestIdpMetadata.okta(ENTITY,
                        VALID.certificate())))));
        only(SetupFixes.explain(sso, Locale.ENGLISH), "", "fix.form.sso_not_enabled");

        String full = createOrg(uniqueOrgId("full"), true, 1);
        registry.create(CALLER, new OrgId(full), saml("one", file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))));
        ProblemException quota = catchThrowableOfType(ProblemException.class,
                () -> registry.create(CALLER, new OrgId(full), saml("two", file(TestIdpMetadata.okta(ENTITY,
                        VALID.certificate())))));
        only(SetupFixes.explain(quota, Locale.ENGLISH), "", "fix.form.quota_exceeded");

        ObjectNode unknown = saml("three", file(TestIdpMetadata.okta(ENTITY, VALID.certificate()))).put("colour", "blue");
        FieldProblem p = only(refused(unknown), "", "fix.form.unknown_field");
        assertThat(p.message().args()).containsExactly("colour");
    }

    @Test
    void anUnknownCodeKeepsTheRegistrysOwnWords() {
        // known_provider github speaks OIDC only: a refusal the portal has no words of its own for
        ObjectNode body = saml("okta", file(TestIdpMetadata.okta(ENTITY, VALID.certificate())))
                .put("known_provider", "github");
        FieldProblem p = only(refused(body), "", "fix.unknown");
        assertThat(p.message().args()).containsExactly("known_provider: github does not speak saml");

        ProblemException future = ProblemException.validation("oidc.issuer", "discovery.something_new",
                "the provider answered in a way nobody foresaw");
        assertThat(SetupFixes.explain(future, Locale.ENGLISH)).containsExactly(new FieldProblem("issuer",
                Text.of("fix.unknown", "oidc.issuer: the provider answered in a way nobody foresaw")));
        ProblemException whole = new ProblemException(ErrorCode.TOO_MANY_REQUESTS, "Slow down");
        assertThat(SetupFixes.explain(whole, Locale.ENGLISH)).containsExactly(new FieldProblem("",
                Text.of("fix.unknown", "Slow down")));
    }

    @Test
    void theSameProblemTwiceIsShownOnce() {
        ProblemException twice = ProblemException.validation(List.of(
                new FieldError("domains[0]", "consumer_domain", "is a consumer mail service's domain"),
                new FieldError("domains[1]", "consumer_domain", "is a consumer mail service's domain")));
        assertThat(SetupFixes.explain(twice, Locale.ENGLISH)).hasSize(1);
    }

    // --- helpers

    private ProblemException refusal(ObjectNode body) {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> registry.create(CALLER, new OrgId(org), body));
        assertThat(e).as("refused: %s", body.toString().length() > 300 ? body.toString().substring(0, 300) : body)
                .isNotNull();
        return e;
    }

    private List<FieldProblem> refused(ObjectNode body) {
        return SetupFixes.explain(refusal(body), Locale.ENGLISH);
    }

    private void expect(ObjectNode body, String field, String key) {
        assertProblem(refused(body), field, key);
    }

    private static FieldProblem only(List<FieldProblem> problems, String field, String key) {
        assertThat(problems).as(problems.toString()).hasSize(1);
        assertProblem(problems, field, key);
        return problems.getFirst();
    }

    private static void assertProblem(List<FieldProblem> problems, String field, String key) {
        KEYS_USED.add(key);
        assertThat(problems).as(problems.toString())
                .anySatisfy(p -> {
                    assertThat(p.field()).isEqualTo(field);
                    assertThat(p.message().key()).isEqualTo(key);
                });
    }

    private String local(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void serve(String path, int status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode file(String xml) {
        return ApiClient.object().put("metadata_xml", xml);
    }

    private static ObjectNode url(String url) {
        return ApiClient.object().put("metadata_url", url);
    }

    private static ObjectNode saml(String alias, ObjectNode source) {
        return samlWith(alias, List.of(uniqueDomain()), source);
    }

    private static ObjectNode samlWith(String alias, List<String> domains, ObjectNode source) {
        ObjectNode body = ApiClient.object().put("alias", alias).put("display_name", "Okta").put("protocol", "saml");
        domains.forEach(body.putArray("domains")::add);
        body.set("saml", source);
        return body;
    }

    private static ObjectNode withDomains(String... domains) {
        return samlWith("okta", List.of(domains), file(TestIdpMetadata.okta(ENTITY, VALID.certificate())));
    }

    private static ObjectNode oidc(String issuer, String clientId, String secret) {
        ObjectNode body = ApiClient.object().put("alias", "entra").put("display_name", "Entra ID")
                .put("protocol", "oidc");
        body.putArray("domains").add(uniqueDomain());
        ObjectNode o = body.putObject("oidc").put("issuer", issuer);
        if (clientId != null) {
            o.put("client_id", clientId);
        }
        if (secret != null) {
            o.put("client_secret", secret);
        }
        return body;
    }

    private static String spMetadata() {
        return """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://app.example.com/sp">
                  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
                        Location="https://app.example.com/acs" index="0"/>
                  </md:SPSSODescriptor>
                </md:EntityDescriptor>""";
    }

    private static String withoutKeys(String metadata) {
        return metadata.replaceAll("(?s)<md:KeyDescriptor.*?</md:KeyDescriptor>", "");
    }

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = new InputStreamReader(SetupFixesTest.class.getResourceAsStream("/" + name),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
