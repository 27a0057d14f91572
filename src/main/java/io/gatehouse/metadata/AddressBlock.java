package io.gatehouse.metadata;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/** A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}). */
public record AddressBlock(InetAddress network, int prefixLength) {

    public AddressBlock {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("the prefix length must be between 0 and " + bits);
        }
    }

    /**
     * Parses {@code address/length}, or a single address (its whole length). Literals only: a name
     * is refused, never resolved.
     */
    public static AddressBlock parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        InetAddress network = InetAddresses.forString(address);
        if (slash < 0) {
            return new AddressBlock(network, network.getAddress().length * 8);
        }
        String length = text.substring(slash + 1);
        if (!length.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
        return new AddressBlock(network, Integer.parseInt(length));
    }

    /** Whether the address lies in this block (an IPv4 address never lies in an IPv6 block, nor the reverse). */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        byte[] net = network.getAddress();
        if (address.length != net.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != net[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (net[full] & mask);
    }

    @Override
    public String toString() {
        return InetAddresses.toAddrString(network) + "/" + prefixLength;
    }
}
