package io.gatehouse.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The one way Gatehouse fetches from the network (IdP metadata, OIDC discovery, JWKS). The DNS
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
        Timeout timeout = Timeout.of(policy.timeout());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new VettingResolver(forbidden))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .setMaxConnTotal(20).setMaxConnPerRoute(4)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableAutomaticRetries()
                .setUserAgent("Gatehouse/0.1")
                .build();
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
                FetchedDocument doc = client.execute(get, response -> read(response, deadline, requested));
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
        String host = uri.getHost();
        if (host.startsWith("[") || host.matches("[0-9.]+")) {
            try {
                if (forbidden.test(InetAddress.getByName(host.replace("[", "").replace("]", "")))) {
                    throw new FetchException(FetchFailure.ADDRESS_NOT_ALLOWED,
                            "loopback, private and link-local addresses are not fetched");
                }
            } catch (UnknownHostException e) {
                throw new FetchException(FetchFailure.INVALID_URL, "the host is not a valid address");
            }
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

    /** Reads one response; for a redirect the Location travels in the contentType slot, body empty. */
    private FetchedDocument read(ClassicHttpResponse response, long deadline, URI uri) throws IOException {
        int status = response.getCode();
        if (status >= 300 && status < 400) {
            Header location = response.getFirstHeader("Location");
            return new FetchedDocument(uri, status, location == null ? null : location.getValue(), new byte[0],
                    Optional.empty());
        }
        HttpEntity entity = response.getEntity();
        byte[] body = new byte[0];
        if (entity != null && status >= 200 && status < 300) {
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
