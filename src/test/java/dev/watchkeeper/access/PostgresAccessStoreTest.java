package dev.watchkeeper.access;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import dev.watchkeeper.testing.EnabledUnlessPgSkipped;
import dev.watchkeeper.testing.PgDatabase;
import dev.watchkeeper.testing.TestPostgres;
import java.nio.file.Path;

@EnabledUnlessPgSkipped
class PostgresAccessStoreTest extends AccessStoreContract {
  @Override
  Storage storage() {
    PgDatabase pg = TestPostgres.freshDatabase();
    return new Storage(pg.jdbcUrl(), pg.username(), pg.password(), Path.of("unused"), 4, 2);
  }
}
