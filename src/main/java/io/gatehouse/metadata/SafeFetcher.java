package io.gatehouse.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The one way Gatehouse talks to the network (IdP metadata, OIDC discovery, JWKS, token and userinfo
 * endpoints). The DNS
 * resolver itself refuses loopback, private, link-local and unique-local answers, so the addresses
 * vetted are exactly those connected to; redirects are followed by hand and each hop re-checked;
 * body size and total time are capped.
 */
public final class SafeFetcher implements AutoCloseable {
    private static final Pattern MAX_AGE = Pattern.compile("max-age\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    private final FetchPolicy policy;
    private final Predicate<InetAddress> forbidden;
    private final CloseableHttpClient client;

    public SafeFetcher(FetchPolicy policy) {
        this(policy, policy.allowPrivateNetwork() ? address -> false : AddressRules::isForbidden);
    }

    /** With another address rule: lets tests forbid one loopback address while serving on another. */
    SafeFetcher(FetchPolicy policy, Predicate<InetAddress> forbidden) {
        this.policy = policy;
        this.forbidden = forbidden;
        this.client = newClient(Optional.empty(), 20, 4);
    }

    /** A client whose every connection goes through the vetting resolver; with a TLS identity when given. */
    private CloseableHttpClient newClient(Optional<SSLContext> tls, int maxTotal, int maxPerRoute) {
        Timeout timeout = Timeout.of(policy.timeout());
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new VettingResolver(forbidden))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                        .setSocketTimeout(timeout).build())
                .setMaxConnTotal(maxTotal).setMaxConnPerRoute(maxPerRoute);
        tls.ifPresent(context -> connections.setTlsSocketStrategy(new DefaultClientTlsStrategy(context)));
        return HttpClients.custom()
                .setConnectionManager(connections.build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableAutomaticRetries()
                .setUserAgent("Gatehouse/0.1")
                .build();
    }

    /** A private key and its certificate, presented as the TLS client identity (mutual TLS). */
    public record ClientTls(PrivateKey privateKey, X509Certificate certificate) {
        @Override
        public String toString() {
            return "ClientTls[" + certificate.getSubjectX500Principal().getName() + ", private key redacted]";
        }
    }

    /**
     * One GET carrying credentials (a bearer token): never redirected, since following a redirect
     * would hand the credentials to whoever the Location names. Any status is returned with its
     * (capped) body, for the caller to judge.
     */
    public FetchedDocument get(URI uri, String accept, Map<String, String> headers) throws FetchException {
        HttpGet get = new HttpGet(uri);
        return once(get, accept, headers, client);
    }

    /**
     * One POST of a body (a token request): never redirected, with the same address rules, size
     * cap and time limit as a fetch; with a TLS client identity when given (a one-off connection,
     * so the identity is never pooled for another provider). Any status is returned with its body.
     */
    public FetchedDocument post(URI uri, String accept, Map<String, String> headers, String contentType, byte[] body,
                                Optional<ClientTls> tls) throws FetchException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        if (tls.isEmpty()) {
            return once(post, accept, headers, client);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new FetchException(FetchFailure.SCHEME_NOT_ALLOWED, "mutual TLS needs an https URL");
        }
        try (CloseableHttpClient mtls = newClient(Optional.of(sslContext(tls.get())), 1, 1)) {
            return once(post, accept, headers, mtls);
        } catch (IOException e) {
            throw new FetchException(FetchFailure.CONNECT_FAILED, "could not connect to " + uri.getHost());
        }
    }

    private FetchedDocument once(HttpUriRequestBase request, String accept, Map<String, String> headers,
                                 CloseableHttpClient via) throws FetchException {
        URI uri;
        try {
            uri = request.getUri();
        } catch (URISyntaxException e) {
            throw new FetchException(FetchFailure.INVALID_URL, "the URL is not valid");
        }
        check(uri, false);
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        request.setHeader("Accept", accept);
        headers.forEach(request::setHeader);
        FetchedDocument doc;
        try {
            doc = via.execute(request, response -> read(response, deadline, uri, true));
        } catch (WrappedFetchException e) {
            throw e.failure;
        } catch (WrappedAddressRefusal e) {
            throw new FetchException(FetchFailure.ADDRESS_NOT_ALLOWED, "the host " + uri.getHost()
                    + " resolves to a loopback, private or link-local address");
        } catch (UnknownHostException e) {
            throw new FetchException(FetchFailure.HOST_NOT_FOUND, "the host " + uri.getHost() + " was not found");
        } catch (SSLException e) {
            throw new FetchException(FetchFailure.TLS_FAILED, "the TLS handshake with " + uri.getHost() + " failed");
        } catch (InterruptedIOException e) {
            throw new FetchException(FetchFailure.TIMEOUT, "no answer within " + policy.timeout().toSeconds() + " s");
        } catch (IOException e) {
            throw new FetchException(FetchFailure.CONNECT_FAILED, "could not connect to " + uri.getHost());
        }
        if (doc.status() >= 300 && doc.status() < 400) {
            throw new FetchException(FetchFailure.HTTP_ERROR, "the server answered with a redirect (HTTP "
                    + doc.status() + "), which is not followed for this request");
        }
        return doc;
    }

    /** The JDK's trusted authorities, and the client identity as the only key. */
    private static SSLContext sslContext(ClientTls tls) throws FetchException {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", tls.privateKey(), password, new Certificate[] {tls.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new FetchException(FetchFailure.TLS_FAILED, "the TLS client certificate and key cannot be used together");
        }
    }

    public FetchedDocument fetch(URI uri, String accept) throws FetchException {
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        URI current = uri;
        for (int hop = 0; hop <= policy.maxRedirects(); hop++) {
            check(current, hop > 0 && "https".equals(uri.getScheme()));
            HttpGet get = new HttpGet(current);
            get.setHeader("Accept", accept);
            try {
                URI requested = current;
                FetchedDocument doc = client.execute(get, response -> read(response, deadline, requested, false));
                if (doc.status() >= 300 && doc.status() < 400) {
                    current = redirectTarget(current, doc);
                    continue;
                }
                if (doc.status() < 200 || doc.status() >= 300) {
                    throw new FetchException(FetchFailure.HTTP_ERROR, "the server answered HTTP " + doc.status());
                }
                return doc;
            } catch (WrappedFetchException e) {
                throw e.failure;
            } catch (WrappedAddressRefusal e) {
                throw new FetchException(FetchFailure.ADDRESS_NOT_ALLOWED, "the host " + current.getHost()
                        + " resolves to a loopback, private or link-local address");
            } catch (UnknownHostException e) {
                throw new FetchException(FetchFailure.HOST_NOT_FOUND, "the host " + current.getHost() + " was not found");
            } catch (SSLException e) {
                throw new FetchException(FetchFailure.TLS_FAILED, "the TLS handshake with " + current.getHost() + " failed");
            } catch (InterruptedIOException e) {
                throw new FetchException(FetchFailure.TIMEOUT, "no answer within " + policy.timeout().toSeconds() + " s");
            } catch (IOException e) {
                throw new FetchException(FetchFailure.CONNECT_FAILED, "could not connect to " + current.getHost());
            }
        }
        throw new FetchException(FetchFailure.TOO_MANY_REDIRECTS, "more than " + policy.maxRedirects() + " redirects");
    }

    void check(URI uri, boolean startedOnHttps) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new FetchException(FetchFailure.INVALID_URL, "the URL must be absolute with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchException(FetchFailure.INVALID_URL, "the URL must not carry credentials");
        }
        if (!scheme.equals("https") && !(policy.allowPrivateNetwork() && scheme.equals("http"))) {
            throw new FetchException(FetchFailure.SCHEME_NOT_ALLOWED, "only https URLs are fetched");
        }
        // an address literal meets the address rule here (no resolver sees it); a name meets the
        // rule on its face here and on every address DNS answers for it in the resolver
        String host = uri.getHost();
        Optional<InetAddress> literal = AddressRules.literal(host);
        if (literal.isPresent() ? forbidden.test(literal.get())
                : !policy.allowPrivateNetwork() && AddressRules.isForbiddenHost(host)) {
            throw new FetchException(FetchFailure.ADDRESS_NOT_ALLOWED,
                    "loopback, private, link-local and other local addresses are not fetched");
        }
        if (startedOnHttps && !scheme.equals("https")) {
            throw new FetchException(FetchFailure.SCHEME_NOT_ALLOWED, "a redirect from https to http is refused");
        }
    }

    private static URI redirectTarget(URI from, FetchedDocument doc) throws FetchException {
        if (doc.contentType() == null) {
            throw new FetchException(FetchFailure.HTTP_ERROR, "a redirect without a Location");
        }
        try {
            return from.resolve(new URI(doc.contentType()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(FetchFailure.INVALID_URL, "the redirect Location is not a valid URL");
        }
    }

    /**
     * Reads one response; for a redirect the Location travels in the contentType slot, body empty.
     * Error bodies are read only when asked (a token endpoint explains its refusal in the body).
     */
    private FetchedDocument read(ClassicHttpResponse response, long deadline, URI uri, boolean errorBodies)
            throws IOException {
        int status = response.getCode();
        if (status >= 300 && status < 400) {
            Header location = response.getFirstHeader("Location");
            return new FetchedDocument(uri, status, location == null ? null : location.getValue(), new byte[0],
                    Optional.empty());
        }
        HttpEntity entity = response.getEntity();
        byte[] body = new byte[0];
        if (entity != null && (errorBodies ? status >= 200 : status >= 200 && status < 300)) {
            if (entity.getContentLength() > policy.maxBytes()) {
                throw new WrappedFetchException(new FetchException(FetchFailure.TOO_LARGE,
                        "the document is larger than " + policy.maxBytes() / 1024 + " KiB"));
            }
            body = readCapped(entity.getContent(), deadline);
        }
        Header type = response.getFirstHeader("Content-Type");
        Header cache = response.getFirstHeader("Cache-Control");
        Optional<Duration> maxAge = Optional.empty();
        if (cache != null) {
            Matcher m = MAX_AGE.matcher(cache.getValue());
            if (m.find()) {
                try {
                    maxAge = Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1))));
                } catch (NumberFormatException e) {
                    maxAge = Optional.empty();
                }
            }
        }
        return new FetchedDocument(uri, status, type == null ? null : type.getValue(), body, maxAge);
    }

    private byte[] readCapped(InputStream in, long deadline) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            if (out.size() > policy.maxBytes()) {
                throw new WrappedFetchException(new FetchException(FetchFailure.TOO_LARGE,
                        "the document is larger than " + policy.maxBytes() / 1024 + " KiB"));
            }
            if (System.nanoTime() > deadline) {
                throw new WrappedFetchException(new FetchException(FetchFailure.TIMEOUT,
                        "the document did not arrive within " + policy.timeout().toSeconds() + " s"));
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** Carries a FetchException through HttpClient's IOException-only handler. */
    private static final class WrappedFetchException extends IOException {
        private final FetchException failure;

        WrappedFetchException(FetchException failure) {
            super(failure.getMessage(), null);
            this.failure = failure;
        }
    }

    /** Resolves names and refuses forbidden answers: the check and the connection use the same addresses. */
    private static final class VettingResolver implements DnsResolver {
        private final Predicate<InetAddress> forbidden;

        VettingResolver(Predicate<InetAddress> forbidden) {
            this.forbidden = forbidden;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
            for (InetAddress a : addresses) {
                if (forbidden.test(a)) {
                    throw new WrappedAddressRefusal();
                }
            }
            return addresses;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
        }
    }

    /** Thrown from the resolver; surfaces as ADDRESS_NOT_ALLOWED. */
    private static final class WrappedAddressRefusal extends UnknownHostException {
        WrappedAddressRefusal() {
            super("address not allowed");
        }
    }
}
