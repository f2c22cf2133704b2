-- The longest event, in seconds, read from one end of an index: events in
-- progress ("ongoing") then started within that long before now, a short
-- range of the start index instead of every event that has started.
CREATE INDEX events_span ON events (unixepoch(ends_at) - unixepoch(starts_at));
