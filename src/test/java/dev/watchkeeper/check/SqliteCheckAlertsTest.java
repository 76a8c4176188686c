package dev.watchkeeper.check;

import dev.watchkeeper.config.WatchkeeperConfig.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteCheckAlertsTest extends CheckAlertsContract {
  @TempDir Path dir;

  @Override
  Storage storage() {
    return new Storage("", null, null, dir, 4, 1);
  }
}
