package io.gatehouse.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.config.GatehouseProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the database: PostgreSQL when GATEHOUSE_DB_URL is set, else an H2 file under the data folder. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {
    /**
     * H2 speaks enough PostgreSQL in this mode for the one migration set to serve both. Its own
     * statistics upkeep is off ({@code ANALYZE_AUTO=0}): it samples 10,000 rows of a table inside the
     * commit of whichever request made the table's 2,000th, 6,000th, 14,000th... change, with that
     * request's locks held; {@link H2Statistics} does it in the background instead.
     */
    static final String H2_MODE = "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=64"
            + ";ANALYZE_AUTO=0";

    @Bean(destroyMethod = "close")
    DataSource dataSource(GatehouseProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse");
        if (properties.usesEmbeddedDatabase()) {
            Path dir = properties.dataDir().toAbsolutePath();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data folder " + dir, e);
            }
            config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("gatehouse") + ";" + H2_MODE);
            config.setUsername("sa");
            config.setPassword("");
            config.setMaximumPoolSize(8);
        } else {
            config.setJdbcUrl(properties.dbUrl());
            if (properties.dbUser() != null) {
                config.setUsername(properties.dbUser());
            }
            if (properties.dbPassword() != null) {
                config.setPassword(properties.dbPassword());
            }
            config.setMaximumPoolSize(12);
        }
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }
}
