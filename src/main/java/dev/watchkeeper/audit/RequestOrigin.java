package dev.watchkeeper.audit;

/**
 * The client address of the HTTP request being served on this thread, so that audit rows written
 * deep in domain code say where a change came from without every method taking it. Set by the
 * HTTP layer before a handler runs and cleared after it.
 *
 * <p>Threading: one value per thread; a handler that hands work to another thread passes the
 * address explicitly in {@link AuditLog.Entry#address}.
 */
public final class RequestOrigin {
  private static final ThreadLocal<RequestOrigin> CURRENT = new ThreadLocal<>();

  private final String address;
  private int recorded;

  private RequestOrigin(String address) {
    this.address = address;
  }

  public static void begin(String address) {
    CURRENT.set(new RequestOrigin(address));
  }

  public static void end() {
    CURRENT.remove();
  }

  /** The address of the request on this thread, or null. */
  public static String address() {
    RequestOrigin o = CURRENT.get();
    return o == null ? null : o.address;
  }

  /** Counts an audit row written for the request on this thread. */
  static void recorded() {
    RequestOrigin o = CURRENT.get();
    if (o != null) {
      o.recorded++;
    }
  }

  /** How many audit rows the request on this thread wrote so far. */
  public static int recordedCount() {
    RequestOrigin o = CURRENT.get();
    return o == null ? 0 : o.recorded;
  }

  /** For implementations of {@link AuditLog}: the entry with the request's address filled in. */
  public static AuditLog.Entry stamp(AuditLog.Entry e) {
    recorded();
    if (e.address() != null) {
      return e;
    }
    return new AuditLog.Entry(e.time(), e.actor(), e.action(), e.targetType(), e.targetId(),
        e.detailsJson(), address(), e.beforeJson(), e.afterJson());
  }
}
