package dev.watchkeeper.people;

import java.time.ZoneId;
import java.util.List;

/**
 * A person who can be paged ({@code users:} in the config).
 *
 * @param id stable id used by teams, policies and schedules
 * @param timeZone the person's zone (night window of the recovery rule, schedule display)
 * @param contactMethods how the person is reached, in order (used by notifications)
 */
public record User(String id, String name, String email, ZoneId timeZone,
    List<ContactMethod> contactMethods) {
  public User {
    contactMethods = List.copyOf(contactMethods);
  }
}
