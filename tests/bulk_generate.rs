//! The bulk generator sets the tables' indexes (and SQLite's full-text triggers)
//! aside while it writes and builds them once at the end. Afterwards the schema
//! must be exactly what the migrations made, the full-text indexes must agree
//! with their tables, later writes must keep them in step, and a run that fails
//! half-way must leave everything as it was.

mod common;

use common::*;
use diesel::prelude::*;
use diesel::sql_types::Text;
use epicevents::db::{Backend, DbConnection};
use epicevents::domain::Role;

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Object {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

/// Every index and trigger of the database, with its definition.
fn schema_objects(db: &TestDb) -> Vec<Object> {
    let mut all: Vec<Object> = db
        .crm
        .db()
        .read(|c| {
            Ok(match c {
                DbConnection::Sqlite(c) => diesel::sql_query(
                    "SELECT name, sql FROM sqlite_master \
                     WHERE type IN ('index', 'trigger') AND sql IS NOT NULL",
                )
                .load(c)?,
                DbConnection::Postgresql(c) => diesel::sql_query(
                    "SELECT indexname::text AS name, indexdef AS sql FROM pg_indexes \
                     WHERE schemaname = current_schema() \
                     UNION ALL SELECT tgname::text, pg_get_triggerdef(t.oid) \
                     FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid \
                     WHERE NOT t.tgisinternal AND pg_table_is_visible(r.oid)",
                )
                .load(c)?,
            })
        })
        .expect("catalogue");
    all.sort();
    all
}

/// SQLite's own check that each external-content full-text index holds exactly
/// its table's rows.
fn fts_agrees_with_tables(db: &TestDb) {
    if db.backend() != Backend::Sqlite {
        return;
    }
    db.crm
        .db()
        .read(|c| {
            let DbConnection::Sqlite(c) = c else {
                unreachable!("checked above")
            };
            for fts in [
                "clients_fts",
                "contracts_fts",
                "events_fts",
                "clients_words",
                "contracts_words",
                "events_words",
            ] {
                diesel::sql_query(format!(
                    "INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"
                ))
                .execute(c)
                .unwrap_or_else(|e| panic!("{fts} disagrees with its table: {e}"));
            }
            Ok(())
        })
        .expect("integrity check");
}

fn count(db: &TestDb, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    db.crm
        .db()
        .read(|c| {
            Ok(epicevents::with_backend!(c, |c| diesel::sql_query(format!(
                "SELECT COUNT(*) AS n FROM {table}"
            ))
            .get_result::<N>(c))?
            .n)
        })
        .expect("count")
}

fn schema_and_search_survive_a_bulk_run(db: &TestDb) {
    epicevents::demo::load(&db.crm, 0).expect("demo");
    let before = schema_objects(db);
    let events_before = count(db, "events");
    let mut phases = Vec::new();
    epicevents::demo::bulk::generate(db.crm.db(), 300, 2_000, 11, |what, done, total| {
        if done == total {
            phases.push(what.to_string());
        }
    })
    .expect("bulk data");
    assert_eq!(count(db, "events"), events_before + 2_000);
    assert!(
        phases.iter().any(|p| p == "indexes"),
        "the index phase is reported: {phases:?}"
    );
    assert_eq!(
        schema_objects(db),
        before,
        "every index and trigger is back as defined"
    );
    fts_agrees_with_tables(db);

    // A client written afterwards is found by a short and a long term: the
    // triggers and indexes keep working.
    let (name, email, role) = epicevents::demo::DEMO_STAFF
        .into_iter()
        .find(|s| s.2 == Role::Sales)
        .expect("a demo sales");
    let sales = epicevents::session::Session {
        collaborator_id: db
            .crm
            .db()
            .read(|c| epicevents::db::repo::collaborators::find_by_email(c, email))
            .expect("read")
            .expect("demo account")
            .id,
        role,
        name: name.into(),
        email: email.into(),
        must_change_password: false,
        logged_in_at: db.now(),
    };
    let id = db.client(&sales, "Zebulon Quickfoot", "zq@after.example");
    for term in ["zebulon", "qu"] {
        let page = db
            .crm
            .list_clients(
                &epicevents::db::repo::clients::ClientFilter::default(),
                epicevents::db::repo::clients::ClientSort::Name,
                &epicevents::db::repo::ListParams::default().with_filter(term),
            )
            .expect("search");
        assert!(
            page.rows.iter().any(|r| r.client.id == id),
            "'{term}' finds the client written after the bulk run"
        );
    }
    fts_agrees_with_tables(db);
}

fn a_failed_run_leaves_the_schema_as_it_was(db: &TestDb) {
    // No staff: the run stops after the indexes were set aside.
    let before = schema_objects(db);
    let err = epicevents::demo::bulk::generate(db.crm.db(), 10, 10, 1, |_, _, _| {})
        .expect_err("no staff to own the rows");
    assert!(err.to_string().contains("demo"), "{err}");
    assert_eq!(schema_objects(db), before);
    assert_eq!(count(db, "clients"), 0);
}

mod sqlite {
    #[test]
    fn schema_and_search_survive_a_bulk_run() {
        super::schema_and_search_survive_a_bulk_run(&super::TestDb::sqlite());
    }
    #[test]
    fn a_failed_run_leaves_the_schema_as_it_was() {
        super::a_failed_run_leaves_the_schema_as_it_was(&super::TestDb::sqlite());
    }
}

mod postgres {
    #[test]
    #[cfg_attr(
        not(pg_tests),
        ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
    )]
    fn schema_and_search_survive_a_bulk_run() {
        super::schema_and_search_survive_a_bulk_run(&super::TestDb::postgres());
    }
    #[test]
    #[cfg_attr(
        not(pg_tests),
        ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
    )]
    fn a_failed_run_leaves_the_schema_as_it_was() {
        super::a_failed_run_leaves_the_schema_as_it_was(&super::TestDb::postgres());
    }
}
