/**
 * On-call schedules: rotations, layers, restrictions, overrides and the recovery rule, as a pure
 * function from (schedule, overrides, reliefs, instant or range) to responders. No I/O, no clock,
 * no config parsing: callers pass instants in and get shifts out.
 *
 * <h2>Using it (for config, storage and API)</h2>
 *
 * <pre>{@code
 * Schedule schedule = Schedule.of("db", "Database", "Europe/London", List.of(
 *     Layer.of(Role.PRIMARY, Rotation.weekly(1), List.of("alice", "bob", "carol"),
 *         LocalDateTime.parse("2026-01-05T09:00")),
 *     Layer.of(Role.SECONDARY, Rotation.daily(1), List.of("dave", "erin"),
 *             LocalDateTime.parse("2026-01-05T09:00"))
 *         .withRestrictions(List.of(Restriction.weekdays(MONDAY, FRIDAY,
 *             LocalTime.of(9, 0), LocalTime.of(17, 0))))));
 * // throws InvalidScheduleException with problems() such as
 * //   "layers[1].rotation: turn length must be at least 1, got 0"
 *
 * FinalSchedule now = schedule.finalSchedule(overridesFromDb, activeReliefs);
 * OnCall who = now.onCall(clock.instant());           // primary, secondary, shadows
 * List<Shift> twoWeeks = now.shifts(Role.PRIMARY, from, from.plus(Duration.ofDays(14)));
 * List<ScheduleOverride> cover = now.coverFor("alice", "bob", leaveStart, leaveEnd);
 * ScheduleOverride take = ScheduleOverride.takeShift(someShift, "bob");
 * Optional<Relief> relief = NightWindow.DEFAULT.reliefAfterPage("alice", pagedAt, aliceZone);
 * }</pre>
 *
 * <ul>
 *   <li>Config maps YAML onto {@link dev.watchkeeper.oncall.Layer}, {@link
 *       dev.watchkeeper.oncall.Rotation} and {@link dev.watchkeeper.oncall.Restriction} and calls
 *       {@link dev.watchkeeper.oncall.Schedule#of}; the exception's {@code problems()} carry
 *       paths relative to the schedule, ready to be prefixed with {@code schedules[i].}.
 *   <li>Storage keeps {@link dev.watchkeeper.oncall.ScheduleOverride}s and {@link
 *       dev.watchkeeper.oncall.Relief}s (runtime state; they survive reloads). Overlapping
 *       overrides: the later in the list wins, so load them oldest first.
 *   <li>Escalation asks {@link dev.watchkeeper.oncall.FinalSchedule#onCall} and, after a page,
 *       {@link dev.watchkeeper.oncall.NightWindow#reliefAfterPage} to record a relief.
 * </ul>
 *
 * <h2>Time rules</h2>
 *
 * All local date-times are in the schedule's zone, except the night window, which is in the
 * responder's zone. Daily, weekly and custom handoffs are at a local time: a local time in a DST
 * gap hands off at the first instant after the gap; an ambiguous one at the earlier offset (its
 * first occurrence). Hourly turns are elapsed hours. Consequences: a daily turn across a DST change
 * lasts 23 or 25 hours; two consecutive handoffs coincide (an empty turn, which still counts
 * towards the member order) only when the earlier one fell in a gap, as a daily 00:00 handoff on
 * 2011-12-30 in Pacific/Apia, a day that does not exist there.
 *
 * <h2>Order of application, per role</h2>
 *
 * <ol>
 *   <li>Each layer: turn {@code k} goes to {@code members[k mod n]}; restrictions cut it to their
 *       windows; a relieved member is skipped for the next one in order (wrapping) who is not
 *       relieved, and if all are relieved the layer has nobody there.
 *   <li>Layers of the role in order: a later layer wins where it has somebody.
 *   <li>Overrides of the role in order: each replaces what is under it, except while its user is
 *       relieved.
 *   <li>Adjacent pieces of one user are merged; ranges are clipped to the requested window.
 * </ol>
 */
package dev.watchkeeper.oncall;
