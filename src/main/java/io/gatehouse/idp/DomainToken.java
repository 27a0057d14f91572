package io.gatehouse.idp;

import io.gatehouse.crypto.RandomTokens;
import java.util.HexFormat;

/**
 * The token of an org's ownership challenge for a domain, made when the org first lists the domain: 128
 * random bits as 32 lower-case hex digits (safe in DNS text, URLs and case-folding UIs). It lives here, with
 * the registry that stores it, so that the domains capability (which checks it) depends on the registry and
 * not the other way round.
 */
public final class DomainToken {
    private DomainToken() {
    }

    public static String generate() {
        return HexFormat.of().formatHex(RandomTokens.bytes(16));
    }
}
