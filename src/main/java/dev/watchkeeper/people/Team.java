package dev.watchkeeper.people;

import java.util.List;

/** A team ({@code teams:} in the config): its members are user ids, in order. */
public record Team(String id, String name, List<String> members) {
  public Team {
    members = List.copyOf(members);
  }
}
