//! Live updates end to end: a committed write reaches subscribers.
//!
//! - Two server instances (each its own `Crm`, pool and change hub, as two
//!   `serve` processes would have) on one PostgreSQL database, a client
//!   subscribed to `GET /v1/changes` on each: a write through one reaches the
//!   other's stream within one second; a refused write announces nothing; a
//!   revoked session's stream ends.
//! - SQLite in process: this process's writes arrive precisely; another
//!   process's writes to the same file are noticed (`PRAGMA data_version`).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use epicevents::api::changes::{ChangeFeed, Feed, Subscription};
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::demo::DEMO_PASSWORD;
use epicevents::server::{Running, ServerSettings};
use epicevents::services::changes::Change;
use epicevents::services::clients::ClientInput;
use epicevents::Crm;

const BILL: &str = "bill.boquet@epicevents.example";
const MIA: &str = "mia.martin@epicevents.example";
const PAUL: &str = "paul.durand@epicevents.example";

fn config() -> CrmConfig {
    CrmConfig {
        bcrypt_cost: 4,
        ..CrmConfig::default()
    }
}

fn input(name: &str, email: &str) -> ClientInput {
    let d = NaiveDate::from_ymd_opt(2023, 4, 1).expect("date");
    ClientInput {
        full_name: name.into(),
        email: email.into(),
        phone: String::new(),
        company_name: "Live Updates SA".into(),
        first_contact: d,
        last_contact: d,
    }
}

/// The next item within `within`, if any.
fn next(sub: &Subscription, within: Duration) -> Option<Feed> {
    sub.rx.recv_timeout(within).ok()
}

/// The first change (skipping other items) within `within`, and how long it took.
fn next_change(sub: &Subscription, within: Duration) -> Option<(Change, Duration)> {
    let t = Instant::now();
    while let Some(left) = within.checked_sub(t.elapsed()) {
        if let Some(Feed::Change(c)) = next(sub, left) {
            return Some((c, t.elapsed()));
        }
    }
    None
}

fn wait_connected(sub: &Subscription) {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(10) {
        match next(sub, Duration::from_secs(10)) {
            Some(Feed::Connected) => return,
            Some(Feed::Ended(why)) => panic!("the stream ended at once: {why}"),
            _ => {}
        }
    }
    panic!("the change stream never opened");
}

/// A fresh PostgreSQL database, dropped at the end.
struct PgDb {
    base: String,
    name: String,
    url: String,
}

impl PgDb {
    fn new() -> PgDb {
        let base = std::env::var("EPICEVENTS_TEST_PG_URL").expect("EPICEVENTS_TEST_PG_URL");
        let name = format!(
            "epic_live_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_subsec_micros()
        );
        epicevents::db::init_tls();
        let mut admin = diesel::PgConnection::establish(&base).expect("PostgreSQL reachable");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let (head, query) = match base.split_once('?') {
            Some((h, q)) => (h.to_string(), Some(q.to_string())),
            None => (base.clone(), None),
        };
        let stem = &head[..head.rfind('/').expect("a database name in the URL")];
        let url = match query {
            Some(q) => format!("{stem}/{name}?{q}"),
            None => format!("{stem}/{name}"),
        };
        PgDb { base, name, url }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = diesel::PgConnection::establish(&self.base) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// One server instance: its own `Crm` (pool, hub, listener) on `url`.
fn instance(url: &str, dir: &std::path::Path) -> (Running, Arc<RemoteCrm>) {
    let crm = Crm::open(&Target::Postgres(url.to_string()), config()).expect("open");
    let running = common::start_server(crm, "127.0.0.1:0", dir, ServerSettings::default());
    let client = RemoteCrm::connect(
        &format!("https://{}", running.addr),
        &Trust::Fingerprint(running.fingerprint.clone()),
    )
    .expect("client");
    (running, Arc::new(client))
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn a_write_through_one_server_reaches_the_other_servers_stream_within_a_second() {
    let pg = PgDb::new();
    let owner = Crm::open(&Target::Postgres(pg.url.clone()), config()).expect("open");
    epicevents::demo::load(&owner, 0).expect("demo");
    let dir = tempfile::tempdir().expect("dir");
    let (server_a, a) = instance(&pg.url, &dir.path().join("a"));
    let (server_b, b) = instance(&pg.url, &dir.path().join("b"));
    assert_ne!(server_a.addr, server_b.addr);

    let bill = a.login(BILL, DEMO_PASSWORD).expect("Bill on A");
    let mia = b.login(MIA, DEMO_PASSWORD).expect("Mia on B");
    let on_a = a.subscribe(&bill).expect("subscribe on A");
    let on_b = b.subscribe(&mia).expect("subscribe on B");
    wait_connected(&on_a);
    wait_connected(&on_b);

    // A create through A reaches B's stream (and A's own).
    let id = a
        .create_client(&bill, &input("Zoé Live", "zoe.live@example.com"))
        .expect("create");
    let (c, took) = next_change(&on_b, Duration::from_secs(1)).expect("B hears of it within 1 s");
    println!("create through A seen on B after {took:?}");
    assert_eq!(
        c,
        Change {
            entity: "client".into(),
            id,
            version: 1,
            actor: bill.collaborator_id
        }
    );
    let (c, _) = next_change(&on_a, Duration::from_secs(1)).expect("A hears it too");
    assert_eq!((c.entity.as_str(), c.id), ("client", id));

    // An edit carries the new version.
    a.update_client(
        &bill,
        id,
        1,
        &input("Zoé Live-Durand", "zoe.live@example.com"),
    )
    .expect("edit");
    let (c, took) = next_change(&on_b, Duration::from_secs(1)).expect("the edit within 1 s");
    println!("edit through A seen on B after {took:?}");
    assert_eq!((c.id, c.version), (id, 2));
    let _ = next_change(&on_a, Duration::from_secs(1));

    // A refused write (stale version) commits nothing and announces nothing.
    let stale = a.update_client(&bill, id, 1, &input("Stale", "zoe.live@example.com"));
    assert!(stale.is_err(), "a stale version is refused");
    assert!(
        next_change(&on_b, Duration::from_millis(700)).is_none(),
        "nothing is announced for a refused write"
    );

    // An admin resets Bill's password through B: B's subscribers hear of the
    // collaborator's change.
    let paul = b.login(PAUL, DEMO_PASSWORD).expect("Paul on B");
    b.set_current(mia.collaborator_id);
    b.reset_password(&paul, bill.collaborator_id, "Quartz-Lantern-4812!")
        .expect("reset Bill's password");
    let (c, _) = next_change(&on_b, Duration::from_secs(1)).expect("B hears of the reset");
    assert_eq!(
        (c.entity.as_str(), c.id, c.actor),
        ("collaborator", bill.collaborator_id, paul.collaborator_id)
    );

    // Resetting his password revoked Bill's sessions: his stream on A ends and
    // the client reports the session over.
    let t = Instant::now();
    let mut ended = None;
    while t.elapsed() < Duration::from_secs(15) {
        match next(&on_a, Duration::from_secs(15)) {
            Some(Feed::Ended(why)) => {
                ended = Some(why);
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    let why = ended.expect("Bill's stream ends with his session");
    let took = t.elapsed();
    println!("stream ended after {took:?}: {why}");
    assert!(!why.is_empty());
    assert!(
        took < Duration::from_secs(3),
        "a change to his own account ends it at once, not at the next periodic check"
    );

    drop(on_a);
    drop(on_b);
    server_a.stop(Duration::from_secs(1)).expect("stop A");
    server_b.stop(Duration::from_secs(1)).expect("stop B");
}

#[test]
fn on_sqlite_this_process_writes_arrive_and_another_process_writes_are_noticed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("live.db");
    let crm = Crm::open(&Target::SqliteFile(path.clone()), config()).expect("open");
    epicevents::demo::load(&crm, 0).expect("demo");
    let bill = crm.login(BILL, DEMO_PASSWORD).expect("Bill");
    let sub = crm.subscribe(&bill).expect("subscribe");
    wait_connected(&sub);

    let id = crm
        .create_client(&bill, &input("Zoé Live", "zoe.live@example.com"))
        .expect("create");
    let (c, took) = next_change(&sub, Duration::from_secs(1)).expect("within 1 s");
    println!("SQLite in process: seen after {took:?}");
    assert_eq!(
        c,
        Change {
            entity: "client".into(),
            id,
            version: 1,
            actor: bill.collaborator_id
        }
    );
    // Our own write is not announced a second time by the file watcher.
    assert!(
        next_change(&sub, Duration::from_millis(2500)).is_none(),
        "one change per write"
    );

    // A refused write announces nothing.
    assert!(crm
        .update_client(&bill, id, 7, &input("Stale", "zoe.live@example.com"))
        .is_err());
    assert!(next_change(&sub, Duration::from_millis(500)).is_none());

    // Another "process" (its own pool and hub) writes to the same file.
    let other = Crm::open(&Target::SqliteFile(path), config()).expect("open again");
    let bill2 = other.login(BILL, DEMO_PASSWORD).expect("Bill again");
    other
        .update_client(
            &bill2,
            id,
            1,
            &input("Zoé Elsewhere", "zoe.live@example.com"),
        )
        .expect("edit from elsewhere");
    let (c, took) = next_change(&sub, Duration::from_secs(3)).expect("noticed");
    println!("SQLite, other process: noticed after {took:?}");
    assert!(c.is_everything(), "{c:?}");
}

#[test]
fn a_stopping_server_ends_open_change_streams_instead_of_waiting_out_its_grace() {
    let dir = tempfile::tempdir().expect("dir");
    let crm = Crm::open(&Target::SqliteFile(dir.path().join("stop.db")), config()).expect("open");
    epicevents::demo::load(&crm, 0).expect("demo");
    let running = common::start_server(
        crm,
        "127.0.0.1:0",
        &dir.path().join("server"),
        ServerSettings::default(),
    );
    let client = Arc::new(
        RemoteCrm::connect(
            &format!("https://{}", running.addr),
            &Trust::Fingerprint(running.fingerprint.clone()),
        )
        .expect("client"),
    );
    let bill = client.login(BILL, DEMO_PASSWORD).expect("Bill");
    let sub = client.subscribe(&bill).expect("subscribe");
    wait_connected(&sub);

    // SIGTERM's path: a generous grace for requests in flight. An open stream
    // is not one: it is told the server is stopping and closed at once.
    let t = Instant::now();
    running
        .stop(Duration::from_secs(30))
        .expect("stops cleanly");
    let took = t.elapsed();
    println!("stopped with a change stream open in {took:?}");
    assert!(
        took < Duration::from_secs(5),
        "the open stream held the shutdown for {took:?}"
    );
    drop(sub);
}

/// The writes that check their actor themselves are announced too: a password
/// changed by its holder, reset by the operator, and an account locked by
/// failed logins (which ends the streams of that account's sessions).
#[test]
fn password_changes_resets_and_lockouts_are_announced() {
    let dir = tempfile::tempdir().expect("dir");
    let crm = Crm::open(&Target::SqliteFile(dir.path().join("acct.db")), config()).expect("open");
    epicevents::demo::load(&crm, 0).expect("demo");
    let mia = crm.login(MIA, DEMO_PASSWORD).expect("Mia");
    let bill = crm.login(BILL, DEMO_PASSWORD).expect("Bill");
    let sub = crm.subscribe(&mia).expect("subscribe");
    wait_connected(&sub);

    crm.change_own_password(&bill, DEMO_PASSWORD, "Quartz-Lantern-4812!")
        .expect("Bill changes his password");
    let (c, _) = next_change(&sub, Duration::from_secs(2)).expect("the change is announced");
    assert_eq!(
        (c.entity.as_str(), c.id, c.actor),
        ("collaborator", bill.collaborator_id, bill.collaborator_id)
    );

    crm.operator_reset_password(BILL, "Marble-Copper-7735!")
        .expect("the operator resets it");
    let (c, _) = next_change(&sub, Duration::from_secs(2)).expect("the reset is announced");
    assert_eq!(
        (c.entity.as_str(), c.id, c.actor),
        ("collaborator", bill.collaborator_id, 0)
    );

    // Failed logins: nothing until the one that locks the account.
    for _ in 0..4 {
        assert!(crm.login(BILL, "not-his-password").is_err());
    }
    assert!(
        next_change(&sub, Duration::from_millis(300)).is_none(),
        "a failed login that locks nothing announces nothing"
    );
    assert!(crm.login(BILL, "not-his-password").is_err());
    let (c, _) = next_change(&sub, Duration::from_secs(2)).expect("the lock is announced");
    assert_eq!(
        (c.entity.as_str(), c.id),
        ("collaborator", bill.collaborator_id)
    );
}
