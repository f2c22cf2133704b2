//! Business rules over the repositories: what a contract's amount due is, what
//! signing does, which notifications follow. Services know no terminal.
//!
//! Every write runs in one transaction that (1) re-reads the actor, (2) asks the
//! policy, (3) writes through the repository with the permit, (4) writes the audit
//! row. Sentry business messages are sent after the commit, exactly once.

pub mod audit;
pub mod auth;
pub mod changes;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod import;
pub mod notifications;
pub mod operator;
pub mod password;
pub mod sessions;
pub mod validate;

/// The parameters, filters and sort orders of the list services, for callers
/// above the services (the UI, scripts): they name them here, never `db::repo`.
pub mod query {
    pub use crate::db::repo::audit::AuditFilter;
    pub use crate::db::repo::clients::{ClientFilter, ClientRow, ClientSort};
    pub use crate::db::repo::collaborators::{CollaboratorFilter, CollaboratorSort};
    pub use crate::db::repo::contracts::{ContractFilter, ContractRow, ContractSort};
    pub use crate::db::repo::events::{EventFilter, EventRow, EventSort, TimeWindow};
    pub use crate::db::repo::{
        group_thousands, At, Cursor, KeyValue, ListParams, ListRequest, Page, COUNT_CAP,
    };
}

use chrono::NaiveDateTime;

use crate::config::CrmConfig;
use crate::db::repo::audit::FieldChange;
use crate::db::{Backend, Db, DbConnection, Target};
use crate::domain::time::{system_clock, Clock};
use crate::error::Result;
use crate::policy::{authorize, Action, Actor, Permit};
use crate::session::Session;

/// The business core: a database, its settings and a clock.
#[derive(Clone)]
pub struct Crm {
    db: Db,
    cfg: CrmConfig,
    clock: Clock,
    /// Where committed writes are announced (see [`changes`]).
    hub: changes::ChangeHub,
}

impl std::fmt::Debug for Crm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crm")
            .field("db", &self.db)
            .field("cfg", &self.cfg)
            .finish()
    }
}

impl Crm {
    pub fn new(db: Db, cfg: CrmConfig, clock: Clock) -> Crm {
        Crm {
            db,
            cfg,
            clock,
            hub: changes::ChangeHub::default(),
        }
    }

    /// Opens and migrates the database, with the system clock.
    pub fn open(target: &Target, cfg: CrmConfig) -> Result<Crm> {
        Crm::open_noting(target, cfg, |_| {})
    }

    /// [`Crm::open`], telling `note` before a schema upgrade starts (see
    /// [`Db::open_noting`]).
    pub fn open_noting(target: &Target, cfg: CrmConfig, note: impl FnOnce(&str)) -> Result<Crm> {
        let db = Db::open_noting(target, || {
            note("upgrading the database schema; on a large database this takes a minute")
        })?;
        Ok(Crm::new(db, cfg, system_clock()))
    }

    /// True when opening created a new SQLite file.
    pub fn created_new_database(&self) -> bool {
        self.db.created()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn config(&self) -> &CrmConfig {
        &self.cfg
    }

    /// Now, in UTC, from the configured clock.
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }

    /// The actor as the database knows them now (role, active flag).
    pub fn actor(&self, session: &Session) -> Result<Actor> {
        self.db
            .read(|c| crate::db::repo::collaborators::actor(c, session.collaborator_id))
    }

    /// "May I?" for screens: checked against the fresh actor.
    pub fn allows(&self, session: &Session, action: &Action) -> bool {
        self.actor(session)
            .map(|a| crate::policy::allows(&a, action))
            .unwrap_or(false)
    }

    /// One authorised write: the actor is re-read inside the transaction, and `f`
    /// asks [`authorize`] with facts it reads in the same transaction.
    ///
    /// The records it touched (read back from its audit rows) are announced
    /// once it commits: see [`changes`].
    pub(crate) fn write<T>(
        &self,
        session: &Session,
        mut f: impl FnMut(&mut DbConnection, &Actor) -> Result<T>,
    ) -> Result<T> {
        let id = session.collaborator_id;
        self.announced(Some(id), |conn, _| {
            let actor = crate::db::repo::collaborators::actor(conn, id)?;
            f(conn, &actor)
        })
    }

    /// One write transaction whose records are announced once it commits (see
    /// [`changes`]): those of its audit rows by `actor` (`None`: rows with no
    /// collaborator as the actor, the operator's and the first admin's), and
    /// any `f` adds to its second argument for a change that leaves no audit
    /// row (an account locked by failed logins). [`Crm::write`] is this with
    /// the actor re-read; the writes that check their actor themselves
    /// (password changes and resets, logins) use it directly, so that a
    /// terminal showing that account, or holding its session, hears of it too.
    pub(crate) fn announced<T>(
        &self,
        actor: Option<i64>,
        mut f: impl FnMut(&mut DbConnection, &mut Vec<(String, i64)>) -> Result<T>,
    ) -> Result<T> {
        self.hub.write_begins();
        let r = self.db.write(|conn| {
            let mark = changes::mark(conn)?;
            let mut also = Vec::new();
            let value = f(conn, &mut also)?;
            let written = changes::since(conn, mark, actor, also)?;
            changes::notify(conn, &written)?;
            Ok((value, written))
        });
        if let (Ok((_, written)), Backend::Sqlite) = (&r, self.backend()) {
            self.hub.publish(written);
        }
        self.hub.write_ends();
        r.map(|(value, _)| value)
    }

    /// Committed changes from now on (see [`changes`]): every write through
    /// this process, and on PostgreSQL every write by anyone.
    pub fn subscribe_changes(&self) -> Result<tokio::sync::broadcast::Receiver<changes::Change>> {
        self.hub.subscribe(&self.db)
    }
}

/// Refuses a write based on a stale read: the record changed since `expected`.
pub(crate) fn expect_version(
    entity: &'static str,
    id: i64,
    current: i32,
    expected: i32,
) -> Result<()> {
    if current == expected {
        Ok(())
    } else {
        Err(crate::Error::Conflict { entity, id })
    }
}

/// Shorthand for `authorize(actor, &action)` with the error converted.
pub(crate) fn permit(actor: &Actor, action: Action) -> Result<Permit> {
    Ok(authorize(actor, &action)?)
}

/// Collects before → after pairs for the audit trail, skipping unchanged fields.
#[derive(Debug, Default)]
pub(crate) struct Changes(pub Vec<FieldChange>);

impl Changes {
    pub fn field(&mut self, name: &str, before: impl ToString, after: impl ToString) -> &mut Self {
        let (b, a) = (before.to_string(), after.to_string());
        if b != a {
            self.0.push(FieldChange {
                field: name.to_string(),
                before: Some(b),
                after: Some(a),
            });
        }
        self
    }

    pub fn created(&mut self, name: &str, after: impl ToString) -> &mut Self {
        self.0.push(FieldChange {
            field: name.to_string(),
            before: None,
            after: Some(after.to_string()),
        });
        self
    }

    /// Like [`Changes::created`], but an optional field left blank is not listed.
    pub fn created_unless_blank(&mut self, name: &str, after: &str) -> &mut Self {
        if !after.trim().is_empty() {
            self.created(name, after);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// "Name (#id)" or "—" for an optional person.
pub(crate) fn person(name: Option<&str>) -> String {
    name.unwrap_or("—").to_string()
}
