package dev.watchkeeper.oncall;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A validated on-call schedule: id, name, time zone and ordered layers. Immutable and thread-safe;
 * computing shifts does no I/O and reads no clock.
 *
 * <p>Build one with {@link #of}, which reports every problem at once. Then {@link #finalSchedule}
 * combines it with the runtime overrides and reliefs into the {@link FinalSchedule} that answers
 * "who is on call".
 */
public final class Schedule {
  private final String id;
  private final String name;
  private final ZoneId zone;
  private final List<Layer> layers;
  private final List<CompiledLayer> compiled;

  private Schedule(String id, String name, ZoneId zone, List<Layer> layers) {
    this.id = id;
    this.name = name;
    this.zone = zone;
    this.layers = List.copyOf(layers);
    List<CompiledLayer> c = new ArrayList<>(layers.size());
    for (Layer layer : layers) {
      c.add(CompiledLayer.of(layer, zone));
    }
    this.compiled = List.copyOf(c);
  }

  /**
   * A schedule, or an {@link InvalidScheduleException} listing every problem: blank id or name,
   * unknown zone, no layers, and per layer a missing role, rotation or start, no members or a blank
   * one, a turn length below 1, a bad or unusable RRULE, a restriction without weekdays or with
   * {@code end == start}.
   *
   * @param zoneId an IANA zone id such as {@code Europe/London}
   */
  public static Schedule of(String id, String name, String zoneId, List<Layer> layers) {
    List<String> problems = new ArrayList<>();
    if (id == null || id.isBlank()) {
      problems.add("id: must not be blank");
    }
    if (name == null || name.isBlank()) {
      problems.add("name: must not be blank");
    }
    ZoneId zone = null;
    if (zoneId == null || zoneId.isBlank()) {
      problems.add("zone: must not be blank");
    } else {
      try {
        zone = ZoneId.of(zoneId);
      } catch (DateTimeException e) {
        problems.add("zone: unknown time zone \"" + zoneId + "\"");
      }
    }
    if (layers == null || layers.isEmpty()) {
      problems.add("layers: at least one layer is required");
    } else {
      for (int i = 0; i < layers.size(); i++) {
        checkLayer("layers[" + i + "]", layers.get(i), problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidScheduleException(id, problems);
    }
    return new Schedule(id, name, zone, layers);
  }

  private static void checkLayer(String path, Layer layer, List<String> problems) {
    if (layer == null) {
      problems.add(path + ": must not be null");
      return;
    }
    if (layer.role() == null) {
      problems.add(path + ".role: is required (primary, secondary or shadow)");
    }
    if (layer.start() == null) {
      problems.add(path + ".start: is required (the first handoff, local to the schedule's zone)");
    }
    checkRotation(path + ".rotation", layer, problems);
    if (layer.members().isEmpty()) {
      problems.add(path + ".members: at least one member is required");
    }
    for (int j = 0; j < layer.members().size(); j++) {
      String member = layer.members().get(j);
      if (member == null || member.isBlank()) {
        problems.add(path + ".members[" + j + "]: must not be blank");
      }
    }
    for (int j = 0; j < layer.restrictions().size(); j++) {
      checkRestriction(path + ".restrictions[" + j + "]", layer.restrictions().get(j), problems);
    }
  }

  private static void checkRotation(String path, Layer layer, List<String> problems) {
    Rotation rotation = layer.rotation();
    if (rotation == null) {
      problems.add(path + ": is required (hourly, daily, weekly or custom)");
      return;
    }
    int length = 1;
    if (rotation instanceof Rotation.Hourly h) {
      length = h.hours();
    } else if (rotation instanceof Rotation.Daily d) {
      length = d.days();
    } else if (rotation instanceof Rotation.Weekly w) {
      length = w.weeks();
    } else if (rotation instanceof Rotation.Custom c) {
      if (c.rrule() == null || c.rrule().isBlank()) {
        problems.add(path + ": RRULE must not be blank");
      } else {
        String problem = Handoffs.Rrule.problem(c.rrule(), layer.start(), layer.handoffTime());
        if (problem != null) {
          problems.add(path + ": " + problem);
        }
      }
    }
    if (length < 1) {
      problems.add(path + ": turn length must be at least 1, got " + length);
    }
  }

  private static void checkRestriction(String path, Restriction r, List<String> problems) {
    if (r == null) {
      problems.add(path + ": must not be null");
      return;
    }
    if (r.days().isEmpty()) {
      problems.add(path + ".days: at least one weekday is required");
    }
    if (r.start() == null) {
      problems.add(path + ".start: is required");
    }
    if (r.end() == null) {
      problems.add(path + ".end: is required");
    }
    if (r.start() != null && r.start().equals(r.end())) {
      problems.add(path + ": end must differ from start (" + r.start()
          + "); cover a whole day with two windows");
    }
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public ZoneId zone() {
    return zone;
  }

  public List<Layer> layers() {
    return layers;
  }

  /**
   * This schedule with {@code overrides} (later ones win where they overlap) and {@code reliefs}
   * applied: the object that answers "who is on call".
   */
  public FinalSchedule finalSchedule(
      Collection<ScheduleOverride> overrides, Collection<Relief> reliefs) {
    return new FinalSchedule(this, List.copyOf(overrides), List.copyOf(reliefs));
  }

  /** This schedule with no overrides and no reliefs. */
  public FinalSchedule finalSchedule() {
    return finalSchedule(List.of(), List.of());
  }

  /**
   * What layer {@code layerIndex} alone has on call within {@code [from, to)} (restrictions
   * applied; no other layer, override or relief), clipped to the range: the rows a schedule page
   * draws under the final schedule.
   */
  public List<Shift> layerShifts(int layerIndex, Instant from, Instant to) {
    FinalSchedule.checkRange(from, to);
    CompiledLayer layer = compiled.get(layerIndex);
    return FinalSchedule.toShifts(layer.layer().role(),
        Timeline.mergeAdjacent(layer.pieces(from, to, Reliefs.NONE)));
  }

  List<CompiledLayer> compiledLayers() {
    return compiled;
  }

  @Override
  public String toString() {
    return "Schedule[" + id + ", " + zone + ", " + layers.size() + " layers]";
  }
}
