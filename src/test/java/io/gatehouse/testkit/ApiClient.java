package io.gatehouse.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A small real-HTTP client for Gatehouse's API in tests. */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http;
    private final String base;

    public ApiClient(int port) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "http://127.0.0.1:" + port;
    }

    /** A client whose connections leave from this local address (another loopback address, say 127.0.0.2). */
    public ApiClient(int port, java.net.InetAddress localAddress) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).localAddress(localAddress).build();
        this.base = "http://127.0.0.1:" + port;
    }

    /** One HTTP answer. */
    public record Reply(int status, Map<String, java.util.List<String>> headers, String text) {
        public JsonNode json() {
            return JSON.readTree(text);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        /** The codes of the field errors of a problem response. */
        public java.util.List<String> errorCodes() {
            java.util.List<String> codes = new java.util.ArrayList<>();
            json().path("errors").forEach(e -> codes.add(e.path("field").asString() + ":" + e.path("code").asString()));
            return codes;
        }
    }

    public Reply send(String method, String path, String key, String contentType, byte[] body, String... headers) {
        return sendWith(method, path, key, contentType,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** Sends the body with chunked transfer coding: no Content-Length tells the server its size. */
    public Reply sendChunked(String method, String path, String key, String contentType, byte[] body) {
        return sendWith(method, path, key, contentType,
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)));
    }

    private Reply sendWith(String method, String path, String key, String contentType,
                       HttpRequest.BodyPublisher publisher, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, publisher);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("request failed: " + method + " " + path, e);
        }
    }

    public Reply post(String path, String key, JsonNode body) {
        return send("POST", path, key, "application/json", JSON.writeValueAsBytes(body));
    }

    public Reply put(String path, String key, JsonNode body) {
        return send("PUT", path, key, "application/json", JSON.writeValueAsBytes(body));
    }

    public Reply patch(String path, String key, JsonNode body) {
        return send("PATCH", path, key, "application/merge-patch+json", JSON.writeValueAsBytes(body));
    }

    public Reply get(String path, String key, String... headers) {
        return send("GET", path, key, null, null, headers);
    }

    public Reply delete(String path, String key) {
        return send("DELETE", path, key, null, null);
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static ObjectNode parse(String json) {
        return (ObjectNode) JSON.readTree(json);
    }
}
