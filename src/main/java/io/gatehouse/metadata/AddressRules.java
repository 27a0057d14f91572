package io.gatehouse.metadata;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one rule for which hosts and addresses Gatehouse never fetches from (unless private-network
 * fetching is allowed for development): checked on URLs when a provider is saved, on the host of
 * every request and on every address DNS answers for it. The blocks are IANA's special-purpose
 * addresses that are not globally reachable; an IPv6 address that carries an IPv4 address (mapped,
 * translated, NAT64, 6to4) is judged by the IPv4 address it leads to, and the deprecated
 * IPv4-compatible form {@code ::a.b.c.d} is refused whatever it carries.
 */
public final class AddressRules {
    private static final List<AddressBlock> FORBIDDEN = Stream.of(
            // IPv4
            "0.0.0.0/8",          // "this" network; 0.0.0.0 reaches the local host
            "10.0.0.0/8",         // private
            "100.64.0.0/10",      // carrier-grade NAT
            "127.0.0.0/8",        // loopback
            "169.254.0.0/16",     // link-local, cloud metadata services
            "172.16.0.0/12",      // private
            "192.0.0.0/24",       // IETF protocol assignments
            "192.0.2.0/24",       // documentation
            "192.88.99.0/24",     // 6to4 relay anycast (deprecated)
            "192.168.0.0/16",     // private
            "198.18.0.0/15",      // benchmarking
            "198.51.100.0/24",    // documentation
            "203.0.113.0/24",     // documentation
            "224.0.0.0/4",        // multicast
            "240.0.0.0/4",        // reserved, and the broadcast address
            // IPv6 (::ffff:0:0/96, ::ffff:0:0:0/96, 64:ff9b::/96 and 2002::/16 are judged by the IPv4 they carry)
            "::/96",              // unspecified, loopback, and IPv4-compatible ::a.b.c.d (deprecated, never routed)
            "64:ff9b:1::/48",     // local-use NAT64
            "100::/64",           // discard-only
            "2001::/23",          // IETF protocol assignments, Teredo among them
            "2001:db8::/32",      // documentation
            "3fff::/20",          // documentation
            "5f00::/16",          // segment routing
            "fc00::/7",           // unique-local
            "fe80::/10",          // link-local
            "fec0::/10",          // site-local (deprecated)
            "ff00::/8")           // multicast
            .map(AddressBlock::parse).toList();
    /** IPv6 blocks whose last 32 bits are an IPv4 address. */
    private static final List<AddressBlock> CARRY_IPV4_AT_END = Stream.of(
            "::ffff:0:0:0/96",    // IPv4-translated (SIIT)
            "64:ff9b::/96")       // NAT64 well-known prefix
            .map(AddressBlock::parse).toList();
    private static final AddressBlock SIX_TO_FOUR = AddressBlock.parse("2002::/16");
    /** Names that only ever mean something inside a network. */
    private static final List<String> LOCAL_SUFFIXES = List.of(".localhost", ".local", ".internal", ".home.arpa",
            ".localdomain");

    private AddressRules() {
    }

    /** Whether a fetch may never reach this address. */
    public static boolean isForbidden(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            if (isIpv4Mapped(b)) {
                return isForbiddenIpv4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            for (AddressBlock block : CARRY_IPV4_AT_END) {
                if (block.contains(b)) {
                    return isForbiddenIpv4(new byte[] {b[12], b[13], b[14], b[15]});
                }
            }
            if (SIX_TO_FOUR.contains(b)) {
                return isForbiddenIpv4(new byte[] {b[2], b[3], b[4], b[5]});
            }
        }
        return FORBIDDEN.stream().anyMatch(block -> block.contains(b));
    }

    /**
     * ::ffff:0:0/96, tested on the bytes: Java turns such an address into its IPv4 address whenever
     * it parses or builds one, so only an Inet6Address made with a scope keeps this form.
     */
    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static boolean isForbiddenIpv4(byte[] b) {
        return FORBIDDEN.stream().anyMatch(block -> block.contains(b));
    }

    /**
     * Whether a URL's host is, on its face (no DNS), one a fetch may never reach: a forbidden
     * address literal; a number that is not a plain dotted quad ({@code 2130706433}, {@code 0x7f.1},
     * {@code 127.1}, {@code 0177.0.0.1}: resolvers read these as addresses); a malformed IPv6
     * literal; a local-only name ({@code localhost}, {@code *.internal}, ...) or a name without a
     * dot (resolved through the local search domains).
     */
    public static boolean isForbiddenHost(String host) {
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            return isForbidden(literal.get());
        }
        String name = bare(host);
        if (name.isEmpty() || name.contains(":") || name.contains("%")) {
            return true;
        }
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (last.matches("[0-9]+") || last.matches("0x[0-9a-f]*")) {
            return true;
        }
        return !name.contains(".") || name.equals("localhost") || LOCAL_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /**
     * The address a host names literally ({@code 192.0.2.7}, {@code [2001:db8::7]}), parsed without
     * DNS; empty for a name.
     */
    public static Optional<InetAddress> literal(String host) {
        String h = bare(host);
        return InetAddresses.isInetAddress(h) ? Optional.of(InetAddresses.forString(h)) : Optional.empty();
    }

    /** Lower case, without IPv6 brackets and without the root's trailing dot ({@code localhost.}). */
    private static String bare(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
