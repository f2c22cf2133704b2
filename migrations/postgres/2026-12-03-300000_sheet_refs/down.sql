DROP INDEX contracts_external_ref;
DROP INDEX events_external_ref;
ALTER TABLE contracts DROP COLUMN external_ref;
ALTER TABLE events DROP COLUMN external_ref;
