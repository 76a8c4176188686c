-- A request's events are found by the seq range of the commit that stored them, kept on the
-- request, instead of by an index on events.request_id (one index entry fewer per event).
ALTER TABLE ingest_requests ADD COLUMN first_seq BIGINT;
ALTER TABLE ingest_requests ADD COLUMN last_seq BIGINT;
UPDATE ingest_requests SET
    first_seq = (SELECT MIN(seq) FROM events e WHERE e.request_id = ingest_requests.id),
    last_seq = (SELECT MAX(seq) FROM events e WHERE e.request_id = ingest_requests.id);
DROP INDEX events_request;
