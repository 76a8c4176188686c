package dev.watchkeeper.check;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.nio.file.Path;

class PostgresCheckAlertsTest extends CheckAlertsContract {
  @Override
  Storage storage() {
    TestPostgres.assumeAvailable();
    PgDatabase pg = TestPostgres.freshDatabase();
    return new Storage(pg.jdbcUrl(), pg.username(), pg.password(), Path.of("unused"), 4, 2);
  }
}
