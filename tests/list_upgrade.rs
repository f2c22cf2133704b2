//! A database made by the migrations before the word-prefix indexes upgrades in
//! place, and rows written before the upgrade are found by short terms after it.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use epicevents::config::CrmConfig;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::Target;
use epicevents::services::query::ListParams;
use epicevents::Crm;

/// The first migration this upgrade adds.
const UPGRADE: &str = "2026-12-03-200000";

/// Runs every migration older than [`UPGRADE`], as an older release would have.
fn migrate_before_upgrade(conn: &mut SqliteConnection) {
    // Diesel's bookkeeping table, as its harness creates it before a first run.
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (\
             version VARCHAR(50) PRIMARY KEY NOT NULL, \
             run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    )
    .expect("bookkeeping table");
    let source = FileBasedMigrations::from_path("migrations/sqlite").expect("migrations");
    let mut migrations =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source).expect("read migrations");
    migrations.sort_by_key(|m| m.name().to_string());
    for m in migrations {
        if m.name().to_string().as_str() < UPGRADE {
            conn.run_migration(&m).expect("older migration");
        }
    }
}

fn names(crm: &Crm, text: &str) -> Vec<String> {
    let p = ListParams::default().with_filter(text);
    crm.list_clients(&ClientFilter::default(), ClientSort::Name, &p)
        .expect("list")
        .rows
        .into_iter()
        .map(|r| r.client.full_name)
        .collect()
}

#[test]
fn sqlite_rows_from_before_the_upgrade_are_found_by_short_terms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        let url = path.to_str().expect("utf-8 path");
        let mut conn = SqliteConnection::establish(url).expect("open");
        migrate_before_upgrade(&mut conn);
        conn.batch_execute(
            "INSERT INTO clients (full_name, email, first_contact, last_contact, search, \
                 created_at, updated_at, sort_name) VALUES \
             ('Quentin Roy', 'q.roy@example.com', '2024-01-01', '2024-01-01', \
              'quentin roy q.roy@example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00', \
              'quentin roy'), \
             ('Bill Boquet', 'bill@example.com', '2024-01-01', '2024-01-01', \
              'bill boquet bill@example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00', \
              'bill boquet');",
        )
        .expect("rows of the old version");
    }
    let crm = Crm::open(&Target::SqliteFile(path.clone()), CrmConfig::default()).expect("upgrade");
    assert_eq!(names(&crm, "q"), ["Quentin Roy"]);
    assert_eq!(names(&crm, "ro"), ["Quentin Roy"]);
    assert_eq!(names(&crm, "bo"), ["Bill Boquet"]);
    assert_eq!(names(&crm, "oq"), Vec::<String>::new(), "not inside a word");
    assert_eq!(names(&crm, "boquet"), ["Bill Boquet"]);
    // Rows written after the upgrade are indexed by the triggers.
    crm.db()
        .write(|c| {
            diesel::sql_query(
                "UPDATE clients SET search = 'william boquet bill@example.com' \
                 WHERE full_name = 'Bill Boquet'",
            )
            .execute(c)?;
            Ok(())
        })
        .expect("update");
    assert_eq!(names(&crm, "wi"), ["Bill Boquet"]);
    assert_eq!(names(&crm, "bi"), ["Bill Boquet"], "bill@example.com");
}
