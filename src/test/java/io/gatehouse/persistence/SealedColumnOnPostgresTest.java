package io.gatehouse.persistence;

import com.zaxxer.hikari.HikariConfig;
import io.gatehouse.testkit.TestDatabases;

/** On a real PostgreSQL, a fresh database per test. */
class SealedColumnOnPostgresTest extends SealedColumnTests {
    @Override
    protected HikariConfig database() {
        TestDatabases.PostgresDatabase db = TestDatabases.freshPostgres();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        if (db.password() != null) {
            config.setPassword(db.password());
        }
        return config;
    }
}
