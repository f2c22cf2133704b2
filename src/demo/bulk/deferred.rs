//! Index upkeep set aside while the bulk generator writes, and redone once at the
//! end.
//!
//! Keeping a dozen secondary indexes and the full-text indexes in step row by row
//! is most of the cost of a million-row import: every row lands at a random place
//! of each B-tree and, on SQLite, every statement flushes FTS5 segments that must
//! later be merged. Building each index once from the finished table is a sort,
//! several times cheaper. The generator runs the whole import in one transaction
//! (see `generate`), so a failure or an interrupted run rolls back to a database
//! with every index and trigger in place: nothing is ever left without them.
//!
//! Only what exists in the schema is set aside, read back from the catalogue, so
//! the indexes a later migration adds are covered without a list to keep here.
//! Constraints (primary keys, foreign keys, NOT NULL, checks) and the ledger
//! triggers stay in force during the import.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DbConnection;
use crate::error::{Error, Result};

/// The tables the generator fills.
const TABLES: [&str; 3] = ["clients", "contracts", "events"];

/// SQLite full-text indexes over those tables, rebuilt from their content table.
const SQLITE_FTS: [&str; 6] = [
    "clients_fts",
    "contracts_fts",
    "events_fts",
    "clients_words",
    "contracts_words",
    "events_words",
];

/// One index or trigger as the catalogue defines it.
#[derive(QueryableByName, Debug)]
struct Object {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

/// What was dropped, with the statements that create it again.
#[derive(Debug)]
pub(super) struct SetAside {
    objects: Vec<Object>,
}

/// Drops the secondary indexes of the bulk tables and, on SQLite, the triggers that
/// feed the full-text indexes on insert. Must run inside the import's transaction.
pub(super) fn set_aside(conn: &mut DbConnection) -> Result<SetAside> {
    let objects: Vec<Object> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT type AS kind, name, sql FROM sqlite_master \
             WHERE tbl_name IN (?, ?, ?) AND sql IS NOT NULL \
             AND (type = 'index' OR (type = 'trigger' \
                  AND (name LIKE '%\\_fts\\_ai' ESCAPE '\\' OR name LIKE '%\\_words\\_ai' ESCAPE '\\'))) \
             ORDER BY type, name",
        )
        .bind::<Text, _>(TABLES[0])
        .bind::<Text, _>(TABLES[1])
        .bind::<Text, _>(TABLES[2])
        .load(c)?,
        // Indexes that back a constraint (the primary keys) cannot be dropped and
        // are kept; every other index of the three tables is rebuilt at the end.
        DbConnection::Postgresql(c) => diesel::sql_query(
            "SELECT 'index' AS kind, i.relname::text AS name, pg_get_indexdef(i.oid) AS sql \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid \
             WHERE t.relname IN ($1, $2, $3) AND pg_table_is_visible(t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid) \
             ORDER BY i.relname",
        )
        .bind::<Text, _>(TABLES[0])
        .bind::<Text, _>(TABLES[1])
        .bind::<Text, _>(TABLES[2])
        .load(c)?,
    };
    let mut drop = String::new();
    for o in &objects {
        // Names come from our own catalogue; refuse anything that would need quoting
        // rather than build a statement around it.
        if !o
            .name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            return Err(Error::Rule(format!(
                "unexpected {} name in the schema: {:?}",
                o.kind, o.name
            )));
        }
        let what = if o.kind == "trigger" {
            "TRIGGER"
        } else {
            "INDEX"
        };
        drop.push_str(&format!("DROP {what} {};\n", o.name));
    }
    crate::with_backend!(&mut *conn, |c| c.batch_execute(&drop))?;
    Ok(SetAside { objects })
}

/// The statements that create again what [`set_aside`] dropped and rebuild the
/// SQLite full-text indexes from their tables (rows written meanwhile included),
/// each with a name to report: run them in order with [`restore`].
pub(super) fn plan(conn: &DbConnection, set: SetAside) -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = Vec::new();
    if let DbConnection::Postgresql(_) = conn {
        // Index builds sort in memory when they may; the setting ends with the
        // transaction.
        steps.push((
            "settings".into(),
            "SET LOCAL maintenance_work_mem = '512MB'".into(),
        ));
    }
    for o in set.objects {
        steps.push((o.name, o.sql));
    }
    if let DbConnection::Sqlite(_) = conn {
        for fts in SQLITE_FTS {
            steps.push((
                fts.into(),
                format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')"),
            ));
        }
    }
    steps
}

/// Runs a [`plan`]; `progress(name)` is called before each step.
pub(super) fn restore(
    conn: &mut DbConnection,
    steps: Vec<(String, String)>,
    mut progress: impl FnMut(&str),
) -> Result<()> {
    for (name, sql) in steps {
        progress(&name);
        crate::with_backend!(&mut *conn, |c| c.batch_execute(&sql))?;
    }
    Ok(())
}
