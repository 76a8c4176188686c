package dev.watchkeeper.event;

/** Named limits on one event's fields, enforced at ingest and documented in the README. */
public final class EventLimits {
  public static final int MAX_ID = 255;
  public static final int MAX_SOURCE = 255;
  public static final int MAX_TYPE = 255;
  public static final int MAX_DEDUP_KEY = 255;
  public static final int MAX_SUMMARY = 1024;
  public static final int MAX_LABELS = 64;
  public static final int MAX_LABEL_NAME = 128;
  public static final int MAX_LABEL_VALUE = 1024;
  /** At most this many field errors are reported for one request. */
  public static final int MAX_REPORTED_ERRORS = 20;

  private EventLimits() {}
}
