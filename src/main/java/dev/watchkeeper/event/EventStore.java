package dev.watchkeeper.event;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable event log. Implementations live in {@code store/}.
 *
 * <p>Threading: {@link #append} is called by the group-commit writer threads only; the other
 * methods may be called from any thread.
 */
public interface EventStore {

  /**
   * Stores all batches in ONE transaction and returns once it is committed (or throws, in which
   * case nothing of it is stored). Events whose (service, id) already exist are not stored again
   * and are reported as duplicates.
   */
  List<AppendResult> append(List<IngestBatch> batches);

  /**
   * Like {@link #append}, but may return once the transaction is committed and before it is on
   * disk, so that the caller can start the next one meanwhile: the future completes with the
   * results once the commit is durable, or fails (the commit must then be treated as not
   * accepted). A failed transaction throws, as {@link #append} does. Until the future completes,
   * {@link #after} does not return the new events (nothing acts on an event not yet durable).
   */
  default CompletableFuture<List<AppendResult>> appendPipelined(List<IngestBatch> batches) {
    return CompletableFuture.completedFuture(append(batches));
  }

  Optional<RequestStatus> request(String requestId);

  /** The events stored by one ingest request, in log order, at most {@code limit}. */
  List<StoredEvent> ofRequest(String requestId, int limit);

  /** Events matching the query, newest first, at most {@code query.limit()}. */
  List<StoredEvent> find(EventQuery query);

  /** Events after position {@code afterSeq}, oldest first, for the processor. */
  List<StoredEvent> after(long afterSeq, int limit);

  /** The processor's position: the last event it has fully handled (0 at the start). */
  long processedPosition();

  /** Moves the processor's position forward (never backward). */
  void markProcessed(long seq);

  /** A trivial query proving the database answers. */
  boolean ping();
}
