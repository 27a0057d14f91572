package io.gatehouse.idp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Recognizes host names that are, on their face, loopback, private or link-local (no DNS here). */
final class PrivateAddresses {
    private PrivateAddresses() {
    }

    static boolean isPrivateHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal")) {
            return true;
        }
        boolean literal = h.matches("[0-9.]+") || h.contains(":");
        if (!literal) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(h);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()
                    || a.isMulticastAddress() || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc)
                    || (a.getAddress().length == 4 && (a.getAddress()[0] & 0xff) == 100
                    && (a.getAddress()[1] & 0xc0) == 64);
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
