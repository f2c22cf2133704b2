//! The database keeps the ledger and the history even when the program is
//! skipped: each rule refuses a direct SQL write through a raw connection, next to
//! a valid twin that passes, on SQLite and PostgreSQL. Corrections of a payment go
//! through the policy and the audit.

mod common;

use common::*;
use diesel::prelude::*;
use epicevents::db::schema::{audit_entries, contracts, events, payments};
use epicevents::db::{Backend, DbConnection};
use epicevents::domain::{Cents, PaymentKind};

/// Asserts the statement failed and the database's message says `why`.
#[track_caller]
fn refused(r: QueryResult<usize>, why: &str) {
    match r {
        Err(e) => assert!(
            e.to_string().contains(why),
            "refused, but with {e} instead of {why:?}"
        ),
        Ok(n) => panic!("expected a refusal ({why}); {n} row(s) were written"),
    }
}

#[track_caller]
fn accepted(r: QueryResult<usize>, what: &str) {
    assert_eq!(r.unwrap_or_else(|e| panic!("{what}: {e}")), 1, "{what}");
}

fn conn(db: &TestDb) -> epicevents::db::PooledConn {
    db.crm.db().conn().expect("connection")
}

fn due_and_version(c: &mut DbConnection, id: i64) -> (i64, i32) {
    contracts::table
        .find(id)
        .select((contracts::due_cents, contracts::version))
        .first(c)
        .expect("contract")
}

fn raw_payment(
    c: &mut DbConnection,
    contract: i64,
    amount: i64,
    kind: &str,
    reason: &str,
    by: i64,
) -> QueryResult<usize> {
    use payments as p;
    diesel::insert_into(p::table)
        .values((
            p::contract_id.eq(contract),
            p::amount_cents.eq(amount),
            p::kind.eq(kind),
            p::reason.eq(reason),
            p::received_on.eq(date(2023, 5, 2)),
            p::recorded_by_id.eq(by),
            p::created_at.eq(t0()),
            p::updated_at.eq(t0()),
        ))
        .execute(c)
}

/// A signed contract of 1 000.00 € with 250.00 € paid, through the services.
fn paid_contract(db: &TestDb, s: &Staff) -> i64 {
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let k = db.signed_contract(&s.manager, client, 100_000);
    db.crm
        .record_payment(&s.sales, k, Cents(25_000), date(2023, 5, 2))
        .expect("payment");
    k
}

fn due_is_total_minus_payments(db: &TestDb) {
    let s = db.staff();
    let k = paid_contract(db, &s);
    let mut c = conn(db);
    let c: &mut DbConnection = &mut c;
    assert_eq!(due_and_version(c, k).0, 75_000);

    use contracts as t;
    refused(
        diesel::update(t::table.find(k))
            .set(t::due_cents.eq(0))
            .execute(c),
        "amount due must equal the total minus the payments",
    );
    refused(
        diesel::update(t::table.find(k))
            .set(t::total_cents.eq(20_000))
            .execute(c),
        "total cannot be less than what has been paid",
    );
    refused(
        diesel::update(t::table.find(k))
            .set((t::total_cents.eq(20_000), t::due_cents.eq(0)))
            .execute(c),
        "total cannot be less than what has been paid",
    );
    // Raising the total with the amount due in step is fine.
    accepted(
        diesel::update(t::table.find(k))
            .set((t::total_cents.eq(120_000), t::due_cents.eq(95_000)))
            .execute(c),
        "total and due in step",
    );

    // A payment larger than what is due fails; one that fits lowers the amount due
    // and bumps the version, with nobody but the database doing it.
    let by = s.manager.collaborator_id;
    let (_, v) = due_and_version(c, k);
    refused(
        raw_payment(c, k, 95_001, "payment", "", by),
        "payment cannot be more than the amount due",
    );
    accepted(
        raw_payment(c, k, 95_000, "payment", "", by),
        "payment of what is due",
    );
    assert_eq!(due_and_version(c, k), (0, v + 1));
    // A reversal of more than was paid fails; a refund with a reason puts it back.
    refused(
        raw_payment(c, k, -120_001, "refund", "too much", by),
        "cannot be more than what was paid",
    );
    accepted(
        raw_payment(c, k, -5_000, "refund", "double charge", by),
        "refund",
    );
    assert_eq!(due_and_version(c, k).0, 5_000);
    // Refunds need a reason and a negative amount; payments a positive one.
    assert!(
        raw_payment(c, k, -1, "refund", "  ", by).is_err(),
        "refund without reason"
    );
    assert!(
        raw_payment(c, k, 1, "refund", "why", by).is_err(),
        "positive refund"
    );
    assert!(
        raw_payment(c, k, -1, "payment", "", by).is_err(),
        "negative payment"
    );
    assert!(
        raw_payment(c, k, 1, "gift", "", by).is_err(),
        "unknown kind"
    );

    // A new contract owes its whole total.
    let client: i64 = contracts::table
        .find(k)
        .select(contracts::client_id)
        .first(c)
        .expect("client");
    let new_contract = |c: &mut DbConnection, due: i64| {
        diesel::insert_into(t::table)
            .values((
                t::client_id.eq(client),
                t::total_cents.eq(10_000),
                t::due_cents.eq(due),
                t::created_at.eq(t0()),
                t::updated_at.eq(t0()),
            ))
            .execute(c)
    };
    refused(new_contract(c, 5_000), "owes its whole total");
    accepted(new_contract(c, 10_000), "new contract owing its total");
}

fn events_need_a_signed_contract(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let signed = db.signed_contract(&s.manager, client, 100_000);
    let unsigned = db.contract(&s.manager, client, 50_000);
    let event = db.event(
        &s.sales,
        signed,
        "Gala",
        at(2023, 6, 1, 18, 0),
        at(2023, 6, 1, 23, 0),
    );
    let mut c = conn(db);
    let c: &mut DbConnection = &mut c;

    let raw_event = |c: &mut DbConnection, contract: i64| {
        use events as e;
        diesel::insert_into(e::table)
            .values((
                e::name.eq("Raw Event"),
                e::contract_id.eq(contract),
                e::starts_at.eq(at(2023, 7, 1, 9, 0)),
                e::ends_at.eq(at(2023, 7, 1, 17, 0)),
                e::created_at.eq(t0()),
                e::updated_at.eq(t0()),
            ))
            .execute(c)
    };
    refused(raw_event(c, unsigned), "event needs a signed contract");
    accepted(raw_event(c, signed), "event on a signed contract");
    refused(
        diesel::update(events::table.find(event))
            .set(events::contract_id.eq(unsigned))
            .execute(c),
        "event needs a signed contract",
    );

    use contracts as t;
    refused(
        diesel::update(t::table.find(signed))
            .set((
                t::signed.eq(false),
                t::signed_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(c),
        "contract with events cannot be unsigned",
    );
    refused(
        diesel::update(t::table.find(signed))
            .set(t::signed_by_id.eq(None::<i64>))
            .execute(c),
        "signed contract needs who signed it and when",
    );
    refused(
        diesel::update(t::table.find(unsigned))
            .set((t::signed.eq(true), t::signed_at.eq(Some(t0()))))
            .execute(c),
        "signed contract needs who signed it and when",
    );
    accepted(
        diesel::update(t::table.find(unsigned))
            .set((
                t::signed.eq(true),
                t::signed_at.eq(Some(t0())),
                t::signed_by_id.eq(Some(s.manager.collaborator_id)),
            ))
            .execute(c),
        "signing with who and when",
    );
}

/// The history tables refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) to
/// anyone but the tables' owner: on SQLite to everyone (it has no roles), on
/// PostgreSQL to a role granted every DML privilege, as a server's role could be.
fn payments_and_audit_are_append_only(db: &TestDb) {
    let s = db.staff();
    let k = paid_contract(db, &s);
    let check = |c: &mut DbConnection| {
        refused(
            diesel::update(payments::table.filter(payments::contract_id.eq(k)))
                .set(payments::amount_cents.eq(1))
                .execute(c),
            "append-only",
        );
        refused(
            diesel::delete(payments::table.filter(payments::contract_id.eq(k))).execute(c),
            "append-only",
        );
        refused(
            diesel::update(audit_entries::table)
                .set(audit_entries::action.eq("nothing happened"))
                .execute(c),
            "append-only",
        );
        refused(
            diesel::delete(audit_entries::table).execute(c),
            "append-only",
        );
        // Appending still works.
        accepted(
            raw_payment(c, k, 100, "payment", "", s.manager.collaborator_id),
            "a new payment",
        );
    };
    match db.backend() {
        Backend::Sqlite => check(&mut conn(db)),
        Backend::Postgres => {
            let role = DmlRole::create(db);
            {
                let mut c = DbConnection::establish(&role.url).expect("connect as the DML role");
                check(&mut c);
                use diesel::connection::SimpleConnection;
                for table in ["payments", "audit_entries"] {
                    let e = c
                        .batch_execute(&format!("TRUNCATE {table}"))
                        .expect_err("TRUNCATE refused");
                    assert!(e.to_string().contains(table), "{e}");
                }
            }
            role.remove(db);
        }
    }
    let entries: i64 = audit_entries::table
        .count()
        .get_result(&mut conn(db))
        .expect("count");
    assert!(entries > 0, "the audit is intact");
}

/// A PostgreSQL login role granted all DML on the test database (not its owner),
/// dropped again afterwards.
struct DmlRole {
    name: String,
    url: String,
    admin: String,
}

impl DmlRole {
    fn create(db: &TestDb) -> DmlRole {
        use diesel::connection::SimpleConnection;
        let base = std::env::var("EPICEVENTS_TEST_PG_URL").expect("PostgreSQL URL");
        let dbname: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "current_database()",
        ))
        .get_result(&mut conn(db))
        .expect("database name");
        let name = format!("{dbname}_dml");
        let password = format!("pw-{}", std::process::id());
        let mut owner = conn(db);
        owner
            .batch_execute(&format!(
                "CREATE ROLE {name} LOGIN PASSWORD '{password}'; \
                 GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {name}; \
                 GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name};"
            ))
            .expect("create a DML role (the test role needs CREATEROLE)");
        let rest = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
        let host = rest.split_once('@').map_or(rest, |(_, h)| h);
        let host = host.split('/').next().unwrap_or(host);
        DmlRole {
            url: format!("postgres://{name}:{password}@{host}/{dbname}"),
            name,
            admin: base,
        }
    }
}

impl DmlRole {
    /// Takes the grants back and removes the role (it owns nothing).
    fn remove(self, db: &TestDb) {
        use diesel::connection::SimpleConnection;
        conn(db)
            .batch_execute(&format!(
                "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {0}; \
                 REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {0};",
                self.name
            ))
            .expect("revoke");
        let mut admin = diesel::PgConnection::establish(&self.admin).expect("admin connection");
        admin
            .batch_execute(&format!("DROP ROLE {}", self.name))
            .expect("drop role");
    }
}

fn corrections_go_through_policy_and_audit(db: &TestDb) {
    let s = db.staff();
    let k = paid_contract(db, &s);
    let day = date(2023, 5, 3);
    // Sales recorded the payment but may not take money back out; nor may support.
    for who in [&s.sales, &s.support] {
        denied(db.crm.record_correction(
            who,
            k,
            PaymentKind::Refund,
            Cents(1_000),
            "double charge",
            day,
        ));
    }
    field_error(
        db.crm
            .record_correction(&s.manager, k, PaymentKind::Refund, Cents(1_000), " ", day),
        "reason",
    );
    field_error(
        db.crm
            .record_correction(&s.manager, k, PaymentKind::Payment, Cents(1_000), "x", day),
        "kind",
    );
    let msg = field_error(
        db.crm.record_correction(
            &s.manager,
            k,
            PaymentKind::Correction,
            Cents(25_001),
            "typo",
            day,
        ),
        "amount",
    );
    assert!(msg.contains("250.00"), "{msg}");

    let v = db.contract_version(k);
    db.crm
        .record_correction(
            &s.manager,
            k,
            PaymentKind::Correction,
            Cents(5_000),
            "typed 250 for 200",
            day,
        )
        .expect("correction");
    let d = db.crm.get_contract(k).expect("contract");
    assert_eq!(d.contract.due_cents, 80_000);
    assert_eq!(d.contract.version, v + 1);
    let (row, by) = &d.payments[0];
    assert_eq!(
        (row.kind.as_str(), row.amount_cents, row.reason.as_str()),
        ("correction", -5_000, "typed 250 for 200")
    );
    assert_eq!(by, "Mia Martin");
    // The original payment is still there, untouched.
    assert_eq!(d.payments.len(), 2);
    assert_eq!(d.payments[1].0.amount_cents, 25_000);

    let audit = db
        .crm
        .list_audit(&s.admin, &Default::default(), &Default::default())
        .expect("audit");
    let entry = audit
        .rows
        .iter()
        .find(|r| r.entry.action == "correction")
        .expect("an audit row for the correction");
    assert_eq!(entry.entry.record_id, k);
    assert!(entry.changes.iter().any(|c| c
        .after
        .as_deref()
        .is_some_and(|a| a.contains("typed 250 for 200"))));
    // The whole paid amount can be taken back, not a cent more.
    db.crm
        .record_correction(
            &s.admin,
            k,
            PaymentKind::Refund,
            Cents(20_000),
            "event cancelled",
            day,
        )
        .expect("refund of the rest");
    assert_eq!(
        db.crm.get_contract(k).expect("contract").contract.due_cents,
        100_000
    );
    field_error(
        db.crm
            .record_correction(&s.admin, k, PaymentKind::Refund, Cents(1), "again", day),
        "amount",
    );
}

backend_tests!(
    due_is_total_minus_payments,
    events_need_a_signed_contract,
    payments_and_audit_are_append_only,
    corrections_go_through_policy_and_audit,
);
