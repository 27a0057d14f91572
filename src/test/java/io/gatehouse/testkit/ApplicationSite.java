package io.gatehouse.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An application's site on 127.0.0.1 that answers every path with {@code app: <path>}, so that a browser's
 * last hop of a sign-in or logout (a code at the redirect URI, the page after logout) lands and can be read.
 */
public final class ApplicationSite implements AutoCloseable {
    private final HttpServer server;

    private ApplicationSite(HttpServer server) {
        this.server = server;
    }

    public static ApplicationSite start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = ("app: " + exchange.getRequestURI().getRawPath()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new ApplicationSite(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
