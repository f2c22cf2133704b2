//! First contact with a team server, on the login screen: the address and the
//! certificate's fingerprint are shown (read on the worker), `y` trusts and
//! remembers it, `n` quits, and a known server presenting another certificate
//! is refused loudly. Against a real server started in the test over HTTPS.

mod common;
mod tui_support;

use std::sync::Arc;

use epicevents::api::known::{Known, KnownServers};
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::app::{App, FirstContact};
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// An app on a client that trusts nothing yet, remembering into `known`.
fn first_contact(url: &str, known: &KnownServers) -> App {
    let remote = RemoteCrm::connect(url, &Trust::Ask).expect("client");
    let mut o = opts();
    o.demo_hint = false;
    o.first_contact = Some(FirstContact {
        url: remote.base_url().to_string(),
        verifier: remote.verifier(),
        known: known.clone(),
    });
    let api: epicevents::api::SharedApi = Arc::new(remote);
    let mut app = App::new(
        api,
        o,
        epicevents::keymap::Keymap::defaults(),
        epicevents::ui::Theme::colored(),
    );
    app.use_worker();
    app.settle();
    app
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn a_new_server_is_trusted_on_the_login_screen_after_comparing_its_fingerprint() {
    utc();
    let db = common::TestDb::remote();
    epicevents::demo::load(&db.crm, 0).expect("demo");
    let parts = db.remote_parts().expect("remote");
    let url = parts.client.base_url().to_string();
    let fingerprint = parts.server.as_ref().expect("server").fingerprint.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let known = KnownServers::at(dir.path().join("known_servers"));

    let mut a = first_contact(&url, &known);
    let s = screen(&a);
    assert!(s.contains("never connected to this team server"), "{s}");
    assert!(s.contains(&url), "{s}");
    // The fingerprint, as `epicevents serve` prints it, in two rows.
    let hex = fingerprint.trim_start_matches("SHA256:");
    let (first, second) = hex.split_at(16 * 3);
    assert!(s.contains(first.trim_end_matches(':')), "{s}");
    assert!(s.contains(second), "{s}");
    assert!(s.contains("y trust this server"), "{s}");
    // Nothing is remembered, and typing does not reach the login form.
    assert_eq!(known.check(&url, &fingerprint).expect("known"), Known::New);
    ch(&mut a, 'x');
    assert!(screen(&a).contains("never connected"));

    ch(&mut a, 'y');
    assert_eq!(known.check(&url, &fingerprint).expect("known"), Known::Same);
    let s = screen(&a);
    assert!(s.contains("Server trusted; remembered in"), "{s}");
    assert!(s.contains("Log in"), "{s}");
    login_home(&mut a, MIA);
    assert!(a.workspace().is_some());

    // `n` quits without remembering anything.
    let other = KnownServers::at(dir.path().join("other"));
    let mut b = first_contact(&url, &other);
    ch(&mut b, 'n');
    assert!(b.should_quit);
    assert_eq!(other.check(&url, &fingerprint).expect("known"), Known::New);
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn a_known_server_with_another_certificate_is_refused_loudly() {
    utc();
    let db = common::TestDb::remote();
    let parts = db.remote_parts().expect("remote");
    let url = parts.client.base_url().to_string();
    let fingerprint = parts.server.as_ref().expect("server").fingerprint.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let known = KnownServers::at(dir.path().join("known_servers"));
    let remembered = epicevents::server::tls::fingerprint(b"the certificate it had before");
    known.remember(&url, &remembered).expect("remember");
    assert_eq!(
        known.check(&url, &fingerprint).expect("check"),
        Known::Changed {
            remembered: remembered.clone()
        }
    );
    // What team mode does with a remembered fingerprint: pin it.
    let remote = RemoteCrm::connect(&url, &Trust::Fingerprint(remembered.clone())).expect("client");
    let err = remote.probe().expect_err("refused");
    let message = err.user_message();
    assert!(message.starts_with("REFUSED"), "{message}");
    assert!(message.contains(&fingerprint), "{message}");
    assert!(message.contains(&remembered), "{message}");
    // And the file still holds the old one: nothing was accepted silently.
    assert_eq!(known.lookup(&url).expect("lookup"), Some(remembered));
}

#[test]
fn an_unreachable_server_says_so_and_can_be_tried_again() {
    utc();
    let dir = tempfile::tempdir().expect("tempdir");
    let known = KnownServers::at(dir.path().join("known_servers"));
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("https://127.0.0.1:{port}");
    let mut a = first_contact(&url, &known);
    let s = screen(&a);
    assert!(s.contains("could not be read"), "{s}");
    ch(&mut a, 'y');
    assert!(known.lookup(&url).expect("lookup").is_none());
    ch(&mut a, 'r');
    assert!(screen(&a).contains("could not be read"));
    press(&mut a, KeyCode::Esc);
    assert!(a.should_quit);
}
