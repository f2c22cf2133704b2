-- The database keeps the ledger and the history itself, so that a write that skips
-- the program (another tool, a hand-typed statement) cannot break them.

-- Payments gain a kind and a reason. A mistyped payment is undone by a new row of
-- kind 'refund' or 'correction' with a negative amount and a reason, never by
-- editing or deleting the old one. SQLite cannot change a CHECK in place, so the
-- table is rebuilt (nothing references it).
CREATE TABLE payments_new (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    amount_cents BIGINT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'refund', 'correction')),
    reason TEXT NOT NULL DEFAULT '',
    received_on DATE NOT NULL,
    recorded_by_id INTEGER NOT NULL REFERENCES collaborators (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'payment' AND amount_cents > 0)
        OR (kind <> 'payment' AND amount_cents < 0 AND length(trim(reason)) > 0))
);
INSERT INTO payments_new (id, contract_id, amount_cents, kind, reason, received_on,
    recorded_by_id, created_at, updated_at, version)
    SELECT id, contract_id, amount_cents, 'payment', '', received_on, recorded_by_id,
    created_at, updated_at, version FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_contract ON payments (contract_id);

-- The amount due is the total minus the ledger. A new payment lowers it (and bumps
-- the contract's version, since the contract changed); every other write to a
-- contract must leave it equal to total − payments.
CREATE TRIGGER payments_within_due BEFORE INSERT ON payments
WHEN NEW.amount_cents > (SELECT due_cents FROM contracts WHERE id = NEW.contract_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a payment cannot be more than the amount due');
END;
CREATE TRIGGER payments_within_paid BEFORE INSERT ON payments
WHEN (SELECT due_cents - NEW.amount_cents > total_cents FROM contracts WHERE id = NEW.contract_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a refund or correction cannot be more than what was paid');
END;
CREATE TRIGGER payments_lower_due AFTER INSERT ON payments
BEGIN
    UPDATE contracts
       SET due_cents = due_cents - NEW.amount_cents,
           version = version + 1,
           updated_at = NEW.created_at
     WHERE id = NEW.contract_id;
END;

CREATE TRIGGER contracts_due_matches_ledger_insert BEFORE INSERT ON contracts
WHEN NEW.due_cents <> NEW.total_cents
BEGIN
    SELECT RAISE(ABORT, 'ledger: a new contract owes its whole total');
END;
CREATE TRIGGER contracts_due_matches_ledger BEFORE UPDATE OF total_cents, due_cents ON contracts
WHEN NEW.due_cents <> NEW.total_cents
    - (SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE contract_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: the amount due must equal the total minus the payments');
END;

-- Created after the rule above so that SQLite, which fires the newest trigger
-- first, names this cause when a total drops below what was paid.
CREATE TRIGGER contracts_total_covers_paid BEFORE UPDATE OF total_cents ON contracts
WHEN NEW.total_cents < (SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE contract_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a total cannot be less than what has been paid');
END;
-- Signing: a signed contract says who signed it and when; events need a signed
-- contract (a missing one is the foreign key's to report); a contract with events
-- stays signed.
CREATE TRIGGER contracts_signed_by_insert BEFORE INSERT ON contracts
WHEN NEW.signed AND (NEW.signed_at IS NULL OR NEW.signed_by_id IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a signed contract needs who signed it and when');
END;
CREATE TRIGGER contracts_signed_by_update BEFORE UPDATE OF signed, signed_at, signed_by_id ON contracts
WHEN NEW.signed AND (NEW.signed_at IS NULL OR NEW.signed_by_id IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a signed contract needs who signed it and when');
END;
CREATE TRIGGER contracts_stay_signed BEFORE UPDATE OF signed ON contracts
WHEN OLD.signed AND NOT NEW.signed AND EXISTS (SELECT 1 FROM events WHERE contract_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: a contract with events cannot be unsigned');
END;
CREATE TRIGGER events_signed_contract_insert BEFORE INSERT ON events
WHEN (SELECT NOT signed FROM contracts WHERE id = NEW.contract_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: an event needs a signed contract');
END;
CREATE TRIGGER events_signed_contract_update BEFORE UPDATE OF contract_id ON events
WHEN (SELECT NOT signed FROM contracts WHERE id = NEW.contract_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger: an event needs a signed contract');
END;

-- History is append-only: payments and audit entries are never changed or removed.
CREATE TRIGGER payments_append_only_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'history: payments are append-only; record a refund or correction');
END;
CREATE TRIGGER payments_append_only_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'history: payments are append-only; record a refund or correction');
END;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'history: audit entries are append-only');
END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'history: audit entries are append-only');
END;
