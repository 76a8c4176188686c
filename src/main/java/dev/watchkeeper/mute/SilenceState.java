package dev.watchkeeper.mute;

import java.util.Locale;

/** Where a silence is in its life, computed from the clock: pending, active, expired. */
public enum SilenceState {
  PENDING, ACTIVE, EXPIRED;

  /** As Alertmanager writes it: {@code pending}, {@code active}, {@code expired}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
