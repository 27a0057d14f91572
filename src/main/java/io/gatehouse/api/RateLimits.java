package io.gatehouse.api;

import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.config.GatehouseProperties.RateLimitSettings;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** The rate limits per client address, as configured (GATEHOUSE_API_KEY_FAILURE_*, GATEHOUSE_DISCOVERY_*). */
@Component
public class RateLimits {
    /** Addresses remembered per limit: about 100 bytes each, so a few MB at most. */
    private static final int MAX_ADDRESSES = 50_000;
    private final RateLimit apiKeyFailures;
    private final DiscoveryLimit discovery;

    RateLimits(GatehouseProperties properties, Clock clock, ClientAddress clients) {
        RateLimitSettings s = properties.rateLimits();
        this.apiKeyFailures = new RateLimit(s.apiKeyFailures(), s.apiKeyFailureWindow(), clock, clients, MAX_ADDRESSES);
        this.discovery = new DiscoveryLimit(
                new RateLimit(s.discoveryMisses(), s.discoveryWindow(), clock, clients, MAX_ADDRESSES),
                new RateLimit(s.discoveryHits(), s.discoveryWindow(), clock, clients, MAX_ADDRESSES), clock, clients);
    }

    /** Wrong API keys presented (a scanner, or a script with a revoked key); a right key is never counted. */
    public RateLimit apiKeyFailures() {
        return apiKeyFailures;
    }

    /** Identity-provider lookups at /oauth2/authorize: each tells whether an org or domain uses Gatehouse. */
    public DiscoveryLimit discovery() {
        return discovery;
    }
}
