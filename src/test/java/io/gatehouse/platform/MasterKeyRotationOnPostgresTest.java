package io.gatehouse.platform;

import io.gatehouse.testkit.TestDatabases;
import java.nio.file.Path;
import java.util.List;

/** On a real PostgreSQL: a fresh database per test, which every restart of that test uses again. */
class MasterKeyRotationOnPostgresTest extends MasterKeyRotationTests {
    @Override
    protected List<String> database(Path dataDir) {
        TestDatabases.PostgresDatabase db = TestDatabases.freshPostgres();
        return List.of("--gatehouse.db-url=" + db.jdbcUrl(), "--gatehouse.db-user=" + db.user(),
                "--gatehouse.db-password=" + (db.password() == null ? "" : db.password()));
    }
}
