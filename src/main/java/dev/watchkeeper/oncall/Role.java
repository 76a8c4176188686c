package dev.watchkeeper.oncall;

/**
 * What a layer's members are on call for.
 *
 * <p>{@link #PRIMARY} and {@link #SECONDARY} are responsible (escalation pages them); {@link
 * #SHADOW} is notified alongside, but nobody counts on a shadow to respond (a trainee following
 * the primary, say).
 */
public enum Role {
  PRIMARY,
  SECONDARY,
  SHADOW
}
