//! Test databases: each test gets its own SQLite file or its own PostgreSQL
//! database, migrated from empty, with a clock the test controls.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::config::CrmConfig;
use epicevents::db::{Backend, Db, Target};
use epicevents::domain::Role;
use epicevents::server::{self, Running, ServerOptions, ServerSettings};
use epicevents::services::auth::NewAccount;
use epicevents::services::collaborators::CollaboratorInput;
use epicevents::session::Session;
use epicevents::Crm;

/// A strong password accepted by the password policy.
pub const PASSWORD: &str = "Tangerine-Orbit-1987!";

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestDb {
    pub crm: Crm,
    clock: Arc<Mutex<NaiveDateTime>>,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
    /// The third backend: a server in this process over the same database.
    remote: Option<Remote>,
}

/// A server started by the test and the client that talks to it.
pub struct Remote {
    pub client: Arc<RemoteCrm>,
    pub server: Option<Running>,
    _dir: tempfile::TempDir,
}

/// 2023-05-01 09:00 UTC: before both of the brief's events.
pub fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 5, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("valid date")
}

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("valid date")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn config() -> CrmConfig {
    // Cost 4: the lowest bcrypt allows, so tests do not spend seconds hashing.
    CrmConfig {
        bcrypt_cost: 4,
        ..CrmConfig::default()
    }
}

impl TestDb {
    fn with_db(
        db: Db,
        dir: Option<tempfile::TempDir>,
        pg_drop: Option<(String, String)>,
    ) -> TestDb {
        let clock = Arc::new(Mutex::new(t0()));
        let c = clock.clone();
        let crm = Crm::new(
            db,
            config(),
            Arc::new(move || *c.lock().expect("clock lock")),
        );
        TestDb {
            crm,
            clock,
            _dir: dir,
            pg_drop,
            remote: None,
        }
    }

    /// A PostgreSQL database served over HTTPS on 127.0.0.1 (a random port) by a
    /// server running in this process with the test's clock; [`TestDb::api`] is
    /// then the real HTTP client, pinned to the server's certificate.
    pub fn remote() -> TestDb {
        TestDb::remote_with(ServerSettings {
            // Tests move the clock by days: sessions outlive them, access tokens
            // do not (they are refreshed on the way).
            refresh_ttl: chrono::Duration::days(3650),
            login_failures_per_address: 100_000,
            ..ServerSettings::default()
        })
    }

    pub fn remote_with(settings: ServerSettings) -> TestDb {
        let mut db = TestDb::postgres();
        let dir = tempfile::tempdir().expect("server dir");
        let running = start_server(
            db.crm.clone(),
            "127.0.0.1:0",
            &dir.path().join("server"),
            settings,
        );
        let url = format!("https://{}", running.addr);
        let client = RemoteCrm::connect(&url, &Trust::Fingerprint(running.fingerprint.clone()))
            .expect("client");
        db.remote = Some(Remote {
            client: Arc::new(client),
            server: Some(running),
            _dir: dir,
        });
        db
    }

    /// `s` logged in again (through the server, whose session of `s` may have
    /// ended); in process the same session.
    pub fn relogin(&self, s: &Session) -> Session {
        self.through_server(s.clone())
    }

    /// The interface the tests call: the services in process, or the HTTP
    /// client of the test's server.
    pub fn api(&self) -> &dyn CrmApi {
        match &self.remote {
            Some(r) => r.client.as_ref(),
            None => &self.crm,
        }
    }

    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The server and its client, on the remote backend.
    pub fn remote_parts(&self) -> Option<&Remote> {
        self.remote.as_ref()
    }

    /// Logs `s` in through the server (remote backend only), keeping whoever
    /// was logged in before as the one reads are made as.
    fn through_server(&self, s: Session) -> Session {
        let Some(r) = &self.remote else {
            return s;
        };
        let before = r.client.current();
        let logged = r
            .client
            .login(&s.email, PASSWORD)
            .expect("log in through the server");
        if let Some(id) = before {
            r.client.set_current(id);
        }
        logged
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("test.db");
        let db = Db::open(&Target::SqliteFile(path)).expect("open sqlite");
        TestDb::with_db(db, Some(dir), None)
    }

    /// A fresh database on the server in `EPICEVENTS_TEST_PG_URL`; panics (fails the
    /// test) when the server is not configured or not reachable.
    pub fn postgres() -> TestDb {
        let base = std::env::var("EPICEVENTS_TEST_PG_URL").unwrap_or_default();
        assert!(
            !base.trim().is_empty(),
            "PostgreSQL is required for this test run but EPICEVENTS_TEST_PG_URL is not set"
        );
        let name = format!(
            "epic_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_subsec_micros()
        );
        epicevents::db::init_tls();
        let mut admin = diesel::PgConnection::establish(&base)
            .unwrap_or_else(|e| panic!("PostgreSQL at EPICEVENTS_TEST_PG_URL is unreachable: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = replace_db_name(&base, &name);
        let db = Db::open(&Target::Postgres(url)).expect("open postgres");
        TestDb::with_db(db, None, Some((base, name)))
    }

    pub fn backend(&self) -> Backend {
        self.crm.backend()
    }

    pub fn now(&self) -> NaiveDateTime {
        *self.clock.lock().expect("clock lock")
    }

    pub fn set_now(&self, t: NaiveDateTime) {
        *self.clock.lock().expect("clock lock") = t;
    }

    pub fn advance_minutes(&self, m: i64) {
        let t = self.now() + chrono::Duration::minutes(m);
        self.set_now(t);
    }

    /// The first admin, created through the first-run path.
    pub fn admin(&self) -> Session {
        let s = self
            .crm
            .create_first_admin(&NewAccount {
                full_name: "Paul Durand".into(),
                email: "paul.durand@epicevents.example".into(),
                phone: None,
                password: PASSWORD.into(),
            })
            .expect("first admin");
        self.through_server(s)
    }

    /// Creates a collaborator (as `by`) and returns a session for them.
    pub fn hire(&self, by: &Session, name: &str, role: Role) -> Session {
        let email = format!(
            "{}@epicevents.example",
            name.to_lowercase().replace(' ', ".")
        );
        let input = CollaboratorInput {
            full_name: name.into(),
            email: email.clone(),
            phone: None,
            role,
        };
        let id = self
            .crm
            .create_collaborator(by, &input, PASSWORD)
            .expect("create collaborator");
        // Through the server, a new account can do nothing before its first
        // password change: the cast there are established colleagues.
        if self.remote.is_some() {
            self.set_must_change_password(id, false);
        }
        self.through_server(Session {
            collaborator_id: id,
            role,
            name: name.into(),
            email,
            must_change_password: false,
            logged_in_at: self.now(),
        })
    }

    /// Sets whether collaborator `id` must change their password.
    pub fn set_must_change_password(&self, id: i64, must: bool) {
        self.crm
            .db()
            .write(|c| {
                use diesel::prelude::*;
                use epicevents::db::schema::collaborators as t;
                diesel::update(t::table.find(id))
                    .set(t::must_change_password.eq(must))
                    .execute(c)?;
                Ok(())
            })
            .expect("set must_change_password");
    }

    /// The usual cast: admin, one manager, two sales, two support.
    pub fn staff(&self) -> Staff {
        let admin = self.admin();
        let manager = self.hire(&admin, "Mia Martin", Role::Management);
        let sales = self.hire(&admin, "Bill Boquet", Role::Sales);
        let sales2 = self.hire(&admin, "Anne Roy", Role::Sales);
        let support = self.hire(&admin, "Kate Hastroff", Role::Support);
        let support2 = self.hire(&admin, "Alienor Vichum", Role::Support);
        Staff {
            admin,
            manager,
            sales,
            sales2,
            support,
            support2,
        }
    }
}

pub struct Staff {
    pub admin: Session,
    pub manager: Session,
    pub sales: Session,
    pub sales2: Session,
    pub support: Session,
    pub support2: Session,
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let base = match head.rfind('/') {
        Some(i) if i > head.find("://").map_or(0, |j| j + 2) => &head[..i],
        _ => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(mut r) = self.remote.take() {
            if let Some(server) = r.server.take() {
                let _ = server.stop(std::time::Duration::from_secs(1));
            }
        }
        if let Some((base, name)) = self.pg_drop.take() {
            if let Ok(mut admin) = diesel::PgConnection::establish(&base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Runs each named test function on SQLite, on PostgreSQL, and through the
/// team server over PostgreSQL: `backend_tests!(a, b)` makes `sqlite::a`,
/// `postgres::a`, `remote::a`, … calling `a(&TestDb)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::common::TestDb::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                #[cfg_attr(not(pg_tests), ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL")]
                fn $name() {
                    super::$name(&$crate::common::TestDb::postgres());
                }
            )*
        }
        mod remote {
            $(
                #[test]
                #[cfg_attr(not(pg_tests), ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL")]
                fn $name() {
                    super::$name(&$crate::common::TestDb::remote());
                }
            )*
        }
    };
}

// ---------------------------------------------------------------------------
// Fixtures shared by the integration tests: records made through the services,
// and assertions on the error a refused call returns.

use epicevents::domain::Cents;
use epicevents::services::clients::ClientInput;
use epicevents::services::events::EventInput;

/// A valid client form; `email` must be unique in the test.
pub fn client_input(name: &str, email: &str) -> ClientInput {
    ClientInput {
        full_name: name.into(),
        email: email.into(),
        phone: "+33 6 12 34 56 78".into(),
        company_name: format!("{name} SARL"),
        first_contact: date(2021, 4, 18),
        last_contact: date(2023, 3, 29),
    }
}

/// A valid event form.
pub fn event_input(name: &str, starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> EventInput {
    EventInput {
        name: name.into(),
        starts_at,
        ends_at,
        location: "53 Rue du Château, 41120 Candé-sur-Beuvron".into(),
        attendees: 75,
        notes: "Wedding starts at 3PM, by the river.".into(),
    }
}

impl TestDb {
    /// A client of `sales`, made through the service.
    pub fn client(&self, sales: &Session, name: &str, email: &str) -> i64 {
        self.crm
            .create_client(sales, &client_input(name, email))
            .expect("create client")
    }

    /// An unsigned contract, written by `by` (admin or management).
    pub fn contract(&self, by: &Session, client: i64, total_cents: i64) -> i64 {
        self.crm
            .create_contract(by, client, Cents(total_cents))
            .expect("create contract")
    }

    /// A contract written and signed by `by`.
    pub fn signed_contract(&self, by: &Session, client: i64, total_cents: i64) -> i64 {
        let id = self.contract(by, client, total_cents);
        self.crm
            .sign_contract(by, id, self.contract_version(id))
            .expect("sign contract");
        id
    }

    /// An event on a signed contract, created by the client's sales contact.
    pub fn event(
        &self,
        sales: &Session,
        contract: i64,
        name: &str,
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
    ) -> i64 {
        self.crm
            .create_event(sales, contract, &event_input(name, starts_at, ends_at))
            .expect("create event")
    }

    pub fn client_version(&self, id: i64) -> i32 {
        self.crm.get_client(id).expect("get client").client.version
    }

    pub fn contract_version(&self, id: i64) -> i32 {
        self.crm
            .get_contract(id)
            .expect("get contract")
            .contract
            .version
    }

    pub fn event_version(&self, id: i64) -> i32 {
        self.crm.get_event(id).expect("get event").event.version
    }

    pub fn collaborator_version(&self, id: i64) -> i32 {
        self.crm
            .get_collaborator(id)
            .expect("get collaborator")
            .version
    }
}

/// The policy's reason, panicking unless the call was refused by the policy.
#[track_caller]
pub fn denied<T: std::fmt::Debug>(r: epicevents::Result<T>) -> String {
    match r {
        Err(epicevents::Error::Denied(d)) => d.reason.to_string(),
        other => panic!("expected a policy refusal, got {other:?}"),
    }
}

/// A refusal of a collaborator whose rights changed: in process the policy's
/// reason; through the server the session was ended with the change, which the
/// server says instead (stricter: the next request fails, read or write).
#[track_caller]
pub fn refused<T: std::fmt::Debug>(db: &TestDb, r: epicevents::Result<T>) -> String {
    match r {
        Err(epicevents::Error::SessionEnded(why)) if db.is_remote() => why,
        other => denied(other),
    }
}

/// The message at `field`, panicking unless the call failed validation there.
#[track_caller]
pub fn field_error<T: std::fmt::Debug>(r: epicevents::Result<T>, field: &str) -> String {
    match r {
        Err(epicevents::Error::Validation(errors)) => errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| panic!("no error at field {field:?}: {errors:?}")),
        other => panic!("expected a validation error at {field:?}, got {other:?}"),
    }
}

/// A server over `crm` listening on `listen` (port 0: any free one), keeping its
/// keys and certificate in `data_dir`; no signal handling.
pub fn start_server(
    crm: Crm,
    listen: &str,
    data_dir: &std::path::Path,
    settings: ServerSettings,
) -> Running {
    server::start(
        crm,
        ServerOptions {
            listen: listen.parse().expect("address"),
            data_dir: data_dir.to_path_buf(),
            tls_cert: None,
            tls_key: None,
            settings,
        },
        false,
    )
    .expect("start the server")
}
