package dev.watchkeeper.event;

/**
 * Whether this node may run the event processor now. Processing is safe when replayed, but not
 * when two processors handle the same events at the same time (two nodes on one PostgreSQL
 * database would both open an incident for the same new alert, and both incidents page). So only
 * the node holding the lease processes; the others wait and take over when the holder goes away.
 *
 * <p>Threading: called from the processor thread only.
 */
public interface ProcessorLease extends AutoCloseable {

  /** A single node (SQLite, tests): always held. */
  ProcessorLease ALWAYS = new ProcessorLease() {
    @Override
    public boolean hold() {
      return true;
    }

    @Override
    public void close() {}
  };

  /**
   * True if this node holds the lease now; takes it when it is free. Called before each batch,
   * so a lease lost since (its holder's database session ended) stops processing at the next
   * batch.
   */
  boolean hold();

  /** Gives the lease up (shutdown). */
  @Override
  void close();
}
