//! A process that ends while threads still open or close PostgreSQL connections
//! ends cleanly. libpq's TLS is OpenSSL, whose exit-time clean-up would free its
//! state under those threads and crash the process (SIGSEGV) after everything
//! else succeeded: opening a PostgreSQL database initialises OpenSSL without it.
//!
//! The test runs itself as a child process that opens the database the way the
//! program does, keeps threads connecting, and returns from `main` among them.
//! A crash shows only in some exits, so the child runs many times.

use std::process::Command;
use std::time::Duration;

use diesel::Connection;
use epicevents::db::{Db, Target};

const CHILD: &str = "EPICEVENTS_EXIT_PROBE_URL";
const RUNS: usize = 40;

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn a_process_ending_among_postgresql_connections_exits_cleanly() {
    if let Ok(url) = std::env::var(CHILD) {
        child(&url);
        return;
    }
    let url = std::env::var("EPICEVENTS_TEST_PG_URL").unwrap_or_default();
    assert!(
        !url.trim().is_empty(),
        "PostgreSQL is required for this test run but EPICEVENTS_TEST_PG_URL is not set"
    );
    let me = std::env::current_exe().expect("the test binary");
    for run in 1..=RUNS {
        let out = Command::new(&me)
            .args([
                "--exact",
                "a_process_ending_among_postgresql_connections_exits_cleanly",
                "--include-ignored",
                "--quiet",
            ])
            .env(CHILD, &url)
            .output()
            .expect("run the child");
        assert!(
            out.status.success(),
            "run {run} of {RUNS} ended with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Opens the database as the program does, then keeps four threads opening and
/// dropping connections while the process ends.
fn child(url: &str) {
    let _db = Db::open(&Target::Postgres(url.to_string())).expect("open PostgreSQL");
    for _ in 0..4 {
        let url = url.to_string();
        std::thread::spawn(move || loop {
            drop(diesel::PgConnection::establish(&url));
        });
    }
    std::thread::sleep(Duration::from_millis(300));
}
