-- When an alert reported through the Alertmanager API ends unless it is reported again: its
-- endsAt, or 5 minutes (Alertmanager's resolve_timeout) after its last report when it had none.
-- NULL: the alert never expires (other sources resolve explicitly). Epoch milliseconds.
ALTER TABLE alerts ADD COLUMN ends_at BIGINT;
