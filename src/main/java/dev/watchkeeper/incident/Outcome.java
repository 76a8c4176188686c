package dev.watchkeeper.incident;

/** Result of a responder's action on an incident. */
public sealed interface Outcome {
  record Done(Incident incident) implements Outcome {}

  record NotFound(long id) implements Outcome {}

  /** The action does not apply in the incident's state; the reason is a sentence for the user. */
  record Conflict(String reason) implements Outcome {}
}
