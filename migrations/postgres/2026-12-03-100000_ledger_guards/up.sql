-- The database keeps the ledger and the history itself, so that a write that skips
-- the program (psql, another tool, a workstation holding a role) cannot break them.

-- Payments gain a kind and a reason. A mistyped payment is undone by a new row of
-- kind 'refund' or 'correction' with a negative amount and a reason, never by
-- editing or deleting the old one.
ALTER TABLE payments DROP CONSTRAINT payments_amount_cents_check;
ALTER TABLE payments
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment'
        CHECK (kind IN ('payment', 'refund', 'correction')),
    ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD CONSTRAINT payments_kind_amount CHECK (
    (kind = 'payment' AND amount_cents > 0)
    OR (kind <> 'payment' AND amount_cents < 0 AND length(trim(reason)) > 0));

-- What a contract's payments add up to.
CREATE FUNCTION ledger_paid(contract BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(SUM(amount_cents), 0)::BIGINT FROM payments WHERE contract_id = contract
$$;

-- A payment must fit what is due (a refund what was paid); it then lowers the
-- amount due and bumps the contract's version, since the contract changed. The
-- contract row is locked first, so two payments at once are checked one by one.
CREATE FUNCTION payments_check_ledger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    due BIGINT;
    total BIGINT;
BEGIN
    SELECT due_cents, total_cents INTO due, total
      FROM contracts WHERE id = NEW.contract_id FOR UPDATE;
    IF NEW.amount_cents > due THEN
        RAISE EXCEPTION 'ledger: a payment cannot be more than the amount due'
            USING ERRCODE = 'check_violation';
    END IF;
    IF due - NEW.amount_cents > total THEN
        RAISE EXCEPTION 'ledger: a refund or correction cannot be more than what was paid'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payments_check_ledger BEFORE INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_check_ledger();

CREATE FUNCTION payments_lower_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE contracts
       SET due_cents = due_cents - NEW.amount_cents,
           version = version + 1,
           updated_at = NEW.created_at
     WHERE id = NEW.contract_id;
    RETURN NULL;
END $$;
CREATE TRIGGER payments_lower_due AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_lower_due();

-- Every write to a contract: the amount due equals total − payments, a signed
-- contract says who signed and when, and a contract with events stays signed.
CREATE FUNCTION contracts_check_ledger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    paid BIGINT := 0;
BEGIN
    IF NEW.signed AND (NEW.signed_at IS NULL OR NEW.signed_by_id IS NULL) THEN
        RAISE EXCEPTION 'ledger: a signed contract needs who signed it and when'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.due_cents <> NEW.total_cents THEN
        RAISE EXCEPTION 'ledger: a new contract owes its whole total'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.signed AND NOT NEW.signed
           AND EXISTS (SELECT 1 FROM events WHERE contract_id = NEW.id) THEN
            RAISE EXCEPTION 'ledger: a contract with events cannot be unsigned'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.total_cents IS NOT DISTINCT FROM OLD.total_cents
           AND NEW.due_cents IS NOT DISTINCT FROM OLD.due_cents THEN
            RETURN NEW;
        END IF;
        paid := ledger_paid(NEW.id);
    END IF;
    IF NEW.total_cents < paid THEN
        RAISE EXCEPTION 'ledger: a total cannot be less than what has been paid'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.due_cents <> NEW.total_cents - paid THEN
        RAISE EXCEPTION 'ledger: the amount due must equal the total minus the payments'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER contracts_check_ledger BEFORE INSERT OR UPDATE ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_check_ledger();

-- Events need a signed contract; the contract row is share-locked so that it
-- cannot be unsigned while the event is being written.
CREATE FUNCTION events_check_contract() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A missing contract gives NULL here: the foreign key reports that one.
    IF (SELECT NOT signed FROM contracts WHERE id = NEW.contract_id FOR SHARE) THEN
        RAISE EXCEPTION 'ledger: an event needs a signed contract'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_check_contract BEFORE INSERT OR UPDATE OF contract_id ON events
    FOR EACH ROW EXECUTE FUNCTION events_check_contract();

-- History is append-only: payments and audit entries are never changed or removed,
-- by any role but the tables' owner (who runs migrations). Privileges say the same:
-- nobody is granted UPDATE, DELETE or TRUNCATE on them by default, and the trigger
-- holds even for a role that was.
CREATE FUNCTION history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'history: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION history_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION history_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON payments, audit_entries FROM PUBLIC;
