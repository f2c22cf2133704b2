//! Both backends' migrations, embedded in the binary and run on start.
//!
//! Diesel's harness creates its bookkeeping table before anything else, which needs
//! the right to create tables. On a shared PostgreSQL database the application role
//! has no such right (README: the owner migrates), so the applied versions are read
//! first and the harness only runs when something is pending.
//!
//! Two processes may start on the same new database at once (two people opening the
//! CRM, a service and a shell). Left alone, both would see the same pending
//! migrations and the second would fail on "table already exists". So whoever finds
//! work to do takes a lock first (PostgreSQL: a session advisory lock; SQLite: the
//! write lock), reads the applied versions again under it, and runs only what is
//! still pending. The same module holds the lock that serialises creating the first
//! accounts ([`first_accounts_lock`]).

use std::collections::HashSet;

use diesel::backend::Backend as DieselBackend;
use diesel::migration::MigrationSource;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use diesel::connection::SimpleConnection;

use super::{Backend, Db, DbConnection};
use crate::error::{Error, Result};

/// Advisory-lock keys of this application (PostgreSQL has one key space per
/// database, shared with anything else using it): "EPIC" in the high bytes makes a
/// clash with another program's keys unlikely.
const LOCK_MIGRATIONS: i64 = 0x4550_4943_0000_0001;
const LOCK_FIRST_ACCOUNTS: i64 = 0x4550_4943_0000_0002;

/// How many times to wait `busy_timeout` (5 s) for SQLite's write lock before
/// giving up: another process may be upgrading a large file (about 40 s at a
/// million events).
const SQLITE_LOCK_ATTEMPTS: u32 = 24;

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
    ///
    /// The first reading, without a lock, keeps the usual start (nothing pending)
    /// read-only. When something is pending, the reading under the lock decides
    /// both the note and the run: another process may have migrated meanwhile.
    pub fn migrate_noting(&self, note: impl FnOnce()) -> Result<()> {
        let mut conn = self.conn()?;
        let (done, carried) = versions(&mut conn)?;
        if !pending(&done, &carried) {
            return Ok(());
        }
        let mut note = Some(note);
        match self.backend {
            Backend::Postgres => {
                // Session-level, on the connection that migrates: the migrations
                // run in transactions of their own, and the lock must outlast them.
                conn.batch_execute(&format!("SELECT pg_advisory_lock({LOCK_MIGRATIONS})"))?;
                let applied = apply_pending(&mut conn, &mut note);
                // Released whatever happened: the connection goes back to the pool.
                let unlocked =
                    conn.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_MIGRATIONS})"));
                applied?;
                Ok(unlocked?)
            }
            // Everything in one `BEGIN IMMEDIATE` transaction (diesel runs each
            // migration in a savepoint of it): the write lock is held from the
            // re-reading to the commit, and a failed migration leaves nothing.
            Backend::Sqlite => {
                let mut attempt = 0;
                loop {
                    match super::immediate(&mut conn, &mut |c| apply_pending(c, &mut note)) {
                        Err(Error::Database(ref e))
                            if super::is_busy(e) && attempt < SQLITE_LOCK_ATTEMPTS =>
                        {
                            attempt += 1;
                        }
                        other => return other,
                    }
                }
            }
        }
    }
}

/// Runs what is pending by a fresh reading of the applied versions; the caller
/// holds the migration lock. `note` is called (once) before upgrading an existing
/// schema.
fn apply_pending(conn: &mut DbConnection, note: &mut Option<impl FnOnce()>) -> Result<()> {
    let (done, carried) = versions(conn)?;
    if !pending(&done, &carried) {
        return Ok(());
    }
    if is_upgrade(&done, &carried) {
        if let Some(note) = note.take() {
            note();
        }
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
        let filled = fill_sort_names(conn)?;
        tracing::info!(
            applied = ran,
            sort_names_filled = filled,
            "database migrated"
        );
    }
    Ok(())
}

/// Serialises creating the first accounts (the first admin, the demo staff) across
/// processes, until the end of the caller's transaction. Both check "no account
/// yet" and then insert; under PostgreSQL's READ COMMITTED two transactions could
/// both see none, so the check runs under a transaction-level advisory lock and the
/// second one sees the first one's rows. On SQLite the caller's transaction
/// ([`Db::write`], `BEGIN IMMEDIATE`) already holds the only write lock.
pub(crate) fn first_accounts_lock(conn: &mut DbConnection) -> Result<()> {
    if let DbConnection::Postgresql(c) = conn {
        c.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({LOCK_FIRST_ACCOUNTS})"
        ))?;
    }
    Ok(())
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
