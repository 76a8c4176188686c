package dev.watchkeeper.oncall;

import java.time.Instant;

/**
 * Turn {@code index} of a layer's rotation, from one handoff to the next. It may have zero length
 * when both handoffs fell in one DST gap; it belongs to member {@code index mod n}.
 */
record Turn(long index, Instant start, Instant end) {}
