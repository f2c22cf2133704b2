-- The id an event or a contract had in the support team's spreadsheet ("Event ID
-- 109", "Contract ID 652"), so that importing the sheet again finds the same
-- records instead of adding them twice.
ALTER TABLE events ADD COLUMN external_ref TEXT;
ALTER TABLE contracts ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX events_external_ref ON events (external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX contracts_external_ref ON contracts (external_ref) WHERE external_ref IS NOT NULL;
