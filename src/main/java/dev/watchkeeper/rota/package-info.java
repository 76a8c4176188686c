/**
 * On-call at run time: {@link dev.watchkeeper.rota.Rota} joins the schedules of the config in
 * force (the pure engine in {@code dev.watchkeeper.oncall}) with the overrides people make, kept
 * in an {@link dev.watchkeeper.rota.OverrideStore}, and the reliefs of the recovery rule, derived
 * from the pages in the {@link dev.watchkeeper.rota.PageLog}. Escalation asks it whom a schedule
 * target pages; the HTTP API and the iCalendar feeds ask it who is on call when.
 *
 * <p>No I/O of its own beyond the interfaces it is given (JDBC implementations in {@code store});
 * time comes from an injected clock.
 */
package dev.watchkeeper.rota;
