package io.gatehouse.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** H2's statistics change only when the background refresh runs, never inside a writer's commit. */
class H2StatisticsTest {

    @Test
    void commitsLeaveTheStatisticsAloneAndTheRefreshUpdatesThem(@TempDir Path dir) throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("gatehouse") + ";" + DatabaseConfiguration.H2_MODE);
        h2.setUser("sa");
        SingleConnectionDataSource ds = new SingleConnectionDataSource(h2.getConnection(), true);
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("create table routes (id int primary key, org varchar(20))").update();
        // past H2's first automatic analysis (2,000 changes), one commit each
        for (int i = 0; i < 2_500; i++) {
            jdbc.sql("insert into routes values (?, ?)").params(i, "org-" + (i % 5)).update();
        }
        // 50 is H2's default selectivity: no commit sampled the table
        assertThat(selectivities(jdbc)).isEqualTo(Map.of("id", 50, "org", 50));

        new H2Statistics(jdbc, true).analyze();

        // ids are all distinct (100); five orgs over 2,500 rows is nearly none (1)
        assertThat(selectivities(jdbc)).isEqualTo(Map.of("id", 100, "org", 1));
        ds.destroy();
    }

    private static Map<String, Integer> selectivities(JdbcClient jdbc) {
        return jdbc.sql("select column_name, selectivity from information_schema.columns where table_schema = 'public' and table_name = 'routes'")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
