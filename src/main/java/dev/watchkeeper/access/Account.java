package dev.watchkeeper.access;

import java.time.Instant;

/**
 * A local login. Its name is also the id of a user of the config ({@code users:}) when there is
 * one: that person then logs in with it and gets the roles of their teams as well.
 *
 * @param passwordHash a bcrypt hash ({@link Passwords})
 * @param grants the roles given at run time (team roles from the config are added on login)
 */
public record Account(String name, String passwordHash, Instant createdAt, String createdBy,
    Instant passwordChangedAt, Grants grants) {
  @Override
  public String toString() {
    return "Account[name=" + name + ", grants=" + grants + "]";
  }
}
