package io.gatehouse.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one address rule, address by address and host by host; every forbidden row has public twins. */
class AddressRulesTest {

    @ParameterizedTest(name = "{0} forbidden: {1}")
    @CsvSource({
            // IPv4: each special-purpose block, and a public neighbour just outside it
            "0.0.0.0, true", "0.255.255.255, true", "1.0.0.1, false",
            "10.0.0.1, true", "11.0.0.1, false",
            "100.64.0.1, true", "100.127.255.254, true", "100.63.255.255, false", "100.128.0.1, false",
            "127.0.0.1, true", "127.255.255.254, true", "128.0.0.1, false",
            "169.254.169.254, true", "169.253.0.1, false",
            "172.16.0.1, true", "172.31.255.254, true", "172.15.0.1, false", "172.32.0.1, false",
            "192.0.0.8, true", "192.0.2.7, true", "192.0.3.1, false",
            "192.88.99.1, true",
            "192.168.1.1, true", "192.169.0.1, false",
            "198.18.0.1, true", "198.19.255.254, true", "198.17.255.255, false", "198.20.0.1, false",
            "198.51.100.7, true", "203.0.113.7, true", "203.0.114.1, false",
            "224.0.0.1, true", "239.255.255.250, true", "223.255.255.254, false",
            "240.0.0.1, true", "255.255.255.255, true",
            "93.184.216.34, false", "8.8.8.8, false",
            // IPv6
            "::, true", "::1, true",
            "fe80::1, true", "febf::1, true", "fec0::1, true",
            "fc00::1, true", "fd12:3456::1, true", "fe00::1, false",
            "ff02::1, true",
            "100::1, true", "2001::1, true", "2001:db8::1, true", "3fff::1, true", "5f00::1, true",
            "2606:2800:220:1::1, false", "2a00:1450:4001::200e, false",
            // IPv4-mapped: judged by the IPv4 address it carries; IPv4-compatible (deprecated): never
            "::ffff:10.0.0.1, true", "::ffff:127.0.0.1, true", "::ffff:93.184.216.34, false",
            "::10.0.0.1, true", "::127.0.0.1, true", "::169.254.169.254, true", "::93.184.216.34, true",
            // IPv4-translated (SIIT)
            "::ffff:0:7f00:1, true", "::ffff:0:5db8:d822, false",
            // NAT64 well-known prefix; the local-use prefix is never public
            "64:ff9b::7f00:1, true", "64:ff9b::a9fe:a9fe, true", "64:ff9b::c612:1, true", "64:ff9b::5db8:d822, false",
            "64:ff9b:1::5db8:d822, true",
            // 6to4
            "2002:7f00:1::1, true", "2002:a00:1::, true", "2002:c0a8:101::1, true", "2002:5db8:d822::1, false",
    })
    void addresses(String address, boolean forbidden) {
        assertThat(AddressRules.isForbidden(InetAddresses.forString(address))).isEqualTo(forbidden);
    }

    @Test
    void anIpv4MappedAddressThatJavaKeptAsIpv6IsJudgedByItsIpv4Address() throws Exception {
        // with a scope Java keeps the ::ffff:a.b.c.d form instead of turning it into an Inet4Address
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        InetAddress kept = Inet6Address.getByAddress(null, mapped, 1);
        assertThat(kept).isInstanceOf(Inet6Address.class);
        assertThat(AddressRules.isForbidden(kept)).isTrue();
        mapped[12] = 93;
        mapped[13] = (byte) 184;
        mapped[14] = (byte) 216;
        mapped[15] = 34;
        assertThat(AddressRules.isForbidden(Inet6Address.getByAddress(null, mapped, 1))).isFalse();
    }

    @ParameterizedTest(name = "{0} forbidden: {1}")
    @CsvSource({
            "idp.example.com, false", "login.microsoftonline.com, false", "IDP.Example.COM, false",
            "1.2.3.4.nip.example.com, false", "93.184.216.34, false", "[2606:2800:220:1::1], false",
            // literals
            "127.0.0.1, true", "10.0.0.8, true", "0.0.0.0, true", "100.64.0.1, true", "198.18.0.1, true",
            "240.0.0.1, true", "[::1], true", "[::], true", "[fd00::1], true", "[::ffff:127.0.0.1], true",
            "[::10.0.0.1], true", "[64:ff9b::a9fe:a9fe], true", "[2002:7f00:1::1], true",
            // numbers that resolvers read as addresses: 127.0.0.1 in other spellings
            "2130706433, true", "127.1, true", "0x7f.0.0.1, true", "0177.0.0.1, true", "0x7f000001, true",
            "127.000.000.001, true", "[1:2], true", "[::1%lo], true",
            // local-only names
            "localhost, true", "LOCALHOST, true", "localhost., true", "app.localhost, true", "printer.local, true",
            "metadata.google.internal, true", "nas.home.arpa, true", "host.localdomain, true", "intranet, true",
            "idp.example.com., false",
    })
    void hostsOnTheirFace(String host, boolean forbidden) {
        assertThat(AddressRules.isForbiddenHost(host)).isEqualTo(forbidden);
    }

    @Test
    void literalsAreParsedWithoutDns() {
        assertThat(AddressRules.literal("[::1]")).contains(InetAddresses.forString("::1"));
        assertThat(AddressRules.literal("192.0.2.7")).contains(InetAddresses.forString("192.0.2.7"));
        assertThat(AddressRules.literal("idp.example.com")).isEmpty();
        assertThat(AddressRules.literal("127.1")).isEmpty();
    }

    @Test
    void blocksParseAndContain() {
        AddressBlock v4 = AddressBlock.parse("100.64.0.0/10");
        assertThat(v4.contains(InetAddresses.forString("100.127.0.1"))).isTrue();
        assertThat(v4.contains(InetAddresses.forString("100.128.0.1"))).isFalse();
        assertThat(v4.contains(InetAddresses.forString("::1"))).isFalse();
        assertThat(AddressBlock.parse(" 10.1.2.3 ").prefixLength()).isEqualTo(32);
        assertThat(AddressBlock.parse("2001:db8::/32").contains(InetAddresses.forString("2001:db8:ffff::1"))).isTrue();
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(InetAddresses.forString("8.8.8.8"))).isTrue();
        assertThat(AddressBlock.parse("fc00::/7").toString()).isEqualTo("fc00::/7");
        for (String bad : new String[] {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com/8", "10.0.0/8",
                "", "10.0.0.0/-1"}) {
            assertThatThrownBy(() -> AddressBlock.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
