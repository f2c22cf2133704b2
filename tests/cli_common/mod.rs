//! The scripting commands run as the real binary in a clean environment (home,
//! config and data directories in a temporary directory), on a demo database.

#![allow(dead_code)]

#[path = "../support/fresh.rs"]
pub mod fresh;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[allow(unused_imports)]
pub use fresh::{text, FreshPg};

pub const PASSWORD: &str = "epic-demo-2023";
pub const ADMIN: &str = "paul.durand@epicevents.example";
pub const MANAGER: &str = "mia.martin@epicevents.example";
pub const SALES: &str = "bill.boquet@epicevents.example";
pub const SUPPORT: &str = "kate.hastroff@epicevents.example";

/// A home directory and a database, as the binary sees them.
pub struct Cli {
    pub home: tempfile::TempDir,
    pub database: String,
}

impl Cli {
    /// A new SQLite file with the demo data.
    pub fn demo() -> Cli {
        let home = tempfile::tempdir().expect("temp dir");
        let database = home.path().join("crm.db").display().to_string();
        Cli::load(home, database)
    }

    /// `database` (e.g. a fresh PostgreSQL URL) with the demo data.
    pub fn demo_on(database: &str) -> Cli {
        Cli::load(tempfile::tempdir().expect("temp dir"), database.to_string())
    }

    fn load(home: tempfile::TempDir, database: String) -> Cli {
        let cli = Cli { home, database };
        let o = cli
            .cmd(&["--demo", "--demo-clients", "20", "--no-ui"])
            .output()
            .expect("run");
        assert!(o.status.success(), "demo load: {}", text(&o));
        cli
    }

    pub fn db_path(&self) -> PathBuf {
        PathBuf::from(&self.database)
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The binary with `args`, nothing on standard input.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = fresh::epicevents(self.home.path(), &self.database);
        c.args(args)
            .env_remove("EPICEVENTS_SESSION_IDLE_MINUTES")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run epicevents")
    }

    /// Runs with `input` on standard input.
    pub fn run_with_input(&self, mut cmd: Command, input: &str) -> Output {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run epicevents");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    }

    pub fn login_with(&self, email: &str, password: &str) -> Output {
        let c = self.cmd(&["login", "--email", email, "--password-stdin"]);
        self.run_with_input(c, &format!("{password}\n"))
    }

    /// Logs in with the demo password; fails the test if refused.
    pub fn login(&self, email: &str) {
        let o = self.login_with(email, PASSWORD);
        assert!(o.status.success(), "login as {email}: {}", text(&o));
    }

    /// Runs and parses standard output as JSON; fails the test unless it exits 0.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&o)))
    }

    /// Files under the config directory's `sessions`.
    pub fn token_files(&self) -> Vec<PathBuf> {
        let dir = self.home.path().join("config/epicevents/sessions");
        match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// The exit code of a finished run.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}
