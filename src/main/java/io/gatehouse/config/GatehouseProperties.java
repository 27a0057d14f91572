package io.gatehouse.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Gatehouse's settings, bound from the environment ({@code GATEHOUSE_BASE_URL} becomes
 * {@code gatehouse.base-url} and so on).
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(
        String baseUrl,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        String adminKey,
        String masterKey,
        boolean allowPrivateNetworkFetch,
        boolean demo,
        int spKeyPoolSize,
        Boolean signInBrowserBinding,
        String trustedProxies,
        int apiKeyFailureLimit,
        Duration apiKeyFailureWindow,
        int discoveryMissLimit,
        int discoveryHitLimit,
        Duration discoveryLookupWindow,
        String dnsServers,
        String domainVerification) {

    public GatehouseProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        baseUrl = baseUrl == null || baseUrl.isBlank() ? "http://localhost:8080" : stripTrailingSlash(baseUrl);
        spKeyPoolSize = spKeyPoolSize <= 0 ? 4 : spKeyPoolSize;
        signInBrowserBinding = signInBrowserBinding == null || signInBrowserBinding;
        trustedProxies = trustedProxies == null ? "" : trustedProxies;
        apiKeyFailureLimit = apiKeyFailureLimit <= 0 ? 20 : apiKeyFailureLimit;
        apiKeyFailureWindow = positiveOr(apiKeyFailureWindow, Duration.ofMinutes(10));
        discoveryMissLimit = discoveryMissLimit <= 0 ? 30 : discoveryMissLimit;
        discoveryHitLimit = discoveryHitLimit <= 0 ? 600 : discoveryHitLimit;
        discoveryLookupWindow = positiveOr(discoveryLookupWindow, Duration.ofMinutes(1));
        dnsServers = dnsServers == null ? "" : dnsServers.strip();
        domainVerification = domainVerification == null || domainVerification.isBlank() ? "on"
                : domainVerification.strip().toLowerCase(java.util.Locale.ROOT);
        if (!domainVerification.equals("on") && !domainVerification.equals("off")) {
            throw new IllegalArgumentException("GATEHOUSE_DOMAIN_VERIFICATION is on or off, not " + domainVerification);
        }
    }

    /**
     * Whether an org must prove a domain by DNS before it is its own ({@code GATEHOUSE_DOMAIN_VERIFICATION},
     * {@code on} by default); {@code off} (single-tenant installs) makes every new domain verified on claim.
     */
    public boolean domainVerificationRequired() {
        return domainVerification.equals("on");
    }

    private static Duration positiveOr(Duration value, Duration fallback) {
        return value == null || value.isNegative() || value.isZero() ? fallback : value;
    }

    /**
     * The resolvers DNS TXT lookups ask ({@code GATEHOUSE_DNS_SERVERS}: comma-separated {@code host:port},
     * the port 53 when left out, IPv6 addresses in brackets); empty when unset, meaning the system's.
     * Host names are resolved here, once.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host:port}
     */
    public List<InetSocketAddress> dnsResolvers() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String entry : dnsServers.split(",")) {
            String e = entry.strip();
            if (!e.isEmpty()) {
                out.add(hostAndPort(e));
            }
        }
        return List.copyOf(out);
    }

    private static InetSocketAddress hostAndPort(String entry) {
        String host;
        String port = "53";
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || (close + 1 < entry.length() && entry.charAt(close + 1) != ':')) {
                throw notHostAndPort(entry);
            }
            host = entry.substring(1, close);
            if (close + 1 < entry.length()) {
                port = entry.substring(close + 2);
            }
        } else if (entry.indexOf(':') != entry.lastIndexOf(':')) {
            host = entry; // a bare IPv6 address: its colons leave no room for a port
        } else {
            int colon = entry.indexOf(':');
            host = colon < 0 ? entry : entry.substring(0, colon);
            port = colon < 0 ? port : entry.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException ex) {
            throw notHostAndPort(entry);
        }
        if (host.isEmpty() || number < 1 || number > 65535) {
            throw notHostAndPort(entry);
        }
        InetSocketAddress address = new InetSocketAddress(host, number);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("GATEHOUSE_DNS_SERVERS: cannot resolve the host of " + entry);
        }
        return address;
    }

    private static IllegalArgumentException notHostAndPort(String entry) {
        return new IllegalArgumentException("GATEHOUSE_DNS_SERVERS: " + entry + " is not host:port");
    }

    /** The rate limits per client address. */
    public RateLimitSettings rateLimits() {
        return new RateLimitSettings(apiKeyFailureLimit, apiKeyFailureWindow, discoveryMissLimit, discoveryHitLimit,
                discoveryLookupWindow);
    }

    /**
     * Limits per client address (GATEHOUSE_API_KEY_FAILURE_LIMIT and _WINDOW,
     * GATEHOUSE_DISCOVERY_MISS_LIMIT, GATEHOUSE_DISCOVERY_HIT_LIMIT, GATEHOUSE_DISCOVERY_LOOKUP_WINDOW);
     * each window is fixed from the first event an address spends in it. Unset or non-positive values
     * take the defaults.
     *
     * @param apiKeyFailures      wrong API keys an address may present in a window; after them each
     *                            further wrong key is answered 429 until the window ends (a right key
     *                            is always honoured)
     * @param apiKeyFailureWindow that window
     * @param discoveryMisses     provider lookups at {@code /oauth2/authorize} (login_hint, organization,
     *                            identity_provider) that find nothing an address may make in a window:
     *                            enumerating orgs and domains is mostly misses, so this one is strict
     * @param discoveryHits       lookups that find a provider an address may make in a window: many
     *                            people signing in behind one NAT address, so this one is generous
     * @param discoveryWindow     the window of both
     */
    public record RateLimitSettings(int apiKeyFailures, Duration apiKeyFailureWindow, int discoveryMisses,
                                    int discoveryHits, Duration discoveryWindow) {
    }

    /**
     * Whether fetches may reach loopback and private addresses: for development and tests, and in
     * demo mode, whose built-in identity providers are served by Gatehouse itself on localhost.
     */
    public boolean privateNetworkFetchAllowed() {
        return allowPrivateNetworkFetch || demo;
    }

    /**
     * Whether a sign-in must finish in the browser that started it (against login CSRF). It needs a
     * cookie that survives the IdP's cross-site POST (SameSite=None; Secure), so it holds on https.
     */
    public boolean bindsSignInsToBrowser() {
        return signInBrowserBinding && baseUrl.startsWith("https:");
    }

    public boolean usesEmbeddedDatabase() {
        return dbUrl == null || dbUrl.isBlank();
    }

    @Override
    public String toString() {
        // never print the admin key, the master key or the database password
        return "GatehouseProperties[baseUrl=" + baseUrl + ", dataDir=" + dataDir + ", embeddedDb="
                + usesEmbeddedDatabase() + ", allowPrivateNetworkFetch=" + allowPrivateNetworkFetch + ", demo=" + demo
                + ", trustedProxies=" + trustedProxies + ", " + rateLimits() + ", dnsServers=" + dnsServers
                + ", domainVerification=" + domainVerification + "]";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
