package io.gatehouse.config;

import io.gatehouse.crypto.KeyPairPool;
import io.gatehouse.crypto.MasterKeys;
import io.gatehouse.crypto.SecretBox;
import io.gatehouse.metadata.FetchPolicy;
import io.gatehouse.metadata.SafeFetcher;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the framework-free building blocks (crypto, fetching) as beans. */
@Configuration(proxyBeanMethods = false)
class InfrastructureBeans {

    @Bean
    SecretBox secretBox(GatehouseProperties properties) {
        return MasterKeys.load(properties.masterKey(), properties.dataDir());
    }

    @Bean(destroyMethod = "close")
    KeyPairPool spKeyPool(GatehouseProperties properties, Clock clock) {
        return new KeyPairPool(properties.spKeyPoolSize(), clock);
    }

    @Bean
    SafeFetcher safeFetcher(GatehouseProperties properties) {
        return new SafeFetcher(FetchPolicy.defaults(properties.privateNetworkFetchAllowed()));
    }
}
