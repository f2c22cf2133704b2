//! Nobody learns from a failed login whether an e-mail has an account, nor whether
//! that account is locked or deactivated: same answer, same work, same time.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::*;
use epicevents::config::CrmConfig;
use epicevents::domain::time::fixed_clock;
use epicevents::domain::Role;
use epicevents::services::auth::NewAccount;
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::services::password::verifications;
use epicevents::session::Session;
use epicevents::{Crm, Error};

const KATE: &str = "kate.hastroff@epicevents.example";
const ANNE: &str = "anne.roy@epicevents.example";
const BILL: &str = "bill.boquet@epicevents.example";
const WRONG: &str = "Tangerine-Orbit-1988!";

/// The table of unknown e-mails is one per process: each test takes its own.
fn unknown_email(db: &TestDb, what: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "nobody.{what}.{:?}.{}@epicevents.example",
        db.backend(),
        N.fetch_add(1, Ordering::SeqCst)
    )
    .to_lowercase()
}

/// The result of one login and how many bcrypt verifications it made.
fn login_counted(crm: &Crm, email: &str, password: &str) -> (epicevents::Result<Session>, u64) {
    let before = verifications();
    let r = crm.login(email, password);
    (r, verifications() - before)
}

#[track_caller]
fn wrong_credentials(case: &str, (r, verified): (epicevents::Result<Session>, u64)) {
    match r {
        Err(e @ Error::InvalidCredentials) => {
            assert_eq!(e.user_message(), "wrong e-mail or password", "{case}");
        }
        other => panic!("{case}: expected wrong e-mail or password, got {other:?}"),
    }
    assert_eq!(verified, 1, "{case}: one bcrypt verification");
}

/// Anne locked by five wrong passwords, Bill deactivated.
fn lock_and_deactivate(db: &TestDb, crm: &Crm, by: &Session, bill: i64) {
    for _ in 0..5 {
        let _ = crm.login(ANNE, WRONG);
    }
    db.crm
        .set_collaborator_active(
            by,
            bill,
            db.collaborator_version(bill),
            false,
            Handover::default(),
        )
        .expect("deactivate");
}

fn the_four_refusals_look_the_same(db: &TestDb) {
    let s = db.staff();
    lock_and_deactivate(db, &db.crm, &s.admin, s.sales.collaborator_id);
    let nobody = unknown_email(db, "four");
    for _ in 0..3 {
        wrong_credentials("no account", login_counted(&db.crm, &nobody, PASSWORD));
        wrong_credentials("wrong password", login_counted(&db.crm, KATE, WRONG));
        wrong_credentials("locked", login_counted(&db.crm, ANNE, WRONG));
        wrong_credentials("locked, empty", login_counted(&db.crm, ANNE, ""));
        wrong_credentials("deactivated", login_counted(&db.crm, BILL, WRONG));
    }
    // The one that locks Kate says nothing more than the others.
    wrong_credentials("locks now", login_counted(&db.crm, KATE, WRONG));
    wrong_credentials("locks now", login_counted(&db.crm, KATE, WRONG));
    assert!(db
        .crm
        .get_collaborator(s.support.collaborator_id)
        .expect("get")
        .locked_until
        .is_some());
}

fn the_reason_only_after_the_right_password(db: &TestDb) {
    let s = db.staff();
    lock_and_deactivate(db, &db.crm, &s.admin, s.sales.collaborator_id);
    let (r, n) = login_counted(&db.crm, ANNE, PASSWORD);
    match r {
        Err(e @ Error::Locked { .. }) => {
            assert!(e.user_message().contains("locked until"), "{e}");
        }
        other => panic!("expected a locked account, got {other:?}"),
    }
    assert_eq!(n, 1);
    let (r, n) = login_counted(&db.crm, BILL, PASSWORD);
    assert!(matches!(r, Err(Error::Inactive)), "{r:?}");
    assert_eq!(n, 1);
    // Locked and deactivated: deactivated is what lasts.
    for _ in 0..5 {
        let _ = db.crm.login(BILL, WRONG);
    }
    assert!(matches!(db.crm.login(BILL, PASSWORD), Err(Error::Inactive)));
    // A successful login verifies once as well.
    let (r, n) = login_counted(&db.crm, KATE, PASSWORD);
    r.expect("login");
    assert_eq!(n, 1);
    // After the lock, Anne is back.
    db.advance_minutes(15);
    db.crm.login(ANNE, PASSWORD).expect("unlocked");
}

fn unknown_emails_are_throttled_like_accounts(db: &TestDb) {
    let s = db.staff();
    let nobody = unknown_email(db, "throttled");
    for _ in 0..4 {
        wrong_credentials("no account", login_counted(&db.crm, &nobody, WRONG));
        wrong_credentials("known", login_counted(&db.crm, KATE, WRONG));
    }
    assert_eq!(db.crm.unknown_email_locked_until(&nobody), None);
    let kate = db
        .crm
        .get_collaborator(s.support.collaborator_id)
        .expect("get");
    assert_eq!((kate.failed_logins, kate.locked_until), (4, None));
    let start = db.now();
    wrong_credentials("no account", login_counted(&db.crm, &nobody, WRONG));
    wrong_credentials("known", login_counted(&db.crm, KATE, WRONG));
    let until = start + chrono::Duration::minutes(15);
    assert_eq!(db.crm.unknown_email_locked_until(&nobody), Some(until));
    assert_eq!(
        db.crm
            .get_collaborator(s.support.collaborator_id)
            .expect("get")
            .locked_until,
        Some(until)
    );
    // During the lock: neither counted nor extended, on either side.
    db.advance_minutes(10);
    for _ in 0..6 {
        wrong_credentials("no account", login_counted(&db.crm, &nobody, WRONG));
        wrong_credentials("known", login_counted(&db.crm, KATE, WRONG));
    }
    assert_eq!(
        db.crm.unknown_email_locked_until(&nobody.to_uppercase()),
        Some(until),
        "the e-mail's case does not matter"
    );
    db.advance_minutes(5);
    assert_eq!(db.crm.unknown_email_locked_until(&nobody), None);
    db.crm
        .login(KATE, PASSWORD)
        .expect("Kate's lock is over too");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// At the test suite's cost 4 a verification takes a millisecond and noise
/// decides; at cost 10 it dominates, as cost 12 does in production.
fn refusals_take_the_same_time(db: &TestDb) {
    let slow = Crm::new(
        db.crm.db().clone(),
        CrmConfig {
            bcrypt_cost: 10,
            // Kate's wrong passwords must not lock her halfway through.
            lockout_threshold: 1_000,
            ..CrmConfig::default()
        },
        fixed_clock(t0()),
    );
    let admin = slow
        .create_first_admin(&NewAccount {
            full_name: "Paul Durand".into(),
            email: "paul.durand@epicevents.example".into(),
            phone: None,
            password: PASSWORD.into(),
        })
        .expect("admin");
    let hire = |name: &str, email: &str| {
        slow.create_collaborator(
            &admin,
            &CollaboratorInput {
                full_name: name.into(),
                email: email.into(),
                phone: None,
                role: Role::Support,
            },
            PASSWORD,
        )
        .expect("hire")
    };
    hire("Kate Hastroff", KATE);
    hire("Anne Roy", ANNE);
    let bill = hire("Bill Boquet", BILL);
    // Locked by the suite's own Crm (threshold 5, same clock start): the lock and
    // the hashes are in the database, at cost 10.
    lock_and_deactivate(db, &db.crm, &admin, bill);
    let nobody = unknown_email(db, "timing");
    let locked_nobody = unknown_email(db, "timing.locked");
    for _ in 0..5 {
        let _ = db.crm.login(&locked_nobody, WRONG);
    }
    assert!(slow.unknown_email_locked_until(&locked_nobody).is_some());

    let cases: [(&str, &str); 5] = [
        ("no account", &nobody),
        ("no account, locked", &locked_nobody),
        ("wrong password", KATE),
        ("locked", ANNE),
        ("deactivated", BILL),
    ];
    // One at a time: the SQLite and PostgreSQL runs would share the two cores.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    // A real difference shows on every attempt; a busy machine (other builds, other
    // tests) seldom spoils three in a row.
    let mut report = String::new();
    for attempt in 1..=3 {
        let medians = medians(&slow, &cases);
        let reference = medians[0].as_secs_f64();
        report = format!("attempt {attempt}:");
        let mut all_close = true;
        for ((case, _), m) in cases.iter().zip(&medians) {
            let ratio = m.as_secs_f64() / reference;
            report.push_str(&format!(
                "\n  {case}: median {m:?}, {ratio:.3} × no account"
            ));
            all_close &= (0.8..=1.25).contains(&ratio);
        }
        eprintln!("{:?} {report}", db.backend());
        if all_close {
            return;
        }
    }
    panic!("a refusal takes measurably longer or shorter than another: {report}");
}

/// The median time of a wrong-password login for each case, over 7 rounds that
/// take each case in turn (so a busy moment hits them all alike), after one round
/// to warm up (the dummy hash at cost 10 is made on first use).
fn medians(crm: &Crm, cases: &[(&str, &str)]) -> Vec<Duration> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for round in 0..8 {
        for (i, (case, email)) in cases.iter().enumerate() {
            let start = Instant::now();
            let r = login_counted(crm, email, WRONG);
            let took = start.elapsed();
            wrong_credentials(case, r);
            if round > 0 {
                times[i].push(took);
            }
        }
    }
    times.into_iter().map(median).collect()
}

backend_tests!(
    the_four_refusals_look_the_same,
    the_reason_only_after_the_right_password,
    unknown_emails_are_throttled_like_accounts,
    refusals_take_the_same_time,
);
