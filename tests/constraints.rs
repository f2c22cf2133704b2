//! The database itself refuses what the rules forbid, even when the services are
//! bypassed: raw inserts and updates through a pooled connection, with the query
//! builder on `epicevents::db::schema`. Each refused statement has a valid twin
//! that passes, so the refusal is the constraint's doing.

mod common;

use chrono::NaiveDateTime;
use common::*;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use epicevents::db::schema::{clients, collaborators, contracts, events, payments};
use epicevents::db::DbConnection;
use epicevents::domain::Role;
use epicevents::services::collaborators::CollaboratorInput;

/// Asserts the database refused the statement with this kind of violation.
#[track_caller]
fn refused(r: QueryResult<usize>, kind: &str, what: &str) {
    match r {
        Err(DieselError::DatabaseError(k, info)) => assert_eq!(
            format!("{k:?}"),
            kind,
            "{what}: refused, but as {k:?} ({})",
            info.message()
        ),
        other => panic!("{what}: expected a {kind}, got {other:?}"),
    }
}

/// Asserts the database refused the statement by a CHECK constraint or by one of
/// its ledger triggers (which run before the CHECKs; on SQLite they report no kind).
#[track_caller]
fn refused_by_rule(r: QueryResult<usize>, what: &str) {
    match r {
        Err(DieselError::DatabaseError(k, info)) => assert!(
            matches!(k, diesel::result::DatabaseErrorKind::CheckViolation)
                || info.message().starts_with("ledger:"),
            "{what}: refused, but as {k:?} ({})",
            info.message()
        ),
        other => panic!("{what}: expected a refusal, got {other:?}"),
    }
}

#[track_caller]
fn accepted(r: QueryResult<usize>, what: &str) {
    assert_eq!(r.unwrap_or_else(|e| panic!("{what}: {e}")), 1, "{what}");
}

fn insert_collaborator(
    conn: &mut DbConnection,
    number: &str,
    email: &str,
    role: &str,
) -> QueryResult<usize> {
    use collaborators as c;
    diesel::insert_into(c::table)
        .values((
            c::employee_number.eq(number),
            c::full_name.eq("Raw Row"),
            c::email.eq(email),
            c::role.eq(role),
            c::password_hash.eq("not-a-hash"),
            c::created_at.eq(t0()),
            c::updated_at.eq(t0()),
        ))
        .execute(conn)
}

fn insert_client(
    conn: &mut DbConnection,
    name: &str,
    email: &str,
    sales: Option<i64>,
) -> QueryResult<usize> {
    use clients as k;
    diesel::insert_into(k::table)
        .values((
            k::full_name.eq(name),
            k::email.eq(email),
            k::first_contact.eq(date(2021, 4, 18)),
            k::last_contact.eq(date(2023, 3, 29)),
            k::sales_contact_id.eq(sales),
            k::created_at.eq(t0()),
            k::updated_at.eq(t0()),
        ))
        .execute(conn)
}

fn insert_contract(
    conn: &mut DbConnection,
    client: i64,
    total: i64,
    due: i64,
) -> QueryResult<usize> {
    use contracts as k;
    diesel::insert_into(k::table)
        .values((
            k::client_id.eq(client),
            k::total_cents.eq(total),
            k::due_cents.eq(due),
            k::created_at.eq(t0()),
            k::updated_at.eq(t0()),
        ))
        .execute(conn)
}

fn insert_event(
    conn: &mut DbConnection,
    contract: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    attendees: i32,
) -> QueryResult<usize> {
    use events as e;
    diesel::insert_into(e::table)
        .values((
            e::name.eq("Raw Event"),
            e::contract_id.eq(contract),
            e::starts_at.eq(starts_at),
            e::ends_at.eq(ends_at),
            e::attendees.eq(attendees),
            e::created_at.eq(t0()),
            e::updated_at.eq(t0()),
        ))
        .execute(conn)
}

fn insert_payment(
    conn: &mut DbConnection,
    contract: i64,
    amount: i64,
    by: i64,
) -> QueryResult<usize> {
    use payments as p;
    diesel::insert_into(p::table)
        .values((
            p::contract_id.eq(contract),
            p::amount_cents.eq(amount),
            p::received_on.eq(date(2023, 5, 2)),
            p::recorded_by_id.eq(by),
            p::created_at.eq(t0()),
            p::updated_at.eq(t0()),
        ))
        .execute(conn)
}

/// A client and a signed contract of 1 000.00 €, made through the services.
fn client_and_contract(db: &TestDb, s: &Staff) -> (i64, i64) {
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let contract = db.signed_contract(&s.manager, client, 100_000);
    (client, contract)
}

fn collaborator_email_is_unique_whatever_its_case(db: &TestDb) {
    let _s = db.staff();
    let mut conn = db.crm.db().conn().expect("connection");
    refused(
        insert_collaborator(
            &mut conn,
            "EE-9001",
            "MIA.Martin@EpicEvents.example",
            "sales",
        ),
        "UniqueViolation",
        "same e-mail, other case",
    );
    refused(
        insert_collaborator(
            &mut conn,
            "EE-9001",
            "mia.martin@epicevents.example",
            "sales",
        ),
        "UniqueViolation",
        "same e-mail",
    );
    accepted(
        insert_collaborator(
            &mut conn,
            "EE-9001",
            "someone.new@epicevents.example",
            "sales",
        ),
        "a fresh e-mail",
    );
    refused(
        insert_collaborator(&mut conn, "EE-9001", "another@epicevents.example", "sales"),
        "UniqueViolation",
        "same employee number",
    );
    // An update cannot create the duplicate either.
    refused(
        diesel::update(
            collaborators::table.filter(collaborators::email.eq("someone.new@epicevents.example")),
        )
        .set(collaborators::email.eq("Kate.Hastroff@epicevents.example"))
        .execute(&mut *conn),
        "UniqueViolation",
        "update to another's e-mail",
    );
}

fn client_email_is_unique_whatever_its_case(db: &TestDb) {
    let s = db.staff();
    db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let sales = Some(s.sales.collaborator_id);
    let mut conn = db.crm.db().conn().expect("connection");
    refused(
        insert_client(&mut conn, "Kevin Again", "KEVIN@Startup.IO", sales),
        "UniqueViolation",
        "same client e-mail, other case",
    );
    accepted(
        insert_client(&mut conn, "Kevin Other", "kevin@startup2.io", sales),
        "a fresh client e-mail",
    );
    refused(
        diesel::update(clients::table.filter(clients::email.eq("kevin@startup2.io")))
            .set(clients::email.eq("Kevin@startup.io"))
            .execute(&mut *conn),
        "UniqueViolation",
        "update to another client's e-mail",
    );
}

fn client_rows_are_checked(db: &TestDb) {
    let s = db.staff();
    let sales = Some(s.sales.collaborator_id);
    let mut conn = db.crm.db().conn().expect("connection");
    refused(
        insert_client(&mut conn, "   ", "blank@x.example", sales),
        "CheckViolation",
        "blank client name",
    );
    use clients as k;
    refused(
        diesel::insert_into(k::table)
            .values((
                k::full_name.eq("Backwards"),
                k::email.eq("back@x.example"),
                k::first_contact.eq(date(2023, 3, 29)),
                k::last_contact.eq(date(2021, 4, 18)),
                k::created_at.eq(t0()),
                k::updated_at.eq(t0()),
            ))
            .execute(&mut *conn),
        "CheckViolation",
        "last contact before first contact",
    );
    accepted(
        insert_client(&mut conn, "Fine", "fine@x.example", sales),
        "a valid client",
    );
}

fn contract_amounts_are_checked(db: &TestDb) {
    let s = db.staff();
    let (client, contract) = client_and_contract(db, &s);
    let mut conn = db.crm.db().conn().expect("connection");
    refused_by_rule(
        insert_contract(&mut conn, client, 100_000, 100_001),
        "due > total",
    );
    refused_by_rule(
        insert_contract(&mut conn, client, 100_000, -1),
        "negative due",
    );
    refused_by_rule(
        insert_contract(&mut conn, client, -5, -10),
        "negative total",
    );
    accepted(
        insert_contract(&mut conn, client, 100_000, 100_000),
        "due == total",
    );
    accepted(insert_contract(&mut conn, client, 0, 0), "a zero contract");
    // Updates are held to the same rules.
    refused_by_rule(
        diesel::update(contracts::table.find(contract))
            .set(contracts::due_cents.eq(100_001))
            .execute(&mut *conn),
        "raising due above total",
    );
    refused_by_rule(
        diesel::update(contracts::table.find(contract))
            .set(contracts::due_cents.eq(contracts::due_cents - 100_001))
            .execute(&mut *conn),
        "due below zero",
    );
    refused_by_rule(
        diesel::update(contracts::table.find(contract))
            .set(contracts::signed_at.eq(None::<NaiveDateTime>))
            .execute(&mut *conn),
        "signed without a signing time",
    );
    drop(conn);
    let c = db.api().get_contract(contract).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.signed),
        (100_000, 100_000, true)
    );
    assert!(c.signed_at.is_some());
}

fn event_times_and_attendees_are_checked(db: &TestDb) {
    let s = db.staff();
    let (_, contract) = client_and_contract(db, &s);
    let start = at(2023, 6, 4, 13, 0);
    let end = at(2023, 6, 5, 2, 0);
    let mut conn = db.crm.db().conn().expect("connection");
    refused(
        insert_event(&mut conn, contract, start, start, 10),
        "CheckViolation",
        "ends_at == starts_at",
    );
    refused(
        insert_event(&mut conn, contract, end, start, 10),
        "CheckViolation",
        "ends_at < starts_at",
    );
    refused(
        insert_event(&mut conn, contract, start, end, -1),
        "CheckViolation",
        "negative attendees",
    );
    accepted(
        insert_event(&mut conn, contract, start, end, 0),
        "a valid event with nobody yet",
    );
    refused(
        diesel::update(events::table.filter(events::contract_id.eq(contract)))
            .set(events::ends_at.eq(start))
            .execute(&mut *conn),
        "CheckViolation",
        "moving the end onto the start",
    );
    refused(
        diesel::update(events::table.filter(events::contract_id.eq(contract)))
            .set(events::attendees.eq(-200))
            .execute(&mut *conn),
        "CheckViolation",
        "negative attendees by update",
    );
}

fn payment_amount_must_be_positive(db: &TestDb) {
    let s = db.staff();
    let (_, contract) = client_and_contract(db, &s);
    let by = s.sales.collaborator_id;
    let mut conn = db.crm.db().conn().expect("connection");
    refused(
        insert_payment(&mut conn, contract, 0, by),
        "CheckViolation",
        "zero payment",
    );
    refused_by_rule(
        insert_payment(&mut conn, contract, -100, by),
        "negative payment",
    );
    accepted(insert_payment(&mut conn, contract, 1, by), "one cent");
}

fn foreign_keys_are_enforced_on_every_pooled_connection(db: &TestDb) {
    let s = db.staff();
    let (client, contract) = client_and_contract(db, &s);
    const MISSING: i64 = 987_654;
    let pool_size = match db.backend() {
        epicevents::db::Backend::Sqlite => 4,
        epicevents::db::Backend::Postgres => 8,
    };
    // Hold every connection of the pool at once, so none is skipped.
    let mut conns: Vec<_> = (0..pool_size)
        .map(|i| {
            db.crm
                .db()
                .conn()
                .unwrap_or_else(|e| panic!("connection {i}: {e}"))
        })
        .collect();
    for (i, conn) in conns.iter_mut().enumerate() {
        if let DbConnection::Sqlite(c) = &mut **conn {
            #[derive(QueryableByName)]
            struct Pragma {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                foreign_keys: i32,
            }
            let p: Vec<Pragma> = diesel::sql_query("PRAGMA foreign_keys")
                .load(c)
                .expect("pragma");
            assert_eq!(p.first().map(|p| p.foreign_keys), Some(1), "connection {i}");
        }
        refused(
            insert_contract(conn, MISSING, 100, 100),
            "ForeignKeyViolation",
            &format!("contract of a missing client (connection {i})"),
        );
        refused(
            insert_event(
                conn,
                MISSING,
                at(2023, 6, 4, 13, 0),
                at(2023, 6, 5, 2, 0),
                1,
            ),
            "ForeignKeyViolation",
            &format!("event of a missing contract (connection {i})"),
        );
        refused(
            insert_payment(conn, MISSING, 100, s.sales.collaborator_id),
            "ForeignKeyViolation",
            &format!("payment on a missing contract (connection {i})"),
        );
        refused(
            insert_payment(conn, contract, 100, MISSING),
            "ForeignKeyViolation",
            &format!("payment by a missing collaborator (connection {i})"),
        );
        refused(
            insert_client(
                conn,
                "Orphan",
                &format!("orphan{i}@x.example"),
                Some(MISSING),
            ),
            "ForeignKeyViolation",
            &format!("client of a missing sales contact (connection {i})"),
        );
        refused(
            diesel::delete(clients::table.find(client)).execute(&mut **conn),
            "ForeignKeyViolation",
            &format!("deleting a client that has contracts (connection {i})"),
        );
    }
    drop(conns);
    assert_eq!(
        db.api().get_contract(contract).expect("get").client.id,
        client,
        "nothing was deleted"
    );
}

fn roles_outside_the_four_are_refused(db: &TestDb) {
    let _s = db.staff();
    let mut conn = db.crm.db().conn().expect("connection");
    for role in ["boss", "Admin", "", "root"] {
        refused(
            insert_collaborator(&mut conn, "EE-9100", "boss@epicevents.example", role),
            "CheckViolation",
            &format!("role {role:?}"),
        );
    }
    refused(
        diesel::update(
            collaborators::table
                .filter(collaborators::email.eq("kate.hastroff@epicevents.example")),
        )
        .set(collaborators::role.eq("superuser"))
        .execute(&mut *conn),
        "CheckViolation",
        "role changed to superuser",
    );
    for (i, role) in Role::ALL.iter().copied().enumerate() {
        accepted(
            insert_collaborator(
                &mut conn,
                &format!("EE-910{i}"),
                &format!("raw.{role}@epicevents.example"),
                role.as_str(),
            ),
            &format!("role {role}"),
        );
    }
}

fn duplicate_emails_are_field_errors_in_the_services(db: &TestDb) {
    let s = db.staff();
    // Collaborators: create and update.
    let input = |email: &str| CollaboratorInput {
        full_name: "Kate Twin".into(),
        email: email.into(),
        phone: None,
        role: Role::Support,
    };
    let msg = field_error(
        db.api().create_collaborator(
            &s.admin,
            &input("KATE.Hastroff@epicevents.example"),
            PASSWORD,
        ),
        "email",
    );
    assert!(msg.contains("already used"), "{msg}");
    let id = s.support2.collaborator_id;
    field_error(
        db.api().update_collaborator(
            &s.admin,
            id,
            db.collaborator_version(id),
            &CollaboratorInput {
                full_name: "Alienor Vichum".into(),
                email: "Kate.Hastroff@EpicEvents.example".into(),
                phone: None,
                role: Role::Support,
            },
        ),
        "email",
    );
    // Clients: create and update.
    db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let msg = field_error(
        db.api()
            .create_client(&s.sales2, &client_input("Kevin Twin", "Kevin@StartUp.io")),
        "email",
    );
    assert!(msg.contains("already used"), "{msg}");
    let other = db.client(&s.sales, "John Ouick", "john@ouick.example");
    field_error(
        db.api().update_client(
            &s.sales,
            other,
            db.client_version(other),
            &client_input("John Ouick", " KEVIN@startup.io "),
        ),
        "email",
    );
    assert_eq!(
        db.api().get_client(other).expect("get").client.email,
        "john@ouick.example"
    );
}

backend_tests!(
    collaborator_email_is_unique_whatever_its_case,
    client_email_is_unique_whatever_its_case,
    client_rows_are_checked,
    contract_amounts_are_checked,
    event_times_and_attendees_are_checked,
    payment_amount_must_be_positive,
    foreign_keys_are_enforced_on_every_pooled_connection,
    roles_outside_the_four_are_refused,
    duplicate_emails_are_field_errors_in_the_services,
);
