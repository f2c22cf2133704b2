//! Brand-new databases, not migrated (what the program finds on its very first
//! start), and the binary run as a real process in a clean environment.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use epicevents::config::CrmConfig;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_epicevents");

/// Cheap bcrypt: tests hash many passwords.
pub fn config() -> CrmConfig {
    CrmConfig {
        bcrypt_cost: 4,
        ..CrmConfig::default()
    }
}

/// An empty PostgreSQL database on the server in `EPICEVENTS_TEST_PG_URL`, dropped
/// at the end of the test.
pub struct FreshPg {
    pub url: String,
    base: String,
    name: String,
}

impl FreshPg {
    /// Panics (fails the test) when the server is not configured or not reachable.
    pub fn new(tag: &str) -> FreshPg {
        let base = std::env::var("EPICEVENTS_TEST_PG_URL").unwrap_or_default();
        assert!(
            !base.trim().is_empty(),
            "PostgreSQL is required for this test run but EPICEVENTS_TEST_PG_URL is not set"
        );
        let name = format!(
            "epic_{tag}_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        epicevents::db::init_tls();
        let mut admin = diesel::PgConnection::establish(&base)
            .unwrap_or_else(|e| panic!("PostgreSQL at EPICEVENTS_TEST_PG_URL is unreachable: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = replace_db_name(&base, &name);
        FreshPg { url, base, name }
    }
}

impl Drop for FreshPg {
    fn drop(&mut self) {
        if let Ok(mut admin) = diesel::PgConnection::establish(&self.base) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
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

/// The binary on `database`, given in `DATABASE_URL` (a PostgreSQL URL carries a
/// password, which does not belong on a command line), with a clean environment:
/// no user config, logs or `.env` of the person running the tests, no Sentry.
pub fn epicevents(home: &Path, database: &str) -> Command {
    let h = |p: &str| home.join(p).display().to_string();
    let mut c = Command::new(BIN);
    c.current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", h("config"))
        .env("XDG_DATA_HOME", h("data"))
        .env("XDG_CACHE_HOME", h("cache"))
        .env("TZ", "UTC")
        .env("EPICEVENTS_BCRYPT_COST", "4")
        .env("LANG", "C.UTF-8")
        .env("DATABASE_URL", database)
        .env_remove("SENTRY_DSN");
    c
}

/// stdout and stderr of a finished run, for assertion messages.
pub fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
