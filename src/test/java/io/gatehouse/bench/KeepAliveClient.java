package io.gatehouse.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One keep-alive HTTP/1.1 connection spoken by hand, for load harnesses that share the machine with
 * the server they measure: java.net.http costs several times more CPU per request than this, and
 * every cycle the harness spends is a cycle the server does not get. Used by the sign-in harness and
 * by bench/RegistryLoadHarness.java.
 */
public final class KeepAliveClient implements AutoCloseable {
    /** What came back: status, the Location header if any, and the body as text. */
    public record Answer(int status, Optional<String> location, String body) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public KeepAliveClient(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /** Headers are complete lines, each ending in CRLF. */
    public Answer get(String path, String headers) throws IOException {
        return send("GET", path, headers, null);
    }

    public Answer post(String path, String headers, String contentType, String body) throws IOException {
        return send("POST", path, "Content-Type: " + contentType + "\r\n" + headers, body);
    }

    /** Sends once; a connection the server closed while idle is reopened and the request sent again once. */
    private Answer send(String method, String path, String headers, String body) throws IOException {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        byte[] head = (method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + headers
                + "Content-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int attempt = 0; ; attempt++) {
            try {
                if (socket == null) {
                    open();
                }
                out.write(head);
                out.write(payload);
                out.flush();
                return read();
            } catch (IOException e) {
                close();
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void open() throws IOException {
        socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    private Answer read() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean closing = false;
        String location = null;
        String header;
        while (!(header = line()).isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closing = true;
            } else if (lower.startsWith("location:")) {
                location = header.substring(9).trim();
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            int size;
            while ((size = Integer.parseInt(line().trim().split(";")[0], 16)) > 0) {
                body.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (length > 0) {
            body.write(in.readNBytes(length));
        }
        if (closing) {
            close();
        }
        return new Answer(code, Optional.ofNullable(location), body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c == -1 && b.isEmpty()) {
            throw new IOException("connection closed");
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket that is already gone
            }
            socket = null;
        }
    }
}
