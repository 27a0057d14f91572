package io.gatehouse.issuer;

import io.gatehouse.config.GatehouseProperties;
import org.springframework.stereotype.Component;

/** Gatehouse as an OpenID provider: its issuer identifier (the public base URL) and endpoint URLs. */
@Component
class Issuer {
    private final String url;

    Issuer(GatehouseProperties properties) {
        this.url = properties.baseUrl();
    }

    String url() {
        return url;
    }

    String endpoint(String path) {
        return url + path;
    }
}
