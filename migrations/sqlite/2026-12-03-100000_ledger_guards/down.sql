DROP TRIGGER audit_append_only_delete;
DROP TRIGGER audit_append_only_update;
DROP TRIGGER payments_append_only_delete;
DROP TRIGGER payments_append_only_update;
DROP TRIGGER events_signed_contract_update;
DROP TRIGGER events_signed_contract_insert;
DROP TRIGGER contracts_stay_signed;
DROP TRIGGER contracts_signed_by_update;
DROP TRIGGER contracts_signed_by_insert;
DROP TRIGGER contracts_due_matches_ledger;
DROP TRIGGER contracts_due_matches_ledger_insert;
DROP TRIGGER contracts_total_covers_paid;
DROP TRIGGER payments_lower_due;
DROP TRIGGER payments_within_paid;
DROP TRIGGER payments_within_due;
CREATE TABLE payments_old (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    received_on DATE NOT NULL,
    recorded_by_id INTEGER NOT NULL REFERENCES collaborators (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO payments_old SELECT id, contract_id, amount_cents, received_on, recorded_by_id,
    created_at, updated_at, version FROM payments WHERE kind = 'payment';
DROP TABLE payments;
ALTER TABLE payments_old RENAME TO payments;
CREATE INDEX payments_contract ON payments (contract_id);
