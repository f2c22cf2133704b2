//! Two processes starting on the same new database at once: both migrate it
//! without failing each other, only one first admin is created, and `--demo`
//! started twice loads the demo once.

#[path = "support/fresh.rs"]
mod fresh;

use std::path::Path;
use std::sync::Barrier;

use diesel::prelude::*;
use epicevents::db::schema::{clients, collaborators};
use epicevents::db::{Db, Target};
use epicevents::services::auth::NewAccount;
use epicevents::{Crm, Error};
use fresh::{config, epicevents, text, FreshPg};

/// Runs `f` on two threads released at the same moment; both results, in order.
fn twice_at_once<T: Send>(f: impl Fn(usize) -> T + Sync) -> [T; 2] {
    let start = Barrier::new(2);
    std::thread::scope(|s| {
        let run = |i| {
            let (start, f) = (&start, &f);
            s.spawn(move || {
                start.wait();
                f(i)
            })
        };
        let (a, b) = (run(0), run(1));
        [
            a.join().expect("first thread"),
            b.join().expect("second thread"),
        ]
    })
}

fn count_rows(crm: &Crm) -> (i64, i64) {
    crm.db()
        .read(|c| {
            Ok((
                collaborators::table.count().get_result(c)?,
                clients::table.count().get_result(c)?,
            ))
        })
        .expect("count rows")
}

/// Both opens succeed and leave the schema complete (a third open has nothing to
/// do, and the database is usable).
fn both_open(target: &Target) {
    let [a, b] = twice_at_once(|_| Db::open(target));
    let a = a.unwrap_or_else(|e| panic!("first open: {e}"));
    b.unwrap_or_else(|e| panic!("second open: {e}"));
    assert!(!a.upgrade_pending().expect("versions"));
    let crm = Crm::new(a, config(), epicevents::domain::time::system_clock());
    assert!(crm.needs_first_admin().expect("empty"));
}

#[test]
fn sqlite_two_processes_open_a_new_file_at_once() {
    for _ in 0..40 {
        let dir = tempfile::tempdir().expect("temp dir");
        both_open(&Target::SqliteFile(dir.path().join("new.db")));
    }
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_two_processes_open_a_new_database_at_once() {
    for _ in 0..3 {
        let pg = FreshPg::new("open");
        both_open(&Target::Postgres(pg.url.clone()));
    }
}

/// Two people on the first-run screen at once, each through their own pool (as
/// two processes would): exactly one becomes the admin, the other is told to log in.
fn one_first_admin(target: &Target) {
    Db::open(target).expect("migrate");
    let crms = [0, 1].map(|_| Crm::open(target, config()).expect("open"));
    let results = twice_at_once(|i| {
        crms[i].create_first_admin(&NewAccount {
            full_name: ["Paul Durand", "Mia Martin"][i].into(),
            email: [
                "paul.durand@epicevents.example",
                "mia.martin@epicevents.example",
            ][i]
                .into(),
            phone: None,
            password: "Tangerine-Orbit-1987!".into(),
        })
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "exactly one first admin: {results:?}");
    let refused = results.iter().find_map(|r| r.as_ref().err());
    assert!(
        matches!(refused, Some(Error::Rule(m)) if m.starts_with("an account already exists; log in")),
        "{refused:?}"
    );
    assert_eq!(count_rows(&crms[0]).0, 1);
}

#[test]
fn sqlite_two_first_admins_at_once_one_wins() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("temp dir");
        one_first_admin(&Target::SqliteFile(dir.path().join("crm.db")));
    }
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_two_first_admins_at_once_one_wins() {
    for _ in 0..3 {
        let pg = FreshPg::new("admin");
        one_first_admin(&Target::Postgres(pg.url.clone()));
    }
}

/// `epicevents --demo --demo-clients 5 --no-ui` started twice at once on a new
/// database, as real processes: both exit 0, one loads, the other says the demo
/// is already there, and the records exist once.
fn demo_twice(home: &Path, database: &str, target: &Target) {
    let outputs = twice_at_once(|_| {
        epicevents(home, database)
            .args(["--demo", "--demo-clients", "5", "--no-ui"])
            .output()
            .expect("run epicevents")
    });
    for o in &outputs {
        assert!(o.status.success(), "exit {:?}: {}", o.status, text(o));
    }
    let said = |what: &str| {
        outputs
            .iter()
            .filter(|o| String::from_utf8_lossy(&o.stdout).contains(what))
            .count()
    };
    assert_eq!(said("demo loaded into"), 1, "{outputs:?}");
    assert_eq!(said("demo already loaded"), 1, "{outputs:?}");
    let crm = Crm::open(target, config()).expect("open");
    assert_eq!(
        count_rows(&crm),
        (6, 3 + 5),
        "six demo accounts, 3 + 5 clients"
    );
}

#[test]
fn sqlite_demo_started_twice_at_once_loads_once() {
    let home = tempfile::tempdir().expect("temp dir");
    let path = home.path().join("demo.db");
    demo_twice(
        home.path(),
        &path.display().to_string(),
        &Target::SqliteFile(path.clone()),
    );
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_demo_started_twice_at_once_loads_once() {
    let home = tempfile::tempdir().expect("temp dir");
    let pg = FreshPg::new("demo");
    demo_twice(home.path(), &pg.url, &Target::Postgres(pg.url.clone()));
}
