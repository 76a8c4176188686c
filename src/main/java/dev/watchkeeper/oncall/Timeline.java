package dev.watchkeeper.oncall;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Operations on sorted, non-overlapping lists of time pieces. Every operation is linear (or
 * n log n) in the number of pieces, never in the length of the range.
 */
final class Timeline {
  private Timeline() {}

  /** {@code user} from {@code start} (inclusive) to {@code end} (exclusive); start before end. */
  record Piece(Instant start, Instant end, String user) {}

  /** A time span, {@code [start, end)}; start before end. */
  record Span(Instant start, Instant end) {}

  /** {@code top} where it has pieces, {@code base} elsewhere. */
  static List<Piece> overlay(List<Piece> base, List<Piece> top) {
    if (top.isEmpty()) {
      return base;
    }
    List<Piece> out = new ArrayList<>(base.size() + top.size());
    int skip = 0;
    for (Piece b : base) {
      while (skip < top.size() && !top.get(skip).end().isAfter(b.start())) {
        skip++;
      }
      Instant cursor = b.start();
      for (int t = skip; cursor.isBefore(b.end()); t++) {
        if (t >= top.size() || !top.get(t).start().isBefore(b.end())) {
          out.add(new Piece(cursor, b.end(), b.user()));
          break;
        }
        Piece covering = top.get(t);
        if (covering.start().isAfter(cursor)) {
          out.add(new Piece(cursor, covering.start(), b.user()));
        }
        if (covering.end().isAfter(cursor)) {
          cursor = covering.end();
        }
      }
    }
    out.addAll(top);
    out.sort(Comparator.comparing(Piece::start));
    return out;
  }

  /** Joins pieces of the same user that touch. */
  static List<Piece> mergeAdjacent(List<Piece> pieces) {
    List<Piece> out = new ArrayList<>(pieces.size());
    for (Piece p : pieces) {
      int last = out.size() - 1;
      Piece prev = last >= 0 ? out.get(last) : null;
      if (prev != null && prev.end().equals(p.start()) && prev.user().equals(p.user())) {
        out.set(last, new Piece(prev.start(), p.end(), p.user()));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The windows of {@code restrictions} in {@code zone} that meet {@code [from, to)}, clipped to
   * it, as a sorted union (overlapping or touching windows joined).
   */
  static List<Span> windows(List<Restriction> restrictions, ZoneId zone, Instant from, Instant to) {
    List<Span> spans = new ArrayList<>();
    // A window opens on day d and closes by the end of day d + 1, so two days back is enough (one
    // more for a day that a gap removed, as 2011-12-30 in Pacific/Apia).
    LocalDate last = to.atZone(zone).toLocalDate();
    for (LocalDate d = from.atZone(zone).toLocalDate().minusDays(2); !d.isAfter(last);
        d = d.plusDays(1)) {
      for (Restriction r : restrictions) {
        if (!r.days().contains(d.getDayOfWeek())) {
          continue;
        }
        Instant s = LocalTimes.resolve(d.atTime(r.start()), zone);
        Instant e = LocalTimes.resolve((r.crossesMidnight() ? d.plusDays(1) : d).atTime(r.end()),
            zone);
        s = max(s, from);
        e = min(e, to);
        if (s.isBefore(e)) {
          spans.add(new Span(s, e));
        }
      }
    }
    spans.sort(Comparator.comparing(Span::start));
    List<Span> union = new ArrayList<>(spans.size());
    for (Span s : spans) {
      int lastIndex = union.size() - 1;
      if (lastIndex >= 0 && !s.start().isAfter(union.get(lastIndex).end())) {
        Span prev = union.get(lastIndex);
        union.set(lastIndex, new Span(prev.start(), max(prev.end(), s.end())));
      } else {
        union.add(s);
      }
    }
    return union;
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
