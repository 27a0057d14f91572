package io.gatehouse.idp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.api.RequestBodies;
import io.gatehouse.testkit.ApiClient;
import io.gatehouse.testkit.ApiClient.Reply;
import io.gatehouse.testkit.ApiTest;
import io.gatehouse.testkit.RawHttp;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One test per class of bad input, including everything Keycloak gets wrong on its equivalent
 * endpoint: each gets the right 4xx, a field-level error, and nothing is stored.
 */
abstract class BadInputTests extends ApiTest {
    private String org;
    private String key;

    @BeforeEach
    void setUp() {
        org = createOrg(uniqueOrgId("bad"));
        key = createKey(org, "org_admin");
    }

    private String base() {
        return "/api/orgs/" + org + "/identity-providers";
    }

    private static ObjectNode validOidc() {
        return ApiClient.parse("""
                {"alias": "good", "display_name": "Good", "protocol": "oidc",
                 "oidc": {"issuer": "https://idp.example.com", "client_id": "c", "client_secret": "s",
                          "authorization_endpoint": "https://idp.example.com/a", "token_endpoint": "https://idp.example.com/t",
                          "jwks_uri": "https://idp.example.com/k"}}""");
    }

    private static ObjectNode manualSaml() {
        return ApiClient.parse("""
                {"alias": "saml", "display_name": "SAML", "protocol": "saml",
                 "saml": {"entity_id": "https://idp.example.com", "sso_url": "https://idp.example.com/sso",
                          "cert_fingerprint": "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
                          "cert_fingerprint_algorithm": "sha256"}}""");
    }

    /** Sends a modified valid request and expects a 422 naming the field; nothing may be stored. */
    private void refused(ObjectNode valid, Consumer<ObjectNode> change, String field, String code) {
        ObjectNode body = valid.deepCopy();
        change.accept(body);
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(422);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("validation_failed");
        assertThat(r.json().get("trace_id").asString()).isEqualTo(r.header("X-Trace-Id"));
        assertThat(r.errorCodes()).contains(field + ":" + code);
        assertThat(r.text()).doesNotContain("Exception").doesNotContain("at io.gatehouse");
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void theValidTwinsAreAccepted() {
        assertThat(api.post(base(), key, validOidc()).status()).isEqualTo(201);
        assertThat(api.post(base(), key, manualSaml()).status()).isEqualTo(201);
    }

    @Test
    void aliasMustBeSafe() {
        refused(validOidc(), b -> b.put("alias", ""), "alias", "required");
        refused(validOidc(), b -> b.put("alias", "<script>alert(1)</script>"), "alias", "invalid_format");
        refused(validOidc(), b -> b.put("alias", "a".repeat(300)), "alias", "too_long");
        refused(validOidc(), b -> b.put("alias", "Upper"), "alias", "invalid_format");
        refused(validOidc(), b -> b.put("alias", "../etc"), "alias", "invalid_format");
        refused(validOidc(), b -> b.remove("alias"), "alias", "required");
    }

    @Test
    void displayNameIsBounded() {
        refused(validOidc(), b -> b.put("display_name", "x".repeat(1_000_000)), "display_name", "too_long");
        refused(validOidc(), b -> b.put("display_name", "   "), "display_name", "required");
        refused(validOidc(), b -> b.put("display_name", "line\nbreak"), "display_name", "invalid_characters");
    }

    @Test
    void certificatesMustBeCertificates() {
        refused(manualSaml(), b -> {
            ObjectNode s = (ObjectNode) b.get("saml");
            s.remove("cert_fingerprint");
            s.remove("cert_fingerprint_algorithm");
            s.putArray("certificates").add("garbage!!");
        }, "saml.certificates[0]", "invalid_certificate");
        refused(manualSaml(), b -> {
            ObjectNode s = (ObjectNode) b.get("saml");
            s.remove("cert_fingerprint");
            s.remove("cert_fingerprint_algorithm");
            s.putArray("certificates").add("-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----");
        }, "saml.certificates[0]", "invalid_certificate");
    }

    @Test
    void signatureValidationAlwaysNeedsACertificate() {
        refused(manualSaml(), b -> {
            ObjectNode s = (ObjectNode) b.get("saml");
            s.remove("cert_fingerprint");
            s.remove("cert_fingerprint_algorithm");
        }, "saml.certificates", "required");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("want_assertions_signed", false)
                .put("want_response_signed", false), "saml.want_assertions_signed", "signature_required");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("cert_fingerprint", "zz:11"),
                "saml.cert_fingerprint", "invalid_fingerprint");
    }

    @Test
    void privateKeysMustBeKeys() {
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("decryption_private_key", "not a key at all"),
                "saml.decryption_private_key", "invalid_private_key");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("decryption_private_key",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
                "saml.decryption_private_key", "invalid_private_key");
        ObjectNode withKey = manualSaml();
        ((ObjectNode) withKey.get("saml")).put("decryption_private_key", io.gatehouse.crypto.PrivateKeys.toPem(
                io.gatehouse.testkit.TestCertificates.valid("dec").privateKey()));
        Reply r = api.post(base(), key, withKey);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/saml/decryption_private_key").asString()).isEqualTo("**********");
        assertThat(r.text()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void samlNeedsItsEndpoints() {
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).remove("sso_url"), "saml.sso_url", "required");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("sso_url", "javascript:alert(1)"),
                "saml.sso_url", "invalid_url");
        refused(manualSaml(), b -> b.remove("saml"), "saml", "required");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("metadata_url", "https://idp.example.com/md"),
                "saml.metadata_url", "multiple_sources");
        refused(manualSaml(), b -> b.putObject("saml"), "saml.metadata_xml", "source_required");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).removeAll().put("metadata_xml", "<not-metadata/>"),
                "saml.metadata_xml", "metadata.not_saml_metadata");
    }

    @Test
    void oidcNeedsClientAndEndpoints() {
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).remove("client_id"), "oidc.client_id", "required");
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).remove("client_secret"), "oidc.client_secret", "required");
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).remove("issuer"), "oidc.issuer", "required");
        refused(validOidc(), b -> b.remove("oidc"), "oidc", "required");
    }

    @Test
    void enumerationsAndRangesAreChecked() {
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("id_token_signed_response_alg", "none"),
                "oidc.id_token_signed_response_alg", "invalid_value");
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("token_endpoint_auth_method", "magic"),
                "oidc.token_endpoint_auth_method", "invalid_value");
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("pkce", "S512"), "oidc.pkce", "invalid_value");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("name_id_format", "urn:bogus"),
                "saml.name_id_format", "invalid_value");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("signature_algorithm", "rsa-md5"),
                "saml.signature_algorithm", "invalid_value");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("clock_skew_seconds", 100000),
                "saml.clock_skew_seconds", "out_of_range");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("clock_skew_seconds", -1),
                "saml.clock_skew_seconds", "out_of_range");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("cert_fingerprint_algorithm", "md5"),
                "saml.cert_fingerprint_algorithm", "invalid_value");
        refused(validOidc(), b -> b.put("protocol", "ldap"), "protocol", "invalid_value");
        refused(validOidc(), b -> b.put("known_provider", "myspace"), "known_provider", "invalid_value");
    }

    @Test
    void unknownFieldsAreRefused() {
        refused(validOidc(), b -> b.put("unknown_config", "x".repeat(1_000_000)), "unknown_config", "unknown_field");
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("clientSecret", "typo"), "oidc.clientSecret",
                "unknown_field");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("want_assertion_signed", false),
                "saml.want_assertion_signed", "unknown_field");
    }

    @Test
    void wrongTypesAreReportedPerField() {
        refused(validOidc(), b -> b.put("enabled", "yes"), "enabled", "type");
        refused(validOidc(), b -> b.put("display_name", 42), "display_name", "type");
        refused(validOidc(), b -> b.put("domains", "acme.com"), "domains", "type");
        refused(validOidc(), b -> b.putArray("domains").add(7), "domains[0]", "type");
        refused(validOidc(), b -> b.put("oidc", "oidc"), "oidc", "type");
        refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("clock_skew_seconds", "60"),
                "saml.clock_skew_seconds", "type");
        refused(validOidc(), b -> b.put("mappers", "none"), "mappers", "type");
    }

    @Test
    void domainsMustBeRealAndOwnable() {
        refused(validOidc(), b -> b.putArray("domains").add("com"), "domains[0]", "public_suffix");
        refused(validOidc(), b -> b.putArray("domains").add("co.uk"), "domains[0]", "public_suffix");
        refused(validOidc(), b -> b.putArray("domains").add("*.acme.com"), "domains[0]", "wildcard_domain");
        refused(validOidc(), b -> b.putArray("domains").add("user@acme.com"), "domains[0]", "invalid_domain");
        refused(validOidc(), b -> b.putArray("domains").add("a.com").add("b.com").add("c.com").add("d.com")
                .add("e.com").add("f.com"), "domains", "too_many");
        refused(validOidc(), b -> b.putArray("domains").add("same.com").add("SAME.com"), "domains[1]", "duplicate");
    }

    @Test
    void internationalDomainsAreStoredAsPunycode() {
        ObjectNode body = validOidc();
        String unique = uniqueDomain().replace(".example.com", "");
        body.putArray("domains").add("bücher-" + unique + ".de");
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/domains/0").asString()).startsWith("xn--bcher-").endsWith(".de");
    }

    @Test
    void mappersAreChecked() {
        refused(validOidc(), b -> b.putArray("mappers").addObject().put("name", "m").put("type", "attribute")
                .put("source", "email"), "mappers[0].target", "required");
        refused(validOidc(), b -> b.putArray("mappers").addObject().put("name", "m").put("type", "magic"),
                "mappers[0].type", "invalid_value");
        refused(validOidc(), b -> b.putArray("mappers").addObject().put("name", "r").put("type", "role")
                .put("source", "groups"), "mappers[0].value_map", "required");
        ObjectNode ok = validOidc();
        ObjectNode role = ok.putArray("mappers").addObject().put("name", "admins").put("type", "role").put("source", "groups");
        role.putObject("value_map").put("Domain Admins", "admin");
        Reply r = api.post(base(), key, ok);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("mapper_count").asInt()).isEqualTo(1);
    }

    @Test
    void privateNetworkUrlsAreRefusedForBrowserRedirects() {
        refused(validOidc(), b -> b.put("error_url", "javascript:alert(1)"), "error_url", "invalid_url");
        refused(validOidc(), b -> b.put("logout_redirect_url", "ftp://files.example.com"), "logout_redirect_url",
                "https_required");
    }

    @Test
    void unreadableBodiesGet400() {
        Reply empty = api.send("POST", base(), key, "application/json", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("code").asString()).isEqualTo("malformed_request");
        for (String blank : new String[] {" \r\n\t ", "\u2003"}) {
            Reply spaces = api.send("POST", base(), key, "application/json", blank.getBytes(StandardCharsets.UTF_8));
            assertThat(spaces.status()).isEqualTo(400);
            assertThat(spaces.json().get("detail").asString()).isEqualTo("The request body is empty");
        }
        Reply array = api.send("POST", base(), key, "application/json", "[1,2]".getBytes(StandardCharsets.UTF_8));
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.errorCodes()).containsExactly("$:type");
        Reply broken = api.send("POST", base(), key, "application/json", "{\"alias\": ".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.status()).isEqualTo(400);
        Reply trailing = api.send("POST", base(), key, "application/json", "{} {}".getBytes(StandardCharsets.UTF_8));
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void wrongContentTypeGets415AndHugeBodies413() {
        Reply text = api.send("POST", base(), key, "text/plain", "alias=x".getBytes(StandardCharsets.UTF_8));
        assertThat(text.status()).isEqualTo(415);
        Reply none = api.send("POST", base(), key, null, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(none.status()).isEqualTo(415);
        byte[] huge = ("{\"alias\": \"" + "a".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        Reply big = api.send("POST", base(), key, "application/json", huge);
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().get("code").asString()).isEqualTo("payload_too_large");
        // without a Content-Length (chunked) the cap is found by reading
        Reply bigChunked = api.sendChunked("POST", base(), key, "application/json", huge);
        assertThat(bigChunked.status()).isEqualTo(413);
        assertThat(bigChunked.json().get("code").asString()).isEqualTo("payload_too_large");
        assertThat(countIdps(org)).isZero();
        // and a body just under the cap, chunked, is read whole
        byte[] padded = ("{\"alias\": \"chunked\", \"display_name\": \"Chunked\", \"protocol\": \"oidc\","
                + " \"oidc\": {\"issuer\": \"https://idp.example.com\", \"client_id\": \"c\", \"client_secret\": \"s\","
                + " \"authorization_endpoint\": \"https://idp.example.com/a\", \"token_endpoint\": \"https://idp.example.com/t\","
                + " \"jwks_uri\": \"https://idp.example.com/k\"}}").getBytes(StandardCharsets.UTF_8);
        byte[] nearCap = java.util.Arrays.copyOf(padded, RequestBodies.MAX_BYTES);
        java.util.Arrays.fill(nearCap, padded.length, nearCap.length, (byte) ' ');
        Reply chunked = api.sendChunked("POST", base(), key, "application/json", nearCap);
        assertThat(chunked.status()).as(chunked.text()).isEqualTo(201);
        assertThat(countIdps(org)).isEqualTo(1);
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        Reply missing = api.get("/api/nothing-here", key);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("code").asString()).isEqualTo("not_found");
        Reply method = api.send("PUT", base(), key, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(method.status()).isEqualTo(405);
    }

    /** Each request once with a malformed %-escape, once with the same bytes escaped properly (the twin). */
    private record Target(String method, String path, String form, String key) {
        Reply send(RawHttp raw, boolean malformed) {
            String p = malformed ? path : wellFormed(path);
            if (form != null) {
                return raw.send(method, p, "application/x-www-form-urlencoded",
                        (malformed ? form : wellFormed(form)).getBytes(StandardCharsets.US_ASCII));
            }
            return key == null ? raw.send(method, p, null, null)
                    : raw.send(method, p, null, null, "Authorization", "Bearer " + key);
        }

        private static String wellFormed(String s) {
            return s.replace("%zz", "%25zz").replace("%G1", "%25G1").replaceAll("%(?![0-9A-Fa-f]{2})", "%25");
        }
    }

    @Test
    void malformedEscapesGet400WithAProblemOnEveryEndpointAndOneWarningAtMost() {
        RawHttp raw = new RawHttp(port);
        List<Target> targets = List.of(
                new Target("GET", base() + "?limit=%zz", null, key),
                new Target("GET", "/api/orgs?x=%", null, ADMIN),
                new Target("POST", base() + "?x=%zz", null, key),
                new Target("GET", "/oauth2/authorize?client_id=%G1&response_type=code", null, null),
                new Target("POST", "/oauth2/token", "grant_type=authorization_code&code=%zz", null),
                new Target("GET", "/oauth2/userinfo?access_token=%", null, null),
                new Target("GET", "/.well-known/openid-configuration?x=%", null, null),
                new Target("GET", "/sso/" + org + "/any/login?login_hint=a%zz", null, null),
                new Target("POST", "/sso/" + org + "/any/saml/acs", "SAMLResponse=PD94%&RelayState=r", null),
                new Target("GET", "/sso/" + org + "/any/saml/slo?SAMLRequest=a%zz", null, null),
                new Target("GET", "/sso/" + org + "/any/oidc/callback?code=%zz&state=s", null, null),
                new Target("GET", "/no/such/page?x=%zz", null, null));
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            for (Target t : targets) {
                Reply r = t.send(raw, true);
                assertThat(r.status()).as(t + " " + r.text()).isEqualTo(400);
                assertThat(r.header("Content-Type")).as(t.toString()).startsWith("application/problem+json");
                assertThat(r.json().get("code").asString()).as(t.toString()).isEqualTo("malformed_parameters");
                assertThat(r.json().get("trace_id").asString()).isEqualTo(r.header("X-Trace-Id"));
                Reply twin = t.send(raw, false);
                assertThat(twin.status()).as(t + " twin " + twin.text()).isLessThan(500);
                assertThat(twin.text()).as(t + " twin").doesNotContain("malformed_parameters");
            }
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.ERROR).isEmpty();
        List<ILoggingEvent> warnings = log.list.stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getLoggerName().endsWith("UnreadableParameters")).toList();
        // one client address here; a test before this one (within the minute) may have had its line already
        assertThat(warnings).hasSizeLessThanOrEqualTo(1);
        warnings.forEach(w -> assertThat(w.getFormattedMessage()).contains("malformed_parameters")
                .doesNotContain("%zz").doesNotContain(key));
        assertThat(countIdps(org)).isZero();
    }

    @Test
    void aNameTwiceInOneObjectIsRefused() {
        String valid = ApiClient.JSON.writeValueAsString(validOidc());
        Reply ok = api.send("POST", base(), key, "application/json", valid.getBytes(StandardCharsets.UTF_8));
        assertThat(ok.status()).as(ok.text()).isEqualTo(201);
        String twiceAtTop = valid.replaceFirst("\\{", "{\"alias\": \"first\", ");
        String twiceInside = valid.replace("\"client_id\":\"c\"", "\"client_id\":\"c\",\"client_id\":\"d\"");
        assertThat(twiceInside).isNotEqualTo(valid);
        for (String[] c : new String[][] {{twiceAtTop, "alias"}, {twiceInside, "oidc.client_id"}}) {
            Reply r = api.send("POST", base(), key, "application/json", c[0].getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("malformed_request");
            assertThat(r.errorCodes()).containsExactly(c[1] + ":duplicate_key");
        }
        Reply inArray = api.send("POST", "/api/orgs", ADMIN, "application/json",
                "{\"id\": \"dup-org\", \"name\": \"D\", \"x\": [{\"a\": 1, \"a\": 2}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(inArray.status()).isEqualTo(400);
        assertThat(inArray.errorCodes()).containsExactly("x[0].a:duplicate_key");
        assertThat(countIdps(org)).isEqualTo(1);
    }

    @Test
    void domainsMustBeValidPunycodeAndNoConsumerMailService() {
        refused(validOidc(), b -> b.putArray("domains").add("xn--zz.com"), "domains[0]", "invalid_idna");
        refused(validOidc(), b -> b.putArray("domains").add("mail.xn--ls8h.com"), "domains[0]", "invalid_idna");
        for (String consumer : List.of("gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
                "GMail.com", "googlemail.com.")) {
            refused(validOidc(), b -> b.putArray("domains").add(consumer), "domains[0]", "consumer_domain");
        }
        // the twin: a valid ACE label as typed, beside an ordinary domain
        String ace = IDN.toASCII("bücher-" + uniqueDomain().replace(".example.com", ""), IDN.USE_STD3_ASCII_RULES) + ".de";
        ObjectNode body = validOidc();
        body.putArray("domains").add(ace).add("mail-" + uniqueDomain());
        Reply r = api.post(base(), key, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().at("/domains/0").asString()).isEqualTo(ace);
    }

    @Test
    void anIssuerHasNoQueryOrFragment() {
        for (String issuer : List.of("https://idp.example.com?tenant=a", "https://idp.example.com/#x",
                "https://idp.example.com/?")) {
            refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("issuer", issuer), "oidc.issuer", "invalid_issuer");
        }
        ObjectNode twin = validOidc();
        ((ObjectNode) twin.get("oidc")).put("issuer", "https://idp.example.com/tenant-a/v2.0");
        assertThat(api.post(base(), key, twin).status()).isEqualTo(201);
    }

    @Test
    void anSsoUrlCarriesNoSamlBindingParameter() {
        for (String url : List.of("https://idp.example.com/sso?SAMLRequest=fZJN",
                "https://idp.example.com/sso?app=1&RelayState=x", "https://idp.example.com/sso?relaystate",
                "https://idp.example.com/sso?Sig%41lg=rsa")) {
            refused(manualSaml(), b -> ((ObjectNode) b.get("saml")).put("sso_url", url), "saml.sso_url",
                    "binding_parameter_in_url");
        }
        ObjectNode twin = manualSaml();
        ((ObjectNode) twin.get("saml")).put("sso_url", "https://idp.example.com/sso?app=1&tenant=SAMLRequest");
        assertThat(api.post(base(), key, twin).status()).isEqualTo(201);
    }

    @Test
    void aNulCharacterIsRefusedInEveryBodyAndParameter() {
        // valid JSON and well-formed escapes, but PostgreSQL refuses U+0000 in any text: a 500 there before
        refused(validOidc(), b -> ((ObjectNode) b.get("oidc")).put("client_id", "c\u0000"), "oidc.client_id",
                "invalid_characters");
        refused(validOidc(), b -> b.putArray("mappers").addObject().put("name", "m").put("type", "role")
                .put("source", "groups").putObject("value_map").put("A\u0000", "admin"), "mappers[0].value_map.A\\u0000",
                "invalid_characters");
        for (String[] c : new String[][] {{"/api/orgs", "{\"id\": \"" + uniqueOrgId("nul") + "\", \"name\": \"a\\u0000\"}"},
                {"/api/orgs/" + org + "/api-keys", "{\"name\": \"k\\u0000\", \"role\": \"viewer\"}"},
                {"/api/applications", "{\"name\": \"a\\u0000\", \"redirect_uris\": [\"https://app.example.com/cb\"]}"}}) {
            Reply r = api.send("POST", c[0], ADMIN, "application/json", c[1].getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(c[0] + " " + r.text()).isEqualTo(422);
            assertThat(r.errorCodes()).as(c[0]).containsExactly("name:invalid_characters");
            Reply twin = api.send("POST", c[0], ADMIN, "application/json",
                    c[1].replace("\\u0000", "").getBytes(StandardCharsets.UTF_8));
            assertThat(twin.status()).as(c[0] + " twin " + twin.text()).isEqualTo(201);
        }
        RawHttp raw = new RawHttp(port);
        for (Target t : List.of(new Target("GET", "/oauth2/authorize?client_id=%00&response_type=code", null, null),
                new Target("POST", "/oauth2/token", "grant_type=authorization_code&code=c&client_id=%00", null),
                new Target("POST", "/sso/" + org + "/any/saml/acs", "SAMLResponse=PD94&RelayState=%00", null),
                new Target("GET", "/sso/" + org + "/any/oidc/callback?state=%00&code=c", null, null),
                new Target("GET", base() + "?domain=a%00.com", null, key))) {
            Reply r = t.send(raw, true);
            assertThat(r.status()).as(t + " " + r.text()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("malformed_parameters");
            // the twin: the same request with the text "%00" instead of the character
            Target twin = new Target(t.method(), t.path().replace("%00", "%2500"),
                    t.form() == null ? null : t.form().replace("%00", "%2500"), t.key());
            Reply ok = twin.send(raw, true);
            assertThat(ok.status()).as(twin + " " + ok.text()).isLessThan(500);
            assertThat(ok.text()).doesNotContain("malformed_parameters");
        }
        // a cursor is made of printable keys: one that decodes to NUL was made up
        Reply cursor = api.get(base() + "?cursor=AA", key);
        assertThat(cursor.status()).isEqualTo(422);
        assertThat(cursor.errorCodes()).containsExactly("cursor:invalid_value");
        assertThat(api.get(base() + "?cursor=" + io.gatehouse.api.PageRequest.cursor("good"), key).status()).isEqualTo(200);
    }
}
