package dev.watchkeeper.oncall;

import dev.watchkeeper.oncall.Timeline.Piece;
import dev.watchkeeper.oncall.Timeline.Span;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A validated layer with its handoffs resolved in the schedule's zone. */
record CompiledLayer(Layer layer, ZoneId zone, Handoffs handoffs) {

  static CompiledLayer of(Layer layer, ZoneId zone) {
    return new CompiledLayer(layer, zone,
        Handoffs.of(layer.rotation(), layer.start(), layer.handoffTime(), zone));
  }

  /** The positive-length turns that meet {@code [from, to)}, clipped to it. */
  List<Turn> turns(Instant from, Instant to) {
    List<Turn> turns = new ArrayList<>();
    Iterator<Turn> it = handoffs.turnsFrom(from);
    while (it.hasNext()) {
      Turn t = it.next();
      if (!t.start().isBefore(to)) {
        break;
      }
      Instant s = Timeline.max(t.start(), from);
      Instant e = Timeline.min(t.end(), to);
      if (s.isBefore(e)) {
        turns.add(new Turn(t.index(), s, e));
      }
    }
    return turns;
  }

  /** Who this layer has on call within {@code [from, to)}, after restrictions and reliefs. */
  List<Piece> pieces(Instant from, Instant to, Reliefs reliefs) {
    List<Turn> turns = turns(from, to);
    if (!layer.restrictions().isEmpty()) {
      turns = restrict(turns, Timeline.windows(layer.restrictions(), zone, from, to));
    }
    List<String> members = layer.members();
    int n = members.size();
    List<Piece> out = new ArrayList<>(turns.size());
    for (Turn t : turns) {
      if (reliefs.isEmpty()) {
        out.add(new Piece(t.start(), t.end(), members.get((int) (t.index() % n))));
        continue;
      }
      Instant pieceStart = t.start();
      for (Instant pieceEnd : reliefs.pieceEnds(members, t.start(), t.end())) {
        // The turn's member, or the next one in rotation order who is not relieved.
        for (int j = 0; j < n; j++) {
          String member = members.get((int) ((t.index() + j) % n));
          if (!reliefs.relieved(member, pieceStart)) {
            out.add(new Piece(pieceStart, pieceEnd, member));
            break;
          }
        }
        pieceStart = pieceEnd;
      }
    }
    return out;
  }

  private static List<Turn> restrict(List<Turn> turns, List<Span> windows) {
    List<Turn> out = new ArrayList<>();
    int w = 0;
    for (Turn t : turns) {
      while (w < windows.size() && !windows.get(w).end().isAfter(t.start())) {
        w++;
      }
      for (int i = w; i < windows.size() && windows.get(i).start().isBefore(t.end()); i++) {
        Instant s = Timeline.max(t.start(), windows.get(i).start());
        Instant e = Timeline.min(t.end(), windows.get(i).end());
        if (s.isBefore(e)) {
          out.add(new Turn(t.index(), s, e));
        }
      }
    }
    return out;
  }
}
