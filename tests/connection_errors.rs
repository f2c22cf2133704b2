//! Each way opening a database can fail ends, within five seconds, in its own plain
//! message: opened exactly as `main` opens it (`Crm::open_noting`), on real
//! PostgreSQL, real sockets and real SQLite files.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::Crm;

/// The bound every failure must be reported within.
const LIMIT: Duration = Duration::from_secs(5);

/// The message `main` would print for `target`, checked to come within [`LIMIT`] and
/// never to be diesel's multi-backend complaint.
#[track_caller]
fn open_error(target: &Target) -> String {
    let start = Instant::now();
    let r = Crm::open_noting(target, CrmConfig::default(), |_| {});
    let took = start.elapsed();
    let msg = match r {
        Ok(_) => panic!("opening {target:?} succeeded; expected a failure"),
        Err(e) => e.user_message(),
    };
    assert!(
        took < LIMIT,
        "the failure took {took:?} (limit {LIMIT:?}): {msg}"
    );
    assert!(
        !msg.contains("Invalid connection url"),
        "driver wording leaked: {msg}"
    );
    msg
}

#[track_caller]
fn assert_says(msg: &str, wanted: &str) {
    assert!(msg.contains(wanted), "expected {wanted:?} in: {msg}");
}

/// A port on 127.0.0.1 nobody listens on: bound, then released.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("local addr").port()
}

/// A listener that accepts connections and runs `serve` on each in its own thread;
/// the streams are kept open until the test process ends.
fn fake_server(serve: fn(TcpStream)) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || serve(s));
        }
    });
    port
}

/// The PostgreSQL server of the test run (`EPICEVENTS_TEST_PG_URL`), or the CI default.
fn pg_host_port_db() -> (String, String) {
    let url = std::env::var("EPICEVENTS_TEST_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "postgres://epic_ci:x@127.0.0.1:5432/epic_ci".into());
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let (hostport, db) = rest.split_once('/').unwrap_or((rest, "epic_ci"));
    let db = db.split('?').next().unwrap_or("epic_ci");
    (hostport.to_string(), db.to_string())
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn wrong_password_is_said_plainly() {
    let (hostport, db) = pg_host_port_db();
    let password = "not-the-right-password-4711";
    let url = format!("postgres://epic_ci:{password}@{hostport}/{db}?sslmode=disable");
    let msg = open_error(&Target::Postgres(url));
    // When the server is down this says "nothing is listening" and the test fails:
    // with EPICEVENTS_REQUIRE_PG=1 an unreachable server is a failure, not a skip.
    assert_says(&msg, "refused the user name or password");
    assert!(!msg.contains(password), "the password leaked: {msg}");
}

#[test]
fn connection_refused_is_said_plainly() {
    let port = free_port();
    let msg = open_error(&Target::Postgres(format!(
        "postgres://epic_ci:secret-pw@127.0.0.1:{port}/epic_ci"
    )));
    assert_says(&msg, &format!("nothing is listening at 127.0.0.1:{port}"));
    assert!(!msg.contains("secret-pw"), "the password leaked: {msg}");
}

#[test]
fn unknown_host_is_said_plainly() {
    let msg = open_error(&Target::Postgres(
        "postgres://epic_ci:secret-pw@nosuchhost.invalid:5432/epic_ci".into(),
    ));
    assert_says(&msg, "host not found: nosuchhost.invalid:5432");
    assert!(!msg.contains("secret-pw"), "the password leaked: {msg}");
}

#[test]
fn a_server_that_never_answers_times_out_within_five_seconds() {
    // Accepts, reads whatever comes, never says a word.
    let port = fake_server(|mut s| {
        let mut buf = [0u8; 256];
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    });
    let msg = open_error(&Target::Postgres(format!(
        "postgres://epic_ci:secret-pw@127.0.0.1:{port}/epic_ci"
    )));
    assert_says(
        &msg,
        &format!("no answer from PostgreSQL at 127.0.0.1:{port}"),
    );
}

#[test]
fn ssl_required_by_the_url_but_not_offered_is_said_plainly() {
    // Answers the SSLRequest (8 bytes) with 'N': no SSL here.
    let port = fake_server(|mut s| {
        let mut req = [0u8; 8];
        if s.read_exact(&mut req).is_ok() {
            let _ = s.write_all(b"N");
        }
        let mut buf = [0u8; 256];
        while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    });
    let msg = open_error(&Target::Postgres(format!(
        "postgres://epic_ci:secret-pw@127.0.0.1:{port}/epic_ci?sslmode=require"
    )));
    assert_says(&msg, "does not offer SSL, but the URL requires it");
}

#[test]
fn an_unwritable_directory_is_said_plainly() {
    // The tests may run as root, which ignores permission bits: sysfs refuses new
    // files even to root.
    let dir = PathBuf::from("/sys");
    assert!(
        std::fs::File::create(dir.join("epicevents-probe.db")).is_err(),
        "cannot find an unwritable directory on this machine"
    );
    let path = dir.join("x.db");
    let msg = open_error(&Target::SqliteFile(path.clone()));
    assert_says(&msg, "the directory /sys is not writable");
    assert!(!path.exists());
}

#[test]
fn a_file_that_is_not_a_database_is_said_plainly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("x.db");
    let bytes: Vec<u8> = (0..4096).map(|_| rand::random::<u8>()).collect();
    std::fs::write(&path, &bytes).expect("write random bytes");
    let msg = open_error(&Target::SqliteFile(path.clone()));
    assert_says(
        &msg,
        &format!("{} is not an SQLite database", path.display()),
    );
    // Left as it was: nothing written over someone's file.
    assert_eq!(std::fs::read(&path).expect("read back"), bytes);
}

#[test]
fn a_database_locked_by_another_program_is_said_plainly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("x.db");
    let mut holder =
        diesel::SqliteConnection::establish(&path.to_string_lossy()).expect("open holder");
    holder
        .batch_execute(
            "PRAGMA journal_mode = DELETE; CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; \
             INSERT INTO t VALUES (1);",
        )
        .expect("hold an exclusive lock");
    let msg = open_error(&Target::SqliteFile(path.clone()));
    assert_says(
        &msg,
        &format!("{} is locked by another program", path.display()),
    );
    holder.batch_execute("ROLLBACK").expect("release");
}
