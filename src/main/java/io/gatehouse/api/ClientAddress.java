package io.gatehouse.api;

import com.google.common.net.InetAddresses;
import io.gatehouse.config.GatehouseProperties;
import io.gatehouse.metadata.AddressBlock;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The address a request comes from, for rate limits and logs: the connection's peer; or, when the
 * peer is one of {@code GATEHOUSE_TRUSTED_PROXIES}, the right-most {@code X-Forwarded-For} entry
 * that is not a trusted proxy. Entries left of it were written by the client and prove nothing;
 * without trusted proxies the header is ignored, since anyone can send it.
 */
@Component
public class ClientAddress {
    private static final String ATTRIBUTE = ClientAddress.class.getName();
    private final List<AddressBlock> trustedProxies;

    @Autowired
    ClientAddress(GatehouseProperties properties) {
        this.trustedProxies = parse(properties.trustedProxies());
    }

    private ClientAddress(List<AddressBlock> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** A resolver that trusts these proxies. */
    public static ClientAddress trusting(List<AddressBlock> trustedProxies) {
        return new ClientAddress(trustedProxies);
    }

    /** Parses the comma-separated CIDR blocks of GATEHOUSE_TRUSTED_PROXIES; a bad one stops the start. */
    static List<AddressBlock> parse(String cidrs) {
        List<AddressBlock> blocks = new ArrayList<>();
        for (String cidr : cidrs.split(",")) {
            if (cidr.isBlank()) {
                continue;
            }
            try {
                blocks.add(AddressBlock.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("GATEHOUSE_TRUSTED_PROXIES: " + e.getMessage()
                        + " (expected comma-separated CIDR blocks such as 10.0.0.0/8, fd00::/8)");
            }
        }
        return List.copyOf(blocks);
    }

    /** The client's address (resolved once per request). */
    public InetAddress of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof InetAddress known) {
            return known;
        }
        List<String> forwardedFor = trustedProxies.isEmpty() ? List.of()
                : Collections.list(request.getHeaders("X-Forwarded-For"));
        InetAddress client = resolve(InetAddresses.forString(request.getRemoteAddr()), forwardedFor);
        request.setAttribute(ATTRIBUTE, client);
        return client;
    }

    /** The client's address as text for a log line (never a header's raw value). */
    public String text(HttpServletRequest request) {
        return InetAddresses.toAddrString(of(request));
    }

    /**
     * Walks from the peer leftwards through the X-Forwarded-For entries (several headers read as one
     * list, in order) while the address in hand is a trusted proxy. An entry that is no address
     * ("unknown", a proxy's obfuscated name) ends the walk at the last proxy that wrote one.
     */
    InetAddress resolve(InetAddress peer, List<String> forwardedForHeaders) {
        List<String> entries = new ArrayList<>();
        for (String header : forwardedForHeaders) {
            entries.addAll(Arrays.asList(header.split(",")));
        }
        InetAddress current = peer;
        for (int i = entries.size() - 1; i >= 0 && trusted(current); i--) {
            Optional<InetAddress> hop = address(entries.get(i));
            if (hop.isEmpty()) {
                return current;
            }
            current = hop.get();
        }
        return current;
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(block -> block.contains(address));
    }

    /** An entry's address: {@code 192.0.2.7}, {@code 192.0.2.7:4711}, {@code 2001:db8::7} or {@code [2001:db8::7]:4711}. */
    private static Optional<InetAddress> address(String entry) {
        String e = entry.strip();
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            e = close < 0 ? e : e.substring(1, close);
        } else if (e.indexOf(':') > 0 && e.indexOf(':') == e.lastIndexOf(':')) {
            e = e.substring(0, e.indexOf(':'));
        }
        return InetAddresses.isInetAddress(e) ? Optional.of(InetAddresses.forString(e)) : Optional.empty();
    }
}
