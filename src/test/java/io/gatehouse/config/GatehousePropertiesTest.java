package io.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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

    @Test
    void dnsServersAreHostAndPortWithPort53WhenLeftOut() {
        GatehouseProperties p = fromEnvironment(Map.of(
                "GATEHOUSE_DNS_SERVERS", " 127.0.0.1:5353, 192.0.2.53 ,[::1]:5300,[2001:db8::53],::1,"));
        assertThat(p.dnsResolvers()).containsExactly(
                new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("192.0.2.53", 53),
                new InetSocketAddress("::1", 5300), new InetSocketAddress("2001:db8::53", 53),
                new InetSocketAddress("::1", 53));
        assertThat(fromEnvironment(Map.of()).dnsResolvers()).isEmpty();
        for (String wrong : List.of("127.0.0.1:", "127.0.0.1:dns", "127.0.0.1:70000", "[::1", "[::1]53", ":53")) {
            GatehouseProperties q = fromEnvironment(Map.of("GATEHOUSE_DNS_SERVERS", wrong));
            assertThatThrownBy(q::dnsResolvers).as(wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("GATEHOUSE_DNS_SERVERS");
        }
    }
}
