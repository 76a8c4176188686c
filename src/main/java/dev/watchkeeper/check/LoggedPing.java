package dev.watchkeeper.check;

/** A ping as appended to the ping log: its sequence number (later its id) and the ping. */
public record LoggedPing(long seq, Ping ping) {}
