package io.gatehouse.api;

import jakarta.servlet.http.HttpServletRequest;

/** The address a request is counted against for rate limits and throttled log lines. */
public final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * The peer's address as the container sees it. The one place to change when a trusted proxy's
     * X-Forwarded-For is to be believed (GATEHOUSE_TRUSTED_PROXIES).
     */
    public static String of(HttpServletRequest request) {
        return request.getRemoteAddr();
    }
}
