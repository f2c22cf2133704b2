//! Migrations, constraints and round trips on both backends.

mod common;

use common::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::ListParams;
use epicevents::domain::Role;
use epicevents::services::clients::ClientInput;

fn migrations_run_from_empty_and_are_idempotent(db: &TestDb) {
    assert!(db.api().needs_first_admin().expect("count"));
    db.crm
        .db()
        .migrate()
        .expect("second migration run is a no-op");
    let admin = db.admin();
    assert_eq!(admin.role, Role::Admin);
    assert!(!db.api().needs_first_admin().expect("count"));
    // Up to date: no upgrade to announce. One migration forgotten by the
    // bookkeeping reads as an upgrade (what an older file looks like).
    assert!(!db.crm.db().upgrade_pending().expect("read"));
    let forget = |sql: &'static str| {
        db.crm
            .db()
            .write(|c| {
                use diesel::RunQueryDsl;
                diesel::sql_query(sql).execute(c)?;
                Ok(())
            })
            .expect(sql)
    };
    forget("UPDATE __diesel_schema_migrations SET version = 'x' || version WHERE version = '20261123000002'");
    assert!(db.crm.db().upgrade_pending().expect("read"));
    forget("UPDATE __diesel_schema_migrations SET version = '20261123000002' WHERE version = 'x20261123000002'");
    assert!(!db.crm.db().upgrade_pending().expect("read"));
}

/// A brand-new database is created, not upgraded: nothing to announce.
#[test]
fn a_new_sqlite_file_is_not_an_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = epicevents::db::Target::SqliteFile(dir.path().join("new.db"));
    let db = epicevents::db::Db::connect(&target).expect("connect");
    assert!(!db.upgrade_pending().expect("read"));
    db.migrate().expect("migrate");
    assert!(!db.upgrade_pending().expect("read"));
}

fn client_round_trip_and_filter(db: &TestDb) {
    let s = db.staff();
    let input = ClientInput {
        full_name: "Kevin Casey".into(),
        email: "Kevin@Startup.io".into(),
        phone: "+678 123 456 78".into(),
        company_name: "Cool Startup LLC".into(),
        first_contact: date(2021, 4, 18),
        last_contact: date(2023, 3, 29),
    };
    let id = db
        .api()
        .create_client(&s.sales, &input)
        .expect("create client");
    let detail = db.api().get_client(id).expect("get");
    assert_eq!(detail.client.email, "kevin@startup.io");
    assert_eq!(detail.sales_contact_name.as_deref(), Some("Bill Boquet"));
    let page = db
        .api()
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("cool casey"),
        )
        .expect("list");
    assert_eq!(page.total, 1);
    let page = db
        .api()
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("boquet ke"),
        )
        .expect("list");
    assert_eq!(
        page.total, 1,
        "sales contact's name and a short term both match"
    );
    let page = db
        .api()
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("nobody"),
        )
        .expect("list");
    assert_eq!(page.total, 0);
}

backend_tests!(
    migrations_run_from_empty_and_are_idempotent,
    client_round_trip_and_filter
);

/// A PostgreSQL server that is not there: a clear error within seconds, not a hang.
#[test]
fn unreachable_postgres_fails_fast_with_a_clear_message() {
    // Port 1 on loopback: nothing listens there.
    let target = epicevents::db::Target::parse("postgres://epic:secret-pw@127.0.0.1:1/epicevents")
        .expect("a postgres URL");
    let started = std::time::Instant::now();
    let err = epicevents::db::Db::open(&target).expect_err("no server");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    let msg = err.user_message();
    assert!(msg.contains("nothing is listening at 127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("secret-pw"), "the password is masked: {msg}");
}

/// An SQLite path that cannot be created: the reason, not a panic.
#[test]
fn unusable_sqlite_path_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"not a directory").expect("write");
    let target = epicevents::db::Target::SqliteFile(file.join("crm.db"));
    let err = epicevents::db::Db::open(&target).expect_err("parent is a file");
    assert!(
        err.user_message().contains("cannot"),
        "{}",
        err.user_message()
    );
}
