//! `epicevents serve` as the real binary: the fingerprint it prints is the one
//! it serves with, its files are private, a pinned client works through it,
//! and SIGTERM stops it cleanly.

#[path = "support/fresh.rs"]
mod fresh;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::demo::DEMO_PASSWORD;
use epicevents::services::query::{EventFilter, EventSort, ListParams};
use fresh::{epicevents, text};

#[cfg(unix)]
#[test]
fn serve_prints_its_fingerprint_keeps_its_files_private_and_stops_on_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();
    let db = home.join("team.db");
    let db = db.to_str().expect("utf-8 path");
    let data = home.join("server");
    let data_arg = data.to_str().expect("utf-8 path");

    let out = epicevents(home, db)
        .args(["--demo", "--demo-clients", "5", "--no-ui"])
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", text(&out));

    let out = epicevents(home, db)
        .args(["serve", "--data-dir", data_arg, "--print-fingerprint"])
        .output()
        .expect("print fingerprint");
    assert!(out.status.success(), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        printed.starts_with("SHA256:") && printed.len() == 7 + 95,
        "{printed}"
    );

    let mut child = epicevents(home, db)
        .args(["serve", "--data-dir", data_arg, "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut addr = None;
    let mut fingerprint = None;
    while addr.is_none() || fingerprint.is_none() {
        let line = lines
            .next()
            .expect("the server says where it listens")
            .expect("read");
        if let Some(a) = line.strip_prefix("epicevents: serving ") {
            addr = Some(a.to_string());
        }
        if let Some(f) = line.strip_prefix("epicevents: certificate fingerprint ") {
            fingerprint = Some(f.to_string());
        }
    }
    let (addr, fingerprint) = (addr.unwrap_or_default(), fingerprint.unwrap_or_default());
    assert_eq!(fingerprint, printed, "the same certificate on every start");
    for f in ["cert.pem", "key.pem", "jwt.secret"] {
        let mode = std::fs::metadata(data.join(f))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }

    let remote = RemoteCrm::connect(&addr, &Trust::Fingerprint(fingerprint)).expect("client");
    let bill = remote
        .login("bill.boquet@epicevents.example", DEMO_PASSWORD)
        .expect("login through the server");
    let page = remote
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams {
                limit: 200,
                ..Default::default()
            },
        )
        .expect("events");
    assert!(!page.rows.is_empty());
    remote.logout(&bill).expect("logout");

    // A workstation: the address and the pin, nothing else.
    let station = |extra: &[&str]| {
        epicevents(home, "")
            .env_remove("DATABASE_URL")
            .args(["--server", addr.as_str(), "--no-ui"])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .expect("workstation")
    };
    let ok = station(&["--server-fingerprint", &printed]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("answers with the pinned certificate"));
    let wrong = format!("SHA256:{}", ["AB"; 32].join(":"));
    let refused = station(&["--server-fingerprint", &wrong]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("REFUSED") && text(&refused).contains(&printed),
        "{}",
        text(&refused)
    );
    // Unknown, no terminal to ask on: the fingerprint is shown, nothing trusted.
    let unknown = station(&[]);
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains(&printed), "{}", text(&unknown));

    // SIGTERM: it finishes and exits 0.
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill sends a signal to the child we started; no memory involved.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let end = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < end, "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(|l| l.ok()).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}
