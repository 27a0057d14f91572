package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.gatehouse.metadata.AddressBlock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The client-address rule, row by row: the peer, unless it is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not one. (Over HTTP: ApiKeyFailureLimitOnH2Test, DiscoveryLimitOnH2Test.)
 */
class ClientAddressTest {
    private static final ClientAddress NO_PROXIES = ClientAddress.trusting(List.of());
    private static final ClientAddress BEHIND_PROXIES = ClientAddress.trusting(
            ClientAddress.parse("127.0.0.1/32, 10.0.0.0/8 ,fd00::/8"));

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For [{1}]: {2} / trusted proxies: {3}")
    @CsvSource(delimiter = '|', value = {
            // peer       | X-Forwarded-For (headers split by ;)     | no proxies trusted | 127.0.0.1, 10/8, fd00::/8 trusted
            "198.51.100.9 | 203.0.113.5                              | 198.51.100.9 | 198.51.100.9",
            "127.0.0.1    |                                          | 127.0.0.1    | 127.0.0.1",
            "127.0.0.1    | 203.0.113.5                              | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | 6.6.6.6, 203.0.113.5                     | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | 203.0.113.5, 10.1.2.3                    | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | 6.6.6.6, 203.0.113.5, 10.1.2.3, 10.4.5.6 | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | 6.6.6.6;203.0.113.5                      | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | 203.0.113.5:4711                         | 127.0.0.1    | 203.0.113.5",
            "127.0.0.1    | [2001:db8::5]:4711                       | 127.0.0.1    | 2001:db8::5",
            "127.0.0.1    | 2001:db8::5                              | 127.0.0.1    | 2001:db8::5",
            "fd00::1      | 2001:db8::5, fd00::2                     | fd00::1      | 2001:db8::5",
            // every hop trusted: the left-most is the best there is
            "127.0.0.1    | 10.9.9.9, 10.1.2.3                       | 127.0.0.1    | 10.9.9.9",
            // an entry that is no address ends the walk at the proxy that wrote it
            "127.0.0.1    | 203.0.113.5, unknown                     | 127.0.0.1    | 127.0.0.1",
            "127.0.0.1    | 203.0.113.5, 10.1.2.3, _hidden           | 127.0.0.1    | 127.0.0.1",
            "127.0.0.1    | 203.0.113.5, _hidden, 10.1.2.3           | 127.0.0.1    | 10.1.2.3",
            "127.0.0.1    | 203.0.113.5, evil.example                | 127.0.0.1    | 127.0.0.1",
    })
    void clientAddresses(String peer, String forwardedFor, String withoutProxies, String behindProxies) {
        List<String> headers = forwardedFor == null ? List.of() : Arrays.asList(forwardedFor.split(";"));
        assertThat(NO_PROXIES.resolve(InetAddresses.forString(peer), headers))
                .isEqualTo(InetAddresses.forString(withoutProxies));
        assertThat(BEHIND_PROXIES.resolve(InetAddresses.forString(peer), headers))
                .isEqualTo(InetAddresses.forString(behindProxies));
    }

    @Test
    void trustedProxiesAreCidrBlocksAndABadOneStopsTheStart() {
        assertThat(ClientAddress.parse("")).isEmpty();
        assertThat(ClientAddress.parse(" 10.0.0.0/8, ,192.168.1.7 ")).containsExactly(AddressBlock.parse("10.0.0.0/8"),
                AddressBlock.parse("192.168.1.7/32"));
        assertThatThrownBy(() -> ClientAddress.parse("10.0.0.0/8, proxy.internal"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("GATEHOUSE_TRUSTED_PROXIES:");
        assertThatThrownBy(() -> ClientAddress.parse("10.0.0.0/40")).isInstanceOf(IllegalStateException.class);
    }
}
