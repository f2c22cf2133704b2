//! Live updates: after each committed write, one [`Change`] — `{entity, id,
//! version, actor}` — for every record the write touched, so that screens can
//! re-read what they show instead of polling.
//!
//! Which records a write touched is read from the audit trail, which every
//! authorised write already fills in the same transaction: [`Crm::write`]
//! notes the last audit row before the write and collects the rows after it.
//! No service has to announce anything itself.
//!
//! Delivery:
//! - **PostgreSQL**: `pg_notify('epicevents_changes', json)` inside the write's
//!   transaction, which PostgreSQL delivers only on commit (a rolled-back write
//!   announces nothing). Each process with subscribers holds one pooled
//!   connection that `LISTEN`s and feeds its [`ChangeHub`], so every server
//!   instance on the database — and a terminal on `postgres://` — sees every
//!   write, its own included.
//! - **SQLite**: the hub of the process that wrote, after the commit. Another
//!   process writing to the same file is noticed by `PRAGMA data_version`
//!   (checked once a second while someone subscribes): that gives a
//!   [`Change::everything`], since it does not say which record changed.
//!
//! [`Crm::write`]: super::Crm

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Text;
use tokio::sync::broadcast;

use crate::db::schema::{audit_entries, clients, collaborators, contracts, events};
use crate::db::{Backend, Db, DbConnection};
use crate::error::Result;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "epicevents_changes";

/// Past this many records in one write (an import), one
/// [`Change::everything`] is sent instead of a change per record.
const MANY: usize = 100;

/// Changes a slow subscriber may fall behind before it is told to reload
/// everything (`Lagged`).
const BUFFER: usize = 1024;

/// How often the listener looks for notifications that arrived.
const POLL: Duration = Duration::from_millis(50);

/// How often an SQLite hub checks whether another process wrote to the file.
const DATA_VERSION_EVERY: Duration = Duration::from_secs(1);

/// One committed change to one record.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Change {
    /// `client`, `contract`, `event`, `collaborator`, or `*` for "anything may
    /// have changed: reload what you show".
    pub entity: String,
    /// The record's id (0 with `*`).
    pub id: i64,
    /// The record's version after the write (0 when unknown).
    pub version: i32,
    /// Who wrote (0 when unknown).
    pub actor: i64,
}

impl Change {
    /// Anything may have changed (a bulk write, a missed stretch of changes, a
    /// write by another process on an SQLite file).
    pub fn everything(actor: i64) -> Change {
        Change {
            entity: "*".into(),
            id: 0,
            version: 0,
            actor,
        }
    }

    pub fn is_everything(&self) -> bool {
        self.entity == "*"
    }
}

/// The fan-out of changes inside one process. Cloning shares it.
#[derive(Clone)]
pub struct ChangeHub {
    tx: broadcast::Sender<Change>,
    /// Whether a listener thread (PostgreSQL `LISTEN`, SQLite `data_version`)
    /// runs; it stops when the last subscriber goes.
    listening: Arc<Mutex<bool>>,
    /// This process's writes begun and ended (SQLite): the `data_version`
    /// watcher takes a commit seen while these moved for one of ours.
    writes: Arc<(AtomicU64, AtomicU64)>,
}

impl Default for ChangeHub {
    fn default() -> Self {
        ChangeHub {
            tx: broadcast::channel(BUFFER).0,
            listening: Arc::new(Mutex::new(false)),
            writes: Arc::default(),
        }
    }
}

impl std::fmt::Debug for ChangeHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeHub")
            .field("subscribers", &self.tx.receiver_count())
            .finish()
    }
}

impl ChangeHub {
    /// A write of this process begins.
    pub(crate) fn write_begins(&self) {
        self.writes.0.fetch_add(1, Ordering::SeqCst);
    }

    /// A write of this process is over (committed and published, or failed).
    pub(crate) fn write_ends(&self) {
        self.writes.1.fetch_add(1, Ordering::SeqCst);
    }

    fn writes(&self) -> (u64, u64) {
        (
            self.writes.0.load(Ordering::SeqCst),
            self.writes.1.load(Ordering::SeqCst),
        )
    }

    /// Hands `changes` to this process's subscribers.
    pub fn publish(&self, changes: &[Change]) {
        for c in changes {
            // No subscriber is not an error.
            let _ = self.tx.send(c.clone());
        }
    }

    /// A new subscriber. On PostgreSQL the `LISTEN` is in place when this
    /// returns: nothing committed afterwards is missed.
    pub fn subscribe(&self, db: &Db) -> Result<broadcast::Receiver<Change>> {
        let mut listening = self
            .listening
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let rx = self.tx.subscribe();
        if !*listening {
            match db.backend() {
                Backend::Postgres => {
                    let conn = listen(db)?;
                    let db = db.clone();
                    spawn(self.clone(), "epicevents-listen", move |hub| {
                        pg_listener(hub, db, conn)
                    })?;
                }
                Backend::Sqlite => {
                    // `data_version` compares commits seen by one connection:
                    // the watcher keeps its own.
                    let mut conn = db.conn()?;
                    let start = data_version(&mut conn).unwrap_or(0);
                    spawn(self.clone(), "epicevents-dataver", move |hub| {
                        sqlite_watcher(hub, conn, start)
                    })?;
                }
            }
            *listening = true;
        }
        Ok(rx)
    }

    /// Called by a listener thread: true (and the thread ends) when nobody
    /// subscribes any more.
    fn nobody_left(&self) -> bool {
        let mut listening = self
            .listening
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.tx.receiver_count() == 0 {
            *listening = false;
            true
        } else {
            false
        }
    }
}

fn spawn(hub: ChangeHub, name: &str, f: impl FnOnce(ChangeHub) + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || f(hub))
        .map(|_| ())
        .map_err(|e| crate::Error::Config(format!("cannot start the change listener: {e}")))
}

/// A pooled connection with `LISTEN` in place: counted in the pool's size, so
/// live updates never open more connections than the pool allows.
fn listen(db: &Db) -> Result<crate::db::PooledConn> {
    let mut conn = db.conn()?;
    if let DbConnection::Postgresql(pg) = &mut *conn {
        diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(pg)?;
    }
    Ok(conn)
}

/// Forwards notifications to the hub until nobody subscribes; a lost
/// connection is replaced (with backoff) and subscribers are told to reload,
/// since changes may have been missed meanwhile.
fn pg_listener(hub: ChangeHub, db: Db, first: crate::db::PooledConn) {
    let mut conn = Some(first);
    let mut backoff = Duration::from_millis(200);
    loop {
        if hub.nobody_left() {
            if let Some(mut c) = conn.take() {
                if let DbConnection::Postgresql(pg) = &mut *c {
                    let _ = diesel::sql_query("UNLISTEN *").execute(pg);
                }
            }
            return;
        }
        let Some(c) = conn.as_mut() else {
            std::thread::sleep(backoff);
            match listen(&db) {
                Ok(c) => {
                    conn = Some(c);
                    backoff = Duration::from_millis(200);
                    hub.publish(&[Change::everything(0)]);
                }
                Err(e) => {
                    tracing::warn!("change listener cannot reconnect: {e}");
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
            continue;
        };
        let DbConnection::Postgresql(pg) = &mut **c else {
            return;
        };
        let mut lost = false;
        for n in pg.notifications_iter() {
            match n {
                Ok(n) if n.channel == CHANNEL => match serde_json::from_str::<Change>(&n.payload) {
                    Ok(change) => hub.publish(&[change]),
                    Err(e) => tracing::warn!("unreadable change notification: {e}"),
                },
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("change listener lost its connection: {e}");
                    lost = true;
                    break;
                }
            }
        }
        if lost {
            // Dropped, not returned: r2d2 tests it before lending it again.
            conn = None;
            continue;
        }
        std::thread::sleep(POLL);
    }
}

/// SQLite's count of commits by other connections to the file.
fn data_version(conn: &mut DbConnection) -> Result<i64> {
    #[derive(QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        data_version: i64,
    }
    let DbConnection::Sqlite(c) = conn else {
        return Ok(0);
    };
    let v: V = diesel::sql_query("PRAGMA data_version").get_result(c)?;
    Ok(v.data_version)
}

/// Once a second while someone subscribes: did any other connection commit?
/// Our own writes are announced precisely by [`Crm::write`](super::Crm); this
/// also sees them (they come through other pooled connections), so a commit
/// is reported only when none of ours began or ended since the last check
/// (another process's write in the same second is then covered by the reload
/// our own change causes).
fn sqlite_watcher(hub: ChangeHub, mut conn: crate::db::PooledConn, mut seen: i64) {
    let mut last = Instant::now();
    let mut before = hub.writes();
    // Every write through the program leaves an audit row. The data version also
    // moves for work that writes no record (statistics, the write-ahead log
    // starting over), which is not announced.
    let mut audited = mark(&mut conn).unwrap_or(0);
    loop {
        std::thread::sleep(DATA_VERSION_EVERY.saturating_sub(last.elapsed()));
        last = Instant::now();
        if hub.nobody_left() {
            return;
        }
        // Read before the file and again after it: a write of ours that began
        // or committed meanwhile (this thread can be held up between the two
        // reads, long enough for a whole write) shows as a move of the counts.
        let now = hub.writes();
        let version = data_version(&mut conn);
        let after = hub.writes();
        let ours = now != before || now.0 != now.1 || after != now;
        before = after;
        match version {
            Ok(v) if v != seen => {
                seen = v;
                let now_audited = mark(&mut conn).unwrap_or(audited.saturating_add(1));
                let recorded = now_audited != audited;
                audited = now_audited;
                if !ours && recorded {
                    hub.publish(&[Change::everything(0)]);
                }
            }
            Ok(_) => {}
            Err(e) => tracing::debug!("data_version check skipped: {e}"),
        }
    }
}

/// The last audit row before a write.
pub(crate) fn mark(conn: &mut DbConnection) -> Result<i64> {
    let max: Option<i64> = audit_entries::table
        .select(diesel::dsl::max(audit_entries::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The records `actor` wrote since `mark` (`None`: audit rows with no actor),
/// then those in `also`, each once, with its version now.
pub(crate) fn since(
    conn: &mut DbConnection,
    mark: i64,
    actor: Option<i64>,
    also: Vec<(String, i64)>,
) -> Result<Vec<Change>> {
    let recent = audit_entries::table
        .filter(audit_entries::id.gt(mark))
        .order(audit_entries::id.asc())
        .select((audit_entries::entity, audit_entries::record_id));
    let rows: Vec<(String, i64)> = match actor {
        Some(a) => recent.filter(audit_entries::actor_id.eq(a)).load(conn)?,
        None => recent
            .filter(audit_entries::actor_id.is_null())
            .load(conn)?,
    };
    let actor = actor.unwrap_or(0);
    let mut seen = std::collections::HashSet::new();
    let touched: Vec<(String, i64)> = rows
        .into_iter()
        .chain(also)
        .filter(|r| seen.insert(r.clone()))
        .collect();
    if touched.len() > MANY {
        return Ok(vec![Change::everything(actor)]);
    }
    let mut out = Vec::with_capacity(touched.len());
    for (entity, id) in touched {
        let version = version_of(conn, &entity, id)?.unwrap_or(0);
        out.push(Change {
            entity,
            id,
            version,
            actor,
        });
    }
    Ok(out)
}

fn version_of(conn: &mut DbConnection, entity: &str, id: i64) -> Result<Option<i32>> {
    Ok(match entity {
        "client" => clients::table
            .find(id)
            .select(clients::version)
            .first(conn)
            .optional()?,
        "contract" => contracts::table
            .find(id)
            .select(contracts::version)
            .first(conn)
            .optional()?,
        "event" => events::table
            .find(id)
            .select(events::version)
            .first(conn)
            .optional()?,
        "collaborator" => collaborators::table
            .find(id)
            .select(collaborators::version)
            .first(conn)
            .optional()?,
        _ => None,
    })
}

/// PostgreSQL: queues the notifications in the write's transaction (sent on
/// commit). SQLite: nothing here; the caller publishes after the commit.
pub(crate) fn notify(conn: &mut DbConnection, changes: &[Change]) -> Result<()> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(());
    };
    for c in changes {
        let payload = serde_json::to_string(c).unwrap_or_default();
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(pg)?;
    }
    Ok(())
}
