DROP INDEX events_span;
DROP FUNCTION epic_span_seconds(timestamp, timestamp);
