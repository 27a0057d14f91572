package io.gatehouse.idp;

import io.gatehouse.idp.oidc.OidcDiscoveryClient;
import io.gatehouse.metadata.SafeFetcher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the registry's framework-free parts. */
@Configuration(proxyBeanMethods = false)
class RegistryBeans {
    @Bean
    OidcDiscoveryClient oidcDiscoveryClient(SafeFetcher fetcher) {
        return new OidcDiscoveryClient(fetcher);
    }
}
