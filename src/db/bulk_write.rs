//! SQLite settings for one long write of many rows (an import), undone after it.
//!
//! Two costs grow with the rows an import has already written when they are
//! left as they are for a single statement:
//!
//! - **Full-text upkeep.** Each new row's insert trigger adds it to the table's
//!   FTS5 indexes, and every savepoint (one per row, so that a refused row
//!   leaves no trace) makes FTS5 flush its pending terms as a new segment that
//!   later has to be merged with the others. Here the insert triggers are set
//!   aside for the import and the new rows indexed in one statement at its end.
//! - **The page cache.** A transaction with more changed pages than the cache
//!   holds spills them to the write-ahead log and reads them back again and
//!   again. The cache is raised for the import and put back after.
//!
//! Everything happens inside the import's transaction: the triggers are back
//! before it commits, and a rollback (a dry run, a refused import, an error)
//! brings them back by itself. No other connection writes meanwhile, since the
//! transaction holds SQLite's only write lock. PostgreSQL needs none of this.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConnection;
use crate::error::{Error, Result};

/// Most memory the page cache may take during a long write (KiB; SQLite's
/// negative `cache_size`). Pages are only taken as they are used.
const CACHE_KIB: i64 = 512 * 1024;

/// The full-text indexes kept beside a table (see the migrations).
fn fts_tables(table: &str) -> [String; 2] {
    [format!("{table}_fts"), format!("{table}_words")]
}

/// What [`begin`] changed, to put back with [`BulkWrite::finish`].
#[derive(Debug)]
pub struct BulkWrite {
    table: &'static str,
    /// Rows with this id or above are new: they are indexed at the end.
    first_new_id: i64,
    /// The insert triggers dropped, with the statements that create them.
    triggers: Vec<(String, String)>,
    cache_size: i64,
}

#[derive(QueryableByName)]
struct Trigger {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

#[derive(QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = BigInt)]
    cache_size: i64,
}

#[derive(QueryableByName)]
struct MaxId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Prepares `table` (`events` or `clients`) for a long write in the current
/// transaction. `None` on PostgreSQL.
pub fn begin(conn: &mut DbConnection, table: &'static str) -> Result<Option<BulkWrite>> {
    let DbConnection::Sqlite(c) = conn else {
        return Ok(None);
    };
    // The table name is one of ours, never input; refuse anything else rather
    // than build a statement around it.
    if !matches!(table, "events" | "clients") {
        return Err(Error::Rule(format!("no bulk write for {table}")));
    }
    let [fts, words] = fts_tables(table);
    let triggers: Vec<Trigger> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? \
         AND name IN (?, ?) ORDER BY name",
    )
    .bind::<Text, _>(table)
    .bind::<Text, _>(format!("{fts}_ai"))
    .bind::<Text, _>(format!("{words}_ai"))
    .load(c)?;
    let cache_size = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(c)?
        .cache_size;
    let first_new_id = diesel::sql_query(format!(
        "SELECT COALESCE(MAX(id), 0) + 1 AS id FROM {table}"
    ))
    .get_result::<MaxId>(c)?
    .id;
    let mut setup = format!("PRAGMA cache_size = -{CACHE_KIB};\n");
    for t in &triggers {
        setup.push_str(&format!("DROP TRIGGER {};\n", t.name));
    }
    c.batch_execute(&setup)?;
    Ok(Some(BulkWrite {
        table,
        first_new_id,
        triggers: triggers.into_iter().map(|t| (t.name, t.sql)).collect(),
        cache_size,
    }))
}

impl BulkWrite {
    /// Indexes the rows written since [`begin`], creates the triggers again and
    /// puts the cache back. Call before the transaction commits.
    pub fn finish(self, conn: &mut DbConnection) -> Result<()> {
        let DbConnection::Sqlite(c) = conn else {
            return Ok(());
        };
        let mut sql = String::new();
        for (name, _) in &self.triggers {
            // Only the indexes whose trigger was set aside missed rows.
            if let Some(fts) = name.strip_suffix("_ai") {
                sql.push_str(&format!(
                    "INSERT INTO {fts}(rowid, search) SELECT id, search FROM {} WHERE id >= {};\n",
                    self.table, self.first_new_id
                ));
            }
        }
        for (_, create) in &self.triggers {
            sql.push_str(create);
            sql.push_str(";\n");
        }
        sql.push_str(&format!("PRAGMA cache_size = {};\n", self.cache_size));
        c.batch_execute(&sql)?;
        Ok(())
    }
}
