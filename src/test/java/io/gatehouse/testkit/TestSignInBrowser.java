package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.crypto.KeyAndCertificate;
import io.gatehouse.testkit.ApiClient.Reply;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * A browser running a test sign-in of a SAML provider against Gatehouse: the test started through
 * the API, its link opened, the AuthnRequest read from the redirect, and a real signed response
 * posted back to the ACS.
 */
public final class TestSignInBrowser {
    /** The base URL the test contexts run under (GatehouseInitializers). */
    public static final String BASE_URL = "https://sso.gatehouse.test";
    private final ApiClient api;

    public TestSignInBrowser(ApiClient api) {
        this.api = api;
    }

    /** A test sign-in whose link was opened: its id, its link, and the AuthnRequest the IdP received. */
    public record Opened(String testId, String url, String requestId, String relayState, String idpLocation) {
    }

    /** Starts a test sign-in through the API (201 expected), without opening it. */
    public JsonNode start(String key, String org, String alias) {
        Reply r = api.post("/api/orgs/" + org + "/identity-providers/" + alias + "/test-sign-ins", key,
                ApiClient.object());
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    /** The link's path and query on the test server. */
    public static String local(String url) {
        assertThat(url).startsWith(BASE_URL + "/");
        return url.substring(BASE_URL.length());
    }

    /** Opens the link of a SAML provider's test: Gatehouse redirects to the IdP with the AuthnRequest. */
    public Opened openSaml(String testId, String url) {
        Reply open = api.get(local(url), null);
        assertThat(open.status()).as(open.text()).isEqualTo(302);
        assertThat(open.header("Referrer-Policy")).isEqualTo("no-referrer");
        URI location = URI.create(open.header("Location"));
        Map<String, String> query = query(location.getRawQuery());
        Document request = TestSamlResponses.parse(inflate(Base64.getDecoder().decode(query.get("SAMLRequest"))));
        return new Opened(testId, url, request.getDocumentElement().getAttribute("ID"), query.get("RelayState"),
                location.getScheme() + "://" + location.getHost() + location.getPath());
    }

    /** Starts and opens a SAML test sign-in. */
    public Opened startSaml(String key, String org, String alias) {
        JsonNode started = start(key, org, alias);
        return openSaml(started.get("id").asString(), started.get("url").asString());
    }

    /** A response from the IdP to the opened test, addressed to the provider's ACS and SP entity ID. */
    public TestSamlResponses.Builder response(KeyAndCertificate idp, Opened opened, JsonNode provider) {
        JsonNode sp = provider.get("sp");
        return TestSamlResponses.okta(idp, opened.requestId(), Instant.now()).destination(sp.get("acs_url").asString())
                .recipient(sp.get("acs_url").asString()).audiences(sp.get("entity_id").asString());
    }

    /** The IdP's answer posted to the ACS, as a browser would, with its headers (such as Accept-Language). */
    public Reply postAcs(String org, String alias, String samlResponse, String relayState, String... headers) {
        String form = "SAMLResponse=" + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8)
                + (relayState == null ? "" : "&RelayState=" + URLEncoder.encode(relayState, StandardCharsets.UTF_8));
        return api.send("POST", "/sso/" + org + "/" + alias + "/saml/acs", null, "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** The test's result as the API shows it. */
    public JsonNode result(String key, String org, String alias, String testId) {
        Reply r = api.get("/api/orgs/" + org + "/identity-providers/" + alias + "/test-sign-ins/" + testId, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    public static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A message deflated as the HTTP-Redirect binding sends it (raw DEFLATE, no zlib header). */
    public static byte[] deflate(String xml) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** A deflated (HTTP-Redirect binding) message, inflated. */
    public static String inflate(byte[] deflated) {
        try {
            Inflater inflater = new Inflater(true);
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsInput()) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
