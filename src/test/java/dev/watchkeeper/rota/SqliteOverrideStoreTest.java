package dev.watchkeeper.rota;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteOverrideStoreTest extends OverrideStoreContract {
  @TempDir Path dir;

  @Override
  Storage storage() {
    return new Storage("", null, null, dir, 4, 1);
  }
}
