package dev.watchkeeper.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who is on call for a schedule at one instant.
 *
 * @param at the instant asked about
 * @param primary the primary responder, if anybody covers then
 * @param secondary the secondary responder, if anybody covers then
 * @param shadows users notified but not responsible; shadow layers override each other like every
 *     role's layers, so this holds at most one user today
 */
public record OnCall(
    Instant at, Optional<String> primary, Optional<String> secondary, List<String> shadows) {

  public OnCall {
    shadows = List.copyOf(shadows);
  }

  /** The user on call for {@code role}, if any. */
  public Optional<String> forRole(Role role) {
    return switch (role) {
      case PRIMARY -> primary;
      case SECONDARY -> secondary;
      case SHADOW -> shadows.stream().findFirst();
    };
  }
}
