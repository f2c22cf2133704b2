//! `login`, `whoami`, `logout` between commands in local mode: a signed token
//! that expires after a time without use and dies with the account's password or
//! its deactivation; exit code 6 and "log in again" otherwise.

mod cli_common;

use cli_common::*;

#[test]
fn login_whoami_logout() {
    let cli = Cli::demo();
    let before = cli.run(&["whoami"]);
    assert_eq!(code(&before), 6, "{}", text(&before));
    assert!(stderr(&before).contains("log in again"));
    assert_eq!(
        stderr(&before).lines().count(),
        1,
        "one line: {}",
        text(&before)
    );

    let o = cli.login_with(MANAGER, PASSWORD);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!text(&o).contains(PASSWORD));

    let me = cli.json(&["whoami", "--format", "json"]);
    assert_eq!(me["email"], MANAGER);
    assert_eq!(me["role"], "management");
    assert!(me["id"].as_i64().is_some_and(|i| i > 0));

    // The token and the key are private and the token holds no password.
    let tokens = cli.token_files();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_eq!(mode(&tokens[0]), 0o600);
    let token = std::fs::read_to_string(&tokens[0]).expect("token");
    assert!(!token.contains(PASSWORD));
    let key = cli.home().join("crm.db.session-key");
    assert_eq!(mode(&key), 0o600);
    // Nor does the log.
    let logs = cli.home().join("data/epicevents/logs");
    for f in std::fs::read_dir(&logs).into_iter().flatten().flatten() {
        let log = std::fs::read_to_string(f.path()).unwrap_or_default();
        assert!(!log.contains(PASSWORD) && !log.contains(token.trim()));
    }

    let out = cli.run(&["logout"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(cli.token_files().is_empty());
    assert_eq!(code(&cli.run(&["whoami"])), 6);
}

#[test]
fn a_wrong_password_is_refused_with_exit_3_and_no_session() {
    let cli = Cli::demo();
    let o = cli.login_with(MANAGER, "not the password at all");
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(stderr(&o).contains("wrong e-mail or password"));
    assert!(cli.token_files().is_empty());
    assert_eq!(code(&cli.run(&["whoami"])), 6);
}

#[test]
fn a_session_expires_after_the_idle_time_and_slides_with_use() {
    let cli = Cli::demo();
    cli.login(SALES);
    let path = &cli.token_files()[0];
    let first = std::fs::read_to_string(path).expect("token");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Used within the idle time: accepted, and the token renewed.
    let o = cli
        .cmd(&["whoami"])
        .env("EPICEVENTS_SESSION_IDLE_MINUTES", "1")
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let renewed = std::fs::read_to_string(path).expect("token");
    assert_ne!(first, renewed, "the last-use time moves on each command");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Idle longer than allowed (0 minutes): expired.
    let o = cli
        .cmd(&["whoami"])
        .env("EPICEVENTS_SESSION_IDLE_MINUTES", "0")
        .output()
        .expect("run");
    assert_eq!(code(&o), 6, "{}", text(&o));
    assert!(stderr(&o).contains("expired") && stderr(&o).contains("log in again"));
}

#[test]
fn a_tampered_token_is_refused() {
    let cli = Cli::demo();
    cli.login(SUPPORT);
    let path = cli.token_files()[0].clone();
    let token = std::fs::read_to_string(&path).expect("token");
    let me = cli.json(&["whoami", "--format", "json"]);
    let id = me["id"].as_i64().expect("id");
    // Claim to be the admin (id 1) with the support's signature.
    let forged = token.replacen(&format!("v1.{id}."), "v1.1.", 1);
    assert_ne!(forged, token);
    std::fs::write(&path, forged).expect("write");
    let o = cli.run(&["whoami"]);
    assert_eq!(code(&o), 6, "{}", text(&o));
}

#[test]
fn a_password_reset_or_a_deactivation_ends_the_session() {
    let cli = Cli::demo();
    cli.login(SALES);
    let o = cli.run_with_input(
        cli.cmd(&["admin", "reset-password", SALES, "--password-stdin"]),
        "Marmalade Lighthouse 2044\n",
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = cli.run(&["whoami"]);
    assert_eq!(code(&o), 6, "{}", text(&o));

    // Deactivated by the admin through the library while logged in.
    cli.login(SUPPORT);
    assert_eq!(code(&cli.run(&["whoami"])), 0);
    let crm = epicevents::Crm::open(
        &epicevents::db::Target::SqliteFile(cli.db_path()),
        fresh::config(),
    )
    .expect("open");
    let admin = crm.login(ADMIN, PASSWORD).expect("admin");
    let support = crm.operator_find_account(SUPPORT).expect("support account");
    crm.set_collaborator_active(
        &admin,
        support.id,
        support.version,
        false,
        epicevents::services::collaborators::Handover {
            leave_unassigned: true,
            ..Default::default()
        },
    )
    .expect("deactivate");
    let o = cli.run(&["whoami"]);
    assert_eq!(code(&o), 6, "{}", text(&o));
    assert!(stderr(&o).contains("deactivated"));
}

#[test]
fn a_session_belongs_to_one_database() {
    let a = Cli::demo();
    a.login(MANAGER);
    // Same home, another database.
    let other = a.home().join("other.db").display().to_string();
    let o = a
        .cmd(&["--demo", "--no-ui"])
        .env("DATABASE_URL", &other)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", text(&o));
    let o = a
        .cmd(&["whoami"])
        .env("DATABASE_URL", &other)
        .output()
        .expect("run");
    assert_eq!(code(&o), 6, "{}", text(&o));
    assert_eq!(code(&a.run(&["whoami"])), 0);
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_login_whoami_logout() {
    let pg = FreshPg::new("cli_session");
    let cli = Cli::demo_on(&pg.url);
    cli.login(MANAGER);
    let me = cli.json(&["whoami", "--format", "json"]);
    assert_eq!(me["email"], MANAGER);
    // The key lives in the data directory, named after the URL without its password.
    let keys = cli.home().join("data/epicevents/session-keys");
    let key = std::fs::read_dir(&keys)
        .expect("session keys")
        .flatten()
        .next()
        .expect("a key");
    assert_eq!(mode(&key.path()), 0o600);
    assert_eq!(code(&cli.run(&["logout"])), 0);
    assert_eq!(code(&cli.run(&["whoami"])), 6);
}
