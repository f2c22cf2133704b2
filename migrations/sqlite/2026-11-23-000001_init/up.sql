-- Collaborators: staff accounts. E-mail is the login and is unique whatever its case.
CREATE TABLE collaborators (
    id INTEGER PRIMARY KEY,
    employee_number TEXT NOT NULL UNIQUE CHECK (length(employee_number) BETWEEN 1 AND 32),
    full_name TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'management', 'sales', 'support')),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until TIMESTAMP,
    search TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX collaborators_email_ci ON collaborators (lower(email));
CREATE INDEX collaborators_role ON collaborators (role, active);
CREATE INDEX collaborators_name ON collaborators (full_name, id);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone TEXT NOT NULL DEFAULT '',
    company_name TEXT NOT NULL DEFAULT '',
    first_contact DATE NOT NULL,
    last_contact DATE NOT NULL,
    sales_contact_id INTEGER REFERENCES collaborators (id),
    search TEXT NOT NULL DEFAULT '',
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (last_contact >= first_contact)
);
CREATE UNIQUE INDEX clients_email_ci ON clients (lower(email));
-- One index per sort, carrying `archived_at` like the events' (see there).
CREATE INDEX clients_sales_contact ON clients (sales_contact_id, full_name, id, archived_at);
CREATE INDEX clients_name ON clients (full_name, id, archived_at);
CREATE INDEX clients_company ON clients (company_name, id, archived_at);
CREATE INDEX clients_email ON clients (email, id, archived_at);
CREATE INDEX clients_last_contact ON clients (last_contact, id, archived_at);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    total_cents BIGINT NOT NULL CHECK (total_cents >= 0),
    due_cents BIGINT NOT NULL CHECK (due_cents >= 0),
    signed BOOLEAN NOT NULL DEFAULT 0,
    signed_at TIMESTAMP,
    signed_by_id INTEGER REFERENCES collaborators (id),
    search TEXT NOT NULL DEFAULT '',
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (due_cents <= total_cents),
    CHECK ((signed AND signed_at IS NOT NULL) OR (NOT signed AND signed_at IS NULL))
);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE INDEX contracts_unsigned ON contracts (signed, id, archived_at, due_cents);
CREATE INDEX contracts_due ON contracts (due_cents, id, archived_at);
CREATE INDEX contracts_total ON contracts (total_cents, id, archived_at);
CREATE INDEX contracts_created ON contracts (created_at, id, archived_at);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    received_on DATE NOT NULL,
    recorded_by_id INTEGER NOT NULL REFERENCES collaborators (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX payments_contract ON payments (contract_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    support_id INTEGER REFERENCES collaborators (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    attendees INTEGER NOT NULL DEFAULT 0 CHECK (attendees >= 0),
    notes TEXT NOT NULL DEFAULT '',
    search TEXT NOT NULL DEFAULT '',
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at)
);
-- Lists count and page on `events` alone, walking the sort's index: each index
-- carries `archived_at` (and what its filters test) so that counting and skipping to
-- a deep offset read index entries only. The start index, the default sort, also
-- carries `search`: a filter with many matches tests rows in the index itself.
CREATE INDEX events_contract ON events (contract_id);
CREATE INDEX events_support ON events (support_id, starts_at, id, archived_at);
CREATE INDEX events_starts ON events (starts_at, id, archived_at, search);
CREATE INDEX events_ends ON events (ends_at, id, archived_at, starts_at);
CREATE INDEX events_name ON events (name, id, archived_at);
CREATE INDEX events_attendees ON events (attendees, id, archived_at);

CREATE TABLE audit_entries (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER REFERENCES collaborators (id),
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    search TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_record ON audit_entries (entity, record_id, id);
CREATE INDEX audit_created ON audit_entries (created_at, id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES collaborators (id),
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    message TEXT NOT NULL,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX notifications_inbox ON notifications (recipient_id, read_at, id);
CREATE INDEX notifications_record ON notifications (recipient_id, kind, entity, record_id);

-- Filter-as-you-type: trigram full-text indexes over the folded `search` column,
-- kept in step with their tables by triggers.
CREATE VIRTUAL TABLE clients_fts USING fts5(search, content='clients', content_rowid='id', tokenize='trigram');
CREATE TRIGGER clients_fts_ai AFTER INSERT ON clients BEGIN
  INSERT INTO clients_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER clients_fts_ad AFTER DELETE ON clients BEGIN
  INSERT INTO clients_fts(clients_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER clients_fts_au AFTER UPDATE OF search ON clients BEGIN
  INSERT INTO clients_fts(clients_fts, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO clients_fts(rowid, search) VALUES (new.id, new.search);
END;

CREATE VIRTUAL TABLE contracts_fts USING fts5(search, content='contracts', content_rowid='id', tokenize='trigram');
CREATE TRIGGER contracts_fts_ai AFTER INSERT ON contracts BEGIN
  INSERT INTO contracts_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER contracts_fts_ad AFTER DELETE ON contracts BEGIN
  INSERT INTO contracts_fts(contracts_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER contracts_fts_au AFTER UPDATE OF search ON contracts BEGIN
  INSERT INTO contracts_fts(contracts_fts, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO contracts_fts(rowid, search) VALUES (new.id, new.search);
END;

CREATE VIRTUAL TABLE events_fts USING fts5(search, content='events', content_rowid='id', tokenize='trigram');
CREATE TRIGGER events_fts_ai AFTER INSERT ON events BEGIN
  INSERT INTO events_fts(rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER events_fts_au AFTER UPDATE OF search ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, search) VALUES ('delete', old.id, old.search);
  INSERT INTO events_fts(rowid, search) VALUES (new.id, new.search);
END;
