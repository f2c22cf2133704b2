//! `epicevents admin reset-password`: the way back in for whoever holds the
//! database, run as the real binary on both backends.

#[path = "support/fresh.rs"]
mod fresh;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use epicevents::db::repo::audit::AuditFilter;
use epicevents::db::repo::ListParams;
use epicevents::db::Target;
use epicevents::services::auth::NewAccount;
use epicevents::services::operator::OPERATOR_RESET_ACTION;
use epicevents::{Crm, Error};
use fresh::{config, epicevents, text, FreshPg};

const EMAIL: &str = "paul.durand@epicevents.example";
const OLD: &str = "Tangerine-Orbit-1987!";
const NEW: &str = "Marmalade Lighthouse 2044";

/// `admin reset-password EMAIL --password-stdin`, with `stdin` typed in.
fn reset(home: &Path, database: &str, email: &str, stdin: &str) -> Output {
    let mut child = epicevents(home, database)
        .args(["admin", "reset-password", email, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run epicevents");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("wait for epicevents")
}

/// A database with its first admin, locked out by five wrong passwords.
fn locked_admin(target: &Target) -> Crm {
    let crm = Crm::open(target, config()).expect("open");
    crm.create_first_admin(&NewAccount {
        full_name: "Paul Durand".into(),
        email: EMAIL.into(),
        phone: None,
        password: OLD.into(),
    })
    .expect("first admin");
    for _ in 0..5 {
        let _ = crm.login(EMAIL, "not the password");
    }
    assert!(matches!(crm.login(EMAIL, OLD), Err(Error::Locked { .. })));
    crm
}

fn reset_password_from_stdin(home: &Path, database: &str, target: &Target) {
    let crm = locked_admin(target);

    let out = reset(
        home,
        database,
        "Paul.Durand@EpicEvents.example",
        &format!("{NEW}\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("password reset for Paul Durand ({EMAIL})")
    );

    // The lockout is gone, the new password works, the old one does not, and the
    // holder is not asked to change a password they chose themselves.
    let session = crm.login(EMAIL, NEW).expect("log in with the new password");
    assert!(!session.must_change_password);
    assert!(matches!(
        crm.login(EMAIL, OLD),
        Err(Error::InvalidCredentials)
    ));

    let audit = crm
        .list_audit(&session, &AuditFilter::default(), &ListParams::default())
        .expect("audit");
    let row = audit
        .rows
        .iter()
        .find(|r| r.entry.action == OPERATOR_RESET_ACTION)
        .expect("an audit row for the reset");
    assert_eq!(row.entry.actor_id, None, "no collaborator did it");
    assert_eq!(row.entry.record_id, session.collaborator_id);
    assert!(
        !row.entry.changes.contains(NEW) && !row.entry.changes.contains("$2"),
        "neither the password nor a hash in the audit trail: {}",
        row.entry.changes
    );
}

fn refusals(home: &Path, database: &str, target: &Target) {
    let crm = locked_admin(target);

    let out = reset(
        home,
        database,
        "nobody@epicevents.example",
        &format!("{NEW}\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{:?} {}",
        out.status,
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no account has the e-mail nobody@epicevents.example"),
        "{}",
        text(&out)
    );

    for weak in ["short1", "password123456", "PaulDurand1234"] {
        let out = reset(home, database, EMAIL, &format!("{weak}\n"));
        assert_eq!(
            out.status.code(),
            Some(1),
            "{weak}: {:?} {}",
            out.status,
            text(&out)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("password:"), "{weak}: {err}");
    }

    let out = reset(home, database, EMAIL, "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{:?} {}",
        out.status,
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no password on standard input"),
        "{}",
        text(&out)
    );

    // Nothing changed: still locked, and the old password is the one it knows.
    assert!(matches!(crm.login(EMAIL, OLD), Err(Error::Locked { .. })));
}

#[test]
fn sqlite_reset_password_from_stdin() {
    let home = tempfile::tempdir().expect("temp dir");
    let path = home.path().join("crm.db");
    reset_password_from_stdin(
        home.path(),
        &path.display().to_string(),
        &Target::SqliteFile(path.clone()),
    );
}

#[test]
fn sqlite_reset_password_refusals() {
    let home = tempfile::tempdir().expect("temp dir");
    let path = home.path().join("crm.db");
    refusals(
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
fn postgres_reset_password_from_stdin() {
    let home = tempfile::tempdir().expect("temp dir");
    let pg = FreshPg::new("reset");
    reset_password_from_stdin(home.path(), &pg.url, &Target::Postgres(pg.url.clone()));
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_reset_password_refusals() {
    let home = tempfile::tempdir().expect("temp dir");
    let pg = FreshPg::new("refuse");
    refusals(home.path(), &pg.url, &Target::Postgres(pg.url.clone()));
}

/// Without a subcommand the top-level flags still work, and `--help` lists it.
#[test]
fn help_lists_the_admin_command() {
    let home = tempfile::tempdir().expect("temp dir");
    let db = home.path().join("crm.db");
    let out = epicevents(home.path(), &db.display().to_string())
        .args(["admin", "reset-password", "--help"])
        .output()
        .expect("run epicevents");
    assert!(out.status.success(), "{}", text(&out));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--password-stdin"), "{help}");
    assert!(help.contains("--database"), "{help}");

    let out = epicevents(home.path(), &db.display().to_string())
        .arg("--no-ui")
        .output()
        .expect("run epicevents");
    assert!(out.status.success(), "{}", text(&out));
}
