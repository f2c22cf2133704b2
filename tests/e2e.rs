//! End to end: the real binary in a real pseudo-terminal (tmux), driven with keys
//! the way a person would, and the terminal checked after it exits.
//!
//! tmux is required: CI installs it. Without it this test fails and says so; it
//! never passes silently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_epicevents");
/// Long enough for a debug build on a busy machine; each wait returns as soon as
/// the text is there.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A tmux server of our own (its own socket), killed when the test ends, pass or fail.
struct Tmux {
    socket: String,
    /// The socket file, removed after the server (tmux leaves it behind).
    socket_path: Option<PathBuf>,
}

impl Tmux {
    fn start(env: &[(&str, String)], command: &str, width: u16, height: u16) -> Tmux {
        match Command::new("tmux").arg("-V").output() {
            Ok(o) if o.status.success() => {}
            _ => panic!(
                "tmux is required for the end-to-end test but was not found on PATH; \
                 install it (apt-get install tmux / brew install tmux)"
            ),
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut t = Tmux {
            socket: format!("epicevents-e2e-{}-{nanos}", std::process::id()),
            socket_path: None,
        };
        let mut c = Command::new("tmux");
        c.args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args(["-s", "e2e", command]);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().expect("run tmux");
        assert!(out.status.success(), "tmux new-session: {}", text(&out));
        let path = text(&t.tmux(&["display-message", "-p", "#{socket_path}"]));
        t.socket_path = Some(PathBuf::from(path.trim())).filter(|p| p.is_absolute());
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Types text literally.
    fn type_text(&self, s: &str) {
        let out = self.tmux(&["send-keys", "-t", "e2e", "-l", s]);
        assert!(out.status.success(), "send-keys: {}", text(&out));
    }

    /// Presses named keys (`Enter`, `Tab`, `Escape`, `q`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys: {}", text(&out));
    }

    fn screen(&self) -> String {
        text(&self.tmux(&["capture-pane", "-p", "-t", "e2e"]))
    }

    fn pane_flag(&self, format: &str) -> String {
        text(&self.tmux(&["display-message", "-p", "-t", "e2e", format]))
            .trim()
            .to_string()
    }

    /// Waits until every one of `texts` is on screen; fails with the screen if not.
    fn wait_for(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if texts.iter().all(|t| s.contains(t)) {
                return s;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {texts:?}; the screen shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(p) = &self.socket_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A clean environment: no user config, keys file, logs or `.env` of the person
/// running the tests; cheap bcrypt; local time UTC.
fn env_for(home: &Path) -> Vec<(&'static str, String)> {
    let h = |p: &str| home.join(p).display().to_string();
    vec![
        ("HOME", home.display().to_string()),
        ("XDG_CONFIG_HOME", h("config")),
        ("XDG_DATA_HOME", h("data")),
        ("XDG_CACHE_HOME", h("cache")),
        ("TZ", "UTC".into()),
        ("EPICEVENTS_BCRYPT_COST", "4".into()),
        ("EPICEVENTS_IDLE_MINUTES", "0".into()),
        ("LANG", "C.UTF-8".into()),
    ]
}

fn prepare_demo(db: &Path, home: &Path) {
    let mut c = Command::new(BIN);
    c.args(["--database", &db.display().to_string()])
        .args(["--demo", "--demo-clients", "10", "--no-ui"])
        .current_dir(home);
    for (k, v) in env_for(home) {
        c.env(k, v);
    }
    c.env_remove("DATABASE_URL").env_remove("SENTRY_DSN");
    let out = c.output().expect("run epicevents --demo --no-ui");
    assert!(out.status.success(), "demo load failed: {}", text(&out));
    assert!(text(&out).contains("demo loaded"), "{}", text(&out));
}

/// The binary in a shell that reports its exit status and the terminal modes
/// after it, then stays open so the pane can be read.
fn script(dir: &Path, db: &Path) -> PathBuf {
    let path = dir.join("run.sh");
    let body = format!(
        "#!/bin/sh\n\
         cd '{dir}'\n\
         unset DATABASE_URL SENTRY_DSN\n\
         '{bin}' --database '{db}'\n\
         echo \"EXITED:$?\"\n\
         stty -a | tr ' ;' '\\n\\n' | grep -x -e '-\\{{0,1\\}}icanon' -e '-\\{{0,1\\}}echo' | sed 's/^/TTY:/'\n\
         echo DONE\n\
         sleep 60\n",
        dir = dir.display(),
        bin = BIN,
        db = db.display(),
    );
    std::fs::write(&path, body).expect("write script");
    path
}

#[test]
fn log_in_filter_open_a_record_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("e2e.db");
    prepare_demo(&db, dir.path());
    let run = script(dir.path(), &db);
    let tmux = Tmux::start(
        &env_for(dir.path()),
        &format!("sh '{}'", run.display()),
        100,
        30,
    );

    // The login screen, with the demo hint.
    tmux.wait_for(&["Epic Events CRM", "Log in", "Demo data loaded"]);
    assert_eq!(
        tmux.pane_flag("#{alternate_on}"),
        "1",
        "on the alternate screen"
    );

    // Log in as Bill (sales).
    tmux.type_text("bill.boquet@epicevents.example");
    tmux.keys(&["Tab"]);
    tmux.type_text("epic-demo-2023");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Bill Boquet · Sales"]);
    tmux.keys(&["1"]);
    let s = tmux.wait_for(&["Bill Boquet · Sales", "Clients · 1 of 13", "Kevin Casey"]);
    assert!(s.contains("Welcome, Bill Boquet"), "{s}");

    // Filter as you type, keep it.
    tmux.keys(&["/"]);
    tmux.type_text("kevin cas");
    tmux.wait_for(&["\"kevin cas\" · 1 of 1 (13 in all)"]);
    tmux.keys(&["Enter"]);

    // Open the record: every field and the related records.
    tmux.keys(&["Enter"]);
    // (The related records arrive after the record itself: wait for them.)
    tmux.wait_for(&[
        "Client · Kevin Casey",
        "kevin@startup.io",
        "Related (Enter opens)",
        "Contract #1",
        "Cool Startup Launch Party",
    ]);

    // Back to the table, then quit.
    tmux.keys(&["Escape"]);
    tmux.wait_for(&["Clients · \"kevin cas\" · 1 of 1 (13 in all)"]);
    tmux.keys(&["q"]);
    let s = tmux.wait_for(&["EXITED:", "DONE"]);
    assert!(s.contains("EXITED:0"), "exit status: {s}");

    // The terminal is the user's again: normal screen, cooked mode, echo, cursor.
    assert_eq!(
        tmux.pane_flag("#{alternate_on}"),
        "0",
        "alternate screen left"
    );
    assert!(
        s.contains("TTY:icanon") && s.contains("TTY:echo"),
        "modes: {s}"
    );
    assert!(!s.contains("TTY:-"), "raw mode left on: {s}");
    assert_eq!(tmux.pane_flag("#{cursor_flag}"), "1", "cursor shown");
    assert!(
        !s.contains("Bill Boquet · Sales"),
        "the app's screen is gone: {s}"
    );
}

/// Escape sequences stored in a record (written past the services, as another
/// program could) are shown as placeholders: the bytes the app writes to the
/// pty carry none of them, and the terminal's title is untouched.
#[test]
fn stored_escape_sequences_never_reach_the_terminal() {
    use diesel::{Connection, RunQueryDsl};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("e2e.db");
    prepare_demo(&db, dir.path());
    let hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[5m\u{9b}31m\u{202e}";
    let mut conn =
        diesel::SqliteConnection::establish(&db.display().to_string()).expect("open the file");
    diesel::sql_query("UPDATE clients SET full_name = 'A' || ? || ' Evil'")
        .bind::<diesel::sql_types::Text, _>(hostile)
        .execute(&mut conn)
        .expect("poison");
    drop(conn);
    let run = script(dir.path(), &db);
    let tmux = Tmux::start(
        &env_for(dir.path()),
        &format!("sh '{}'", run.display()),
        100,
        30,
    );
    let bytes = dir.path().join("pty.bytes");
    let out = tmux.tmux(&[
        "pipe-pane",
        "-o",
        "-t",
        "e2e",
        &format!("cat >> '{}'", bytes.display()),
    ]);
    assert!(out.status.success(), "pipe-pane: {}", text(&out));
    tmux.wait_for(&["Log in"]);
    let title = tmux.pane_flag("#{pane_title}");
    tmux.type_text("bill.boquet@epicevents.example");
    tmux.keys(&["Tab"]);
    tmux.type_text("epic-demo-2023");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Bill Boquet · Sales"]);
    tmux.keys(&["1"]);
    // The dashboard shows the client's name too: wait for the table itself.
    tmux.wait_for(&["Clients · ", "A␛]0;pwned␇␛[2J"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Client · A␛]0;pwned"]);
    assert_eq!(tmux.pane_flag("#{pane_title}"), title, "title unchanged");
    tmux.keys(&["q"]);
    tmux.wait_for(&["EXITED:0"]);
    let written = std::fs::read(&bytes).expect("pty bytes");
    assert!(written.len() > 1000, "the pipe caught the frames");
    for bad in [
        &b"\x1b]0;pwned"[..],
        &b"\x1b[5m"[..],
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
        &b"\x07"[..],
    ] {
        assert!(
            !written.windows(bad.len()).any(|w| w == bad),
            "{bad:?} was written to the terminal"
        );
    }
}

/// With another process holding the SQLite write lock, the screen still
/// answers: moving, filtering and help act at once, a save says it waits and
/// can be given up, and Ctrl-C ends the program at once.
#[test]
fn a_locked_database_never_freezes_the_screen() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("e2e.db");
    prepare_demo(&db, dir.path());
    let run = script(dir.path(), &db);
    let tmux = Tmux::start(
        &env_for(dir.path()),
        &format!("sh '{}'", run.display()),
        100,
        30,
    );
    tmux.wait_for(&["Log in"]);
    tmux.type_text("bill.boquet@epicevents.example");
    tmux.keys(&["Tab"]);
    tmux.type_text("epic-demo-2023");
    tmux.keys(&["Enter"]);
    tmux.wait_for(&["Bill Boquet · Sales"]);
    tmux.keys(&["1"]);
    tmux.wait_for(&["Bill Boquet · Sales", "Clients · ", "Kevin Casey"]);

    let mut other =
        diesel::SqliteConnection::establish(&db.display().to_string()).expect("open the file");
    other
        .batch_execute("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let quick = |keys: &[&str], expect: &[&str]| {
        let t = Instant::now();
        tmux.keys(keys);
        let s = tmux.wait_for(expect);
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "{keys:?} took {:?}: {s}",
            t.elapsed()
        );
    };
    quick(&["?"], &["Keys"]);
    quick(&["Escape"], &["Clients · 1 of 13"]);
    quick(&["/"], &["Clients"]);
    tmux.type_text("kevin cas");
    tmux.wait_for(&["\"kevin cas\" · 1 of 1 (13 in all)"]);
    tmux.keys(&["Enter"]);
    quick(&["e"], &["Edit client · Kevin Casey"]);
    tmux.keys(&["End"]);
    tmux.type_text("x");
    quick(&["C-s"], &["saving…"]);
    tmux.wait_for(&["still waiting for the database… (Esc gives up)"]);
    quick(&["Escape"], &["Gave up waiting"]);
    let t = Instant::now();
    tmux.keys(&["C-c"]);
    tmux.wait_for(&["Discard unsaved changes and quit?"]);
    tmux.keys(&["y"]);
    let s = tmux.wait_for(&["EXITED:", "DONE"]);
    assert!(s.contains("EXITED:0"), "{s}");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "quitting took {:?} with the database locked",
        t.elapsed()
    );
    other.batch_execute("ROLLBACK").expect("release");
}
