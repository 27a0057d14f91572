package io.gatehouse.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 serving an OpenID discovery document for its own issuer URL. */
public final class TestDiscoveryServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String document;

    public TestDiscoveryServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        document = standardDocument(issuer());
        server.createContext("/.well-known/openid-configuration", exchange -> {
            requests.incrementAndGet();
            byte[] body = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    public void serve(String json) {
        this.document = json;
    }

    public static String standardDocument(String issuer) {
        return """
                {"issuer": "%1$s",
                 "authorization_endpoint": "%1$s/authorize",
                 "token_endpoint": "%1$s/token",
                 "userinfo_endpoint": "%1$s/userinfo",
                 "jwks_uri": "%1$s/jwks",
                 "end_session_endpoint": "%1$s/logout",
                 "response_types_supported": ["code"],
                 "subject_types_supported": ["public"],
                 "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                 "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
                 "code_challenge_methods_supported": ["S256"],
                 "authorization_response_iss_parameter_supported": true}
                """.formatted(issuer);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
