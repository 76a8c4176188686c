-- wake_at: when the deadline poller looks at the row next, never later than due_at, and the
-- indexed one instead of due_at (see the SQLite migration V17): a ping moves a check's deadline
-- later, which no longer moves an index entry at every fold; the poller moves wake_at up to
-- due_at when it finds the row early (once per period instead of once per ping).
ALTER TABLE checks ADD COLUMN wake_at BIGINT;
UPDATE checks SET wake_at = due_at;
DROP INDEX checks_due;
CREATE INDEX checks_wake ON checks (wake_at);
