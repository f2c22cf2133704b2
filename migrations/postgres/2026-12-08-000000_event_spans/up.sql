-- The longest event, in seconds, read from one end of an index: events in
-- progress ("ongoing") then started within that long before now, a short
-- range of the start index instead of every event that has started.
CREATE FUNCTION epic_span_seconds(starts timestamp, ends timestamp) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CAST(extract(epoch FROM ends - starts) AS bigint) $$;
CREATE INDEX events_span ON events (epic_span_seconds(starts_at, ends_at));
