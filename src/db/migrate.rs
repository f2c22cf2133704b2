//! Both backends' migrations, embedded in the binary and run on start.
//!
//! Diesel's harness creates its bookkeeping table before anything else, which needs
//! the right to create tables. On a shared PostgreSQL database the application role
//! has no such right (README: the owner migrates), so the applied versions are read
//! first and the harness only runs when something is pending.

use std::collections::HashSet;

use diesel::backend::Backend as DieselBackend;
use diesel::migration::MigrationSource;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{Db, DbConnection};
use crate::error::{Error, Result};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Versions recorded as applied; `None` when the bookkeeping table does not exist.
fn applied<C: diesel::Connection>(conn: &mut C) -> Option<HashSet<String>>
where
    Applied: QueryableByName<C::Backend>,
    C::Backend: DieselBackend,
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, C, Applied>,
{
    diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load::<Applied>(conn)
        .ok()
        .map(|rows| rows.into_iter().map(|r| r.version).collect())
}

/// Versions the binary carries.
fn embedded<DB: DieselBackend>(source: &EmbeddedMigrations) -> Result<Vec<String>>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    let migrations =
        MigrationSource::<DB>::migrations(source).map_err(|e| Error::Migration(e.to_string()))?;
    Ok(migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .collect())
}

fn pending(applied: &Option<HashSet<String>>, embedded: &[String]) -> bool {
    match applied {
        Some(done) => embedded.iter().any(|v| !done.contains(v)),
        None => true,
    }
}

/// What the database has applied, and what the binary carries for its backend.
fn versions(conn: &mut DbConnection) -> Result<(Option<HashSet<String>>, Vec<String>)> {
    Ok(match conn {
        DbConnection::Sqlite(c) => (applied(c), embedded::<diesel::sqlite::Sqlite>(&SQLITE)?),
        DbConnection::Postgresql(c) => (applied(c), embedded::<diesel::pg::Pg>(&POSTGRES)?),
    })
}

/// An existing schema behind the binary; a new, empty database is not an upgrade.
fn is_upgrade(applied: &Option<HashSet<String>>, embedded: &[String]) -> bool {
    applied.as_ref().is_some_and(|d| !d.is_empty()) && pending(applied, embedded)
}

impl Db {
    /// Whether an existing schema is behind the binary, so a caller can say so
    /// before [`Db::migrate`]: on a large database an upgrade takes a while (about
    /// 40 s at a million events). A new, empty database is not an upgrade.
    pub fn upgrade_pending(&self) -> Result<bool> {
        let (done, carried) = versions(&mut *self.conn()?)?;
        Ok(is_upgrade(&done, &carried))
    }

    /// Brings the schema up to date; a no-op (and read-only) when it already is.
    pub fn migrate(&self) -> Result<()> {
        self.migrate_noting(|| {})
    }

    /// [`Db::migrate`], calling `note` first when it upgrades an existing schema.
    pub fn migrate_noting(&self, note: impl FnOnce()) -> Result<()> {
        let mut conn = self.conn()?;
        let (done, carried) = versions(&mut conn)?;
        if !pending(&done, &carried) {
            return Ok(());
        }
        if is_upgrade(&done, &carried) {
            note();
        }
        let ran = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
            DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
        }
        .map_err(|e| {
            let msg = e.to_string();
            if msg.contains("permission denied") {
                Error::Migration(format!(
                    "{msg}: the schema needs migrating and this role may not; run once as the database owner"
                ))
            } else {
                Error::Migration(msg)
            }
        })?;
        if ran > 0 {
            let filled = fill_sort_names(&mut conn)?;
            tracing::info!(
                applied = ran,
                sort_names_filled = filled,
                "database migrated"
            );
        }
        Ok(())
    }
}

/// Fills `sort_name` where it is empty: rows written before the column existed
/// (every later write sets it). Folding needs the application, so this runs after
/// the migrations rather than in them; it never touches `version`, the name itself
/// being unchanged.
pub fn fill_sort_names(conn: &mut DbConnection) -> Result<usize> {
    use crate::db::schema::{clients, collaborators, events};
    use crate::domain::text::fold;
    use diesel::prelude::*;

    macro_rules! fill {
        ($t:ident, $name:ident) => {{
            let mut filled = 0;
            let mut after = 0_i64;
            loop {
                let rows: Vec<(i64, String)> = $t::table
                    .filter($t::id.gt(after))
                    .filter($t::sort_name.eq(""))
                    .order($t::id.asc())
                    .select(($t::id, $t::$name))
                    .limit(1_000)
                    .load(conn)?;
                let Some(last) = rows.last() else { break };
                after = last.0;
                conn.transaction::<_, Error, _>(|c| {
                    for (id, name) in &rows {
                        diesel::update($t::table.find(*id))
                            .set($t::sort_name.eq(fold(name)))
                            .execute(c)?;
                    }
                    Ok(())
                })?;
                filled += rows.len();
            }
            filled
        }};
    }
    Ok(fill!(collaborators, full_name) + fill!(clients, full_name) + fill!(events, name))
}
