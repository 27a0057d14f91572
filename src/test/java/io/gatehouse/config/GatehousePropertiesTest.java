package io.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The environment variables README documents bind to the settings, and unset ones take the defaults. */
class GatehousePropertiesTest {

    private static GatehouseProperties fromEnvironment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-env", variables));
        return new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("gatehouse", GatehouseProperties.class);
    }

    @Test
    void trustedProxiesAndRateLimitsComeFromTheirVariables() {
        GatehouseProperties p = fromEnvironment(Map.of(
                "GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8,fd00::/8",
                "GATEHOUSE_API_KEY_FAILURE_LIMIT", "7",
                "GATEHOUSE_API_KEY_FAILURE_WINDOW", "15m",
                "GATEHOUSE_DISCOVERY_MISS_LIMIT", "12",
                "GATEHOUSE_DISCOVERY_HIT_LIMIT", "2000",
                "GATEHOUSE_DISCOVERY_LOOKUP_WINDOW", "30s"));
        assertThat(p.trustedProxies()).isEqualTo("10.0.0.0/8,fd00::/8");
        assertThat(p.rateLimits()).isEqualTo(new GatehouseProperties.RateLimitSettings(7, Duration.ofMinutes(15), 12,
                2000, Duration.ofSeconds(30)));
    }

    @Test
    void unsetOrNonsensicalLimitsTakeTheDefaults() {
        GatehouseProperties unset = fromEnvironment(Map.of());
        assertThat(unset.trustedProxies()).isEmpty();
        assertThat(unset.rateLimits()).isEqualTo(new GatehouseProperties.RateLimitSettings(20, Duration.ofMinutes(10), 30,
                600, Duration.ofMinutes(1)));
        GatehouseProperties zero = fromEnvironment(Map.of("GATEHOUSE_API_KEY_FAILURE_LIMIT", "0",
                "GATEHOUSE_DISCOVERY_MISS_LIMIT", "0", "GATEHOUSE_DISCOVERY_HIT_LIMIT", "-3",
                "GATEHOUSE_DISCOVERY_LOOKUP_WINDOW", "-5s"));
        assertThat(zero.rateLimits()).isEqualTo(unset.rateLimits());
    }
}
