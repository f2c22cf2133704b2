//! Storage: one diesel code base over an embedded SQLite file (the default) and
//! PostgreSQL (a team sharing one database), chosen by the URL's scheme.

pub mod bulk_write;
pub mod migrate;
pub mod models;
pub mod repo;
pub mod schema;
pub mod search;
pub mod stamp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::Connection;

use crate::error::{Error, Result};

/// One connection type for both backends: queries written once with the query
/// builder run on either.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the backend's own connection type. Needed where
/// `MultiConnection` cannot go: `RETURNING`, row locks, backend-specific SQL.
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, as given on the command line or in `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    SqliteFile(PathBuf),
    Postgres(String),
}

/// What `--database` / `DATABASE_URL` accepts, said whenever something else is given.
pub const ACCEPTED_TARGETS: &str = "a postgres:// or postgresql:// URL, sqlite://PATH, \
     or a file path ending in .db, .sqlite or .sqlite3";

impl Target {
    /// `postgres://` and `postgresql://` URLs are PostgreSQL; `sqlite://PATH` or a
    /// path ending in `.db`, `.sqlite` or `.sqlite3` is an SQLite file. Anything else
    /// (a libpq `key=value` string, a mistyped scheme, a bare word) is refused rather
    /// than silently becoming a new, empty SQLite file of that name.
    pub fn parse(s: &str) -> Result<Target> {
        let t = s.trim();
        let refuse =
            |why: &str| Error::Config(format!("{why}; the database must be {ACCEPTED_TARGETS}"));
        if t.is_empty() {
            return Err(refuse("the database is empty"));
        }
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            return Ok(Target::Postgres(t.to_string()));
        }
        if let Some(path) = t.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(refuse("sqlite:// needs a file path"));
            }
            return Ok(Target::SqliteFile(PathBuf::from(path)));
        }
        if let Some(scheme) = t.split_once("://").map(|(s, _)| s) {
            let safe = crate::telemetry::scrub::mask_url_password(t);
            return Err(refuse(&format!("unknown scheme {scheme:?} in {safe}")));
        }
        let key_value = t.split_whitespace().any(|w| {
            w.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        });
        if key_value {
            return Err(refuse("a key=value connection string is not accepted"));
        }
        let path = PathBuf::from(t);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("db" | "sqlite" | "sqlite3") => Ok(Target::SqliteFile(path)),
            _ => Err(refuse(&format!(
                "{:?} is not a database",
                crate::telemetry::scrub::scrub_text(t)
            ))),
        }
    }

    /// The default: `epicevents.db` in the user's data directory, which is created
    /// here (0700) if needed. Elsewhere a new file goes only into a directory that
    /// already exists, so a typo never grows a tree of empty directories.
    pub fn default_sqlite() -> Result<Target> {
        let path = Self::default_sqlite_path()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        crate::files::private_dir(dir).map_err(|e| {
            Error::Connection(format!(
                "cannot create the data directory {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Target::SqliteFile(path))
    }

    /// Where the default database lives, without creating anything.
    pub fn default_sqlite_path() -> Result<PathBuf> {
        Ok(crate::config::project_dirs()?
            .data_dir()
            .join("epicevents.db"))
    }

    /// True for the default database file.
    pub fn is_default(&self) -> bool {
        match self {
            Target::SqliteFile(p) => Self::default_sqlite_path().is_ok_and(|d| d == *p),
            Target::Postgres(_) => false,
        }
    }

    /// A description safe to show and log: a PostgreSQL password is masked.
    pub fn display_safe(&self) -> String {
        match self {
            Target::SqliteFile(p) => p.display().to_string(),
            Target::Postgres(url) => crate::telemetry::scrub::mask_url_password(url),
        }
    }

    /// True when the URL itself holds a password (`user:pw@` or `?password=`):
    /// on a command line, anyone on the machine can read it in the process list.
    pub fn carries_password(&self) -> bool {
        match self {
            Target::SqliteFile(_) => false,
            Target::Postgres(url) => crate::telemetry::scrub::mask_url_password(url) != *url,
        }
    }
}

/// Pragmas every pooled SQLite connection needs: integrity is enforced by the
/// engine (foreign keys), concurrent readers do not block the writer (WAL), and a
/// second writer waits instead of failing at once. Reads go through a memory map
/// (up to 1 GiB) rather than a read() per page: list queries that walk an index
/// and visit rows in its order are about twice as fast on a large file.
/// Temporary storage stays in memory: a write's savepoint journal (one per row
/// of an import) would otherwise spill to a temporary file and be written page
/// by page.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                 PRAGMA mmap_size = 1073741824; PRAGMA temp_store = MEMORY;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// PostgreSQL session settings. A list's filter is a bound `LIKE` pattern, and a
/// cached prepared statement may switch to a generic plan after five runs: one plan
/// for every pattern, which for a one- or two-letter term scans the whole trigram
/// index (0.8 s at 1 000 000 events instead of 20 ms). Each run is planned for its
/// own values instead.
#[derive(Debug)]
struct PgSession;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for PgSession {
    fn on_acquire(&self, conn: &mut DbConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        if let DbConnection::Postgresql(c) = conn {
            c.batch_execute("SET plan_cache_mode = force_custom_plan;")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

/// A pool of connections to one database, migrated on open.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<DbConnection>>,
    backend: Backend,
    created: bool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// How long to wait for a connection from the pool before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// libpq's own connect timeout: under [`CONNECT_TIMEOUT`], so that a server that
/// does not answer is reported within five seconds.
const PG_CONNECT_TIMEOUT_SECS: u64 = 4;

impl Db {
    /// Opens (creating an SQLite file and its directory if needed) and migrates.
    pub fn open(target: &Target) -> Result<Db> {
        Self::open_noting(target, || {})
    }

    /// [`Db::open`], calling `note` before upgrading an existing schema (it can
    /// take a while on a large database and nothing else shows that work is going on).
    pub fn open_noting(target: &Target, note: impl FnOnce()) -> Result<Db> {
        let db = Self::connect(target)?;
        db.migrate_noting(note)?;
        db.optimize();
        Ok(db)
    }

    /// SQLite's `PRAGMA optimize`: ANALYZE of the tables whose statistics are missing
    /// or stale (their size changed tenfold), sampling at most 1 000 rows per index,
    /// so it stays well under a second at a million events and costs nothing when
    /// there is nothing to do. Which index a list walks depends on these statistics:
    /// without them, the events sorted by client took a second instead of 6 ms.
    /// Best effort: a read-only or busy file keeps the statistics it has.
    /// PostgreSQL's autovacuum analyzes on its own.
    pub fn optimize(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        let r = self.conn().and_then(|mut conn| {
            Ok(conn.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?)
        });
        if let Err(e) = r {
            tracing::debug!("PRAGMA optimize skipped: {e}");
        }
    }

    /// Opens without running migrations.
    pub fn connect(target: &Target) -> Result<Db> {
        match target {
            Target::SqliteFile(path) => Self::open_sqlite(path),
            Target::Postgres(url) => Self::open_postgres(url),
        }
    }

    fn open_sqlite(path: &Path) -> Result<Db> {
        let created = prepare_sqlite_file(path)?;
        let url = path.to_string_lossy().to_string();
        // Fail early, within seconds, with the real reason (locked, not a database,
        // unreadable) rather than a pool time-out.
        if let Err(e) = probe_sqlite(&url) {
            if created {
                // Nothing of ours is in it: leave no empty file behind.
                let _ = std::fs::remove_file(path);
            }
            return Err(sqlite_open_error(path, &e));
        }
        // One connection at start, more as work asks for them: each new SQLite
        // connection reads the whole schema, which a short command should not
        // pay four times.
        let pool = Pool::builder()
            .max_size(4)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(ConnectionManager::new(url))
            .map_err(|e| sqlite_open_error(path, &e.to_string()))?;
        Ok(Db {
            pool,
            backend: Backend::Sqlite,
            created,
        })
    }

    fn open_postgres(url: &str) -> Result<Db> {
        init_tls();
        let url = with_connect_timeout(url);
        // PgConnection itself, not the multi-backend connection: only it keeps
        // libpq's reason for a failure.
        diesel::PgConnection::establish(&url)
            .map_err(|e| postgres_connect_error(&url, &e.to_string()))?;
        let pool = Pool::builder()
            .max_size(8)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            .connection_customizer(Box::new(PgSession))
            .build(ConnectionManager::new(url.clone()))
            .map_err(|e| postgres_connect_error(&url, &e.to_string()))?;
        Ok(Db {
            pool,
            backend: Backend::Postgres,
            created: false,
        })
    }

    /// True when opening created a new SQLite file (the caller says so: a typo in
    /// a path would otherwise silently start an empty CRM).
    pub fn created(&self) -> bool {
        self.created
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection.
    pub fn conn(&self) -> Result<PooledConn> {
        self.pool
            .get()
            .map_err(|e| Error::Connection(format!("no database connection available: {e}")))
    }

    /// Runs `f` in a transaction; retried a few times when SQLite reports another
    /// writer holds the lock, so two processes on one file do not fail each other.
    /// On SQLite the transaction takes the write lock at its start (`BEGIN
    /// IMMEDIATE`): a read-then-write transaction can then never fail half-way
    /// because another writer committed in between.
    pub fn write<T>(&self, mut f: impl FnMut(&mut DbConnection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        let mut attempt = 0;
        loop {
            let r = match self.backend {
                Backend::Postgres => conn.transaction(|c| f(c)),
                Backend::Sqlite => immediate(&mut conn, &mut f),
            };
            match r {
                Err(Error::Database(ref e)) if is_busy(e) && attempt < 5 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(20 * attempt));
                }
                other => return other,
            }
        }
    }

    /// Runs `f` on a pooled connection (no transaction).
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn()?;
        f(&mut conn)
    }
}

/// `f` in a `BEGIN IMMEDIATE` transaction, through diesel's own transaction
/// manager so a connection dropped mid-way (a panic) is seen as broken by the pool.
fn immediate<T>(
    conn: &mut DbConnection,
    f: &mut impl FnMut(&mut DbConnection) -> Result<T>,
) -> Result<T> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let r = f(conn);
    let DbConnection::Sqlite(c) = conn else {
        return r;
    };
    match r {
        Ok(v) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(v),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}

fn is_busy(e: &diesel::result::Error) -> bool {
    let s = e.to_string();
    s.contains("database is locked") || s.contains("database table is locked")
}

mod open_errors;
use open_errors::{postgres_connect_error, prepare_sqlite_file, probe_sqlite, sqlite_open_error};

/// libpq waits forever for an unreachable host unless told otherwise.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
}

/// Initialises OpenSSL, libpq's TLS, without its exit-time clean-up. OpenSSL
/// decides on its first initialisation whether to clean up at exit, and that
/// clean-up races any thread still opening or closing a TLS connection to
/// PostgreSQL as the process exits (a pool filling itself, a server's handler),
/// which then crashes. Call it before the first PostgreSQL connection: the
/// binary does first thing; opening a PostgreSQL database does too.
pub fn init_tls() {
    openssl_sys::init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_parses_schemes() {
        let ok = |s: &str| Target::parse(s).expect(s);
        assert_eq!(
            ok("postgres://u:p@h/db"),
            Target::Postgres("postgres://u:p@h/db".into())
        );
        assert_eq!(
            ok("postgresql://h/db"),
            Target::Postgres("postgresql://h/db".into())
        );
        assert_eq!(
            ok("sqlite:///tmp/x.db"),
            Target::SqliteFile("/tmp/x.db".into())
        );
        assert_eq!(ok("sqlite://crm"), Target::SqliteFile("crm".into()));
        assert_eq!(ok("data/crm.db"), Target::SqliteFile("data/crm.db".into()));
        assert_eq!(ok("crm.SQLite3"), Target::SqliteFile("crm.SQLite3".into()));
        assert_eq!(ok(" crm.sqlite "), Target::SqliteFile("crm.sqlite".into()));
    }

    #[test]
    fn anything_else_is_refused_with_what_is_accepted() {
        for bad in [
            "host=db user=app password=pw dbname=crm",
            "postgress://app:pw@db/crm",
            "mysql://db/crm",
            "crm",
            "crm.txt",
            "",
            "sqlite://",
        ] {
            let e = Target::parse(bad).expect_err(bad).to_string();
            assert!(e.contains(ACCEPTED_TARGETS), "{bad}: {e}");
            assert!(!e.contains("pw@"), "no password in {e}");
            assert!(!e.contains("password=pw"), "no password in {e}");
        }
    }

    #[test]
    fn a_password_in_the_url_is_noticed() {
        let t = |s: &str| Target::parse(s).expect(s).carries_password();
        assert!(t("postgres://app:pw@db/crm"));
        assert!(t("postgres://app@db/crm?password=pw"));
        assert!(t("postgres://app@db/crm?sslmode=require&sslpassword=pw"));
        assert!(!t("postgres://app@db/crm?passfile=/home/a/.pgpass"));
        assert!(!t("postgres://app@db/crm"));
        assert!(!t("crm.db"));
    }

    #[test]
    fn connect_timeout_is_added_once() {
        assert_eq!(
            with_connect_timeout("postgres://h/db"),
            "postgres://h/db?connect_timeout=4"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?sslmode=disable"),
            "postgres://h/db?sslmode=disable&connect_timeout=4"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=2"),
            "postgres://h/db?connect_timeout=2"
        );
    }
}
