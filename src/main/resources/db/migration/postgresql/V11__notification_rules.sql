-- Per-user notification rules, quiet hours and storm control (issue 5).
-- New states: 'held' (waiting for a digest: storm control), 'digested' (sent as part of the
-- digest digest_id), 'cancelled' (not sent: the incident was acknowledged or resolved before a
-- delayed or held notification came due).
ALTER TABLE notifications ADD COLUMN digest_id BIGINT;
CREATE INDEX notifications_user_state ON notifications (user_id, state);
