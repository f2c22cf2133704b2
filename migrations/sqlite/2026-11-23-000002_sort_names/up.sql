-- Names sort as people read them: case and accents aside ("Béatrice" before "Bruno",
-- "Élodie" before "Zoé"). `sort_name` holds the folded name, written by the
-- application with every name (neither database can fold accents by itself);
-- rows from before this migration are filled in by the application right after it.
ALTER TABLE collaborators ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';

DROP INDEX collaborators_name;
DROP INDEX clients_name;
DROP INDEX clients_sales_contact;
DROP INDEX events_name;
CREATE INDEX collaborators_name ON collaborators (sort_name, id);
CREATE INDEX clients_name ON clients (sort_name, id, archived_at);
CREATE INDEX clients_sales_contact ON clients (sales_contact_id, sort_name, id, archived_at);
CREATE INDEX events_name ON events (sort_name, id, archived_at);
