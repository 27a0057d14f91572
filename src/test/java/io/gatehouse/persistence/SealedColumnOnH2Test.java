package io.gatehouse.persistence;

import com.zaxxer.hikari.HikariConfig;
import java.util.UUID;

/** On H2 in the mode production uses. */
class SealedColumnOnH2Test extends SealedColumnTests {
    @Override
    protected HikariConfig database() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:sealed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;"
                + DatabaseConfiguration.H2_MODE);
        config.setUsername("sa");
        config.setPassword("");
        return config;
    }
}
