package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WARN for undecodable parameters is written once a minute per client address, from a bounded table. */
class UnreadableParametersTest {
    @Test
    void oncePerAddressPerMinute() {
        TestClock clock = TestClock.stoppedAt(Instant.parse("2026-01-01T00:00:00Z"));
        UnreadableParameters parameters = new UnreadableParameters(clock, ClientAddress.trusting(List.of()));
        assertThat(parameters.firstThisMinute("192.0.2.1")).isTrue();
        assertThat(parameters.firstThisMinute("192.0.2.1")).isFalse();
        // another client is logged on its own account
        assertThat(parameters.firstThisMinute("2001:db8::1")).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(parameters.firstThisMinute("192.0.2.1")).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(parameters.firstThisMinute("192.0.2.1")).isTrue();
        assertThat(parameters.firstThisMinute("192.0.2.1")).isFalse();
    }

    @Test
    void manyAddressesStayWithinTheBound() {
        UnreadableParameters parameters = new UnreadableParameters(TestClock.stoppedAt(Instant.parse("2026-01-01T00:00:00Z")),
                ClientAddress.trusting(List.of()));
        for (int i = 0; i < UnreadableParameters.MAX_ADDRESSES + 5_000; i++) {
            parameters.firstThisMinute("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }
        assertThat(parameters.remembered()).isLessThanOrEqualTo(UnreadableParameters.MAX_ADDRESSES);
    }
}
