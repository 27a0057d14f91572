package io.gatehouse.config;

import java.nio.file.Path;
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
        Boolean signInBrowserBinding) {

    public GatehouseProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        baseUrl = baseUrl == null || baseUrl.isBlank() ? "http://localhost:8080" : stripTrailingSlash(baseUrl);
        spKeyPoolSize = spKeyPoolSize <= 0 ? 4 : spKeyPoolSize;
        signInBrowserBinding = signInBrowserBinding == null || signInBrowserBinding;
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
                + usesEmbeddedDatabase() + ", allowPrivateNetworkFetch=" + allowPrivateNetworkFetch + ", demo=" + demo + "]";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
