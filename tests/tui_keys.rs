//! Keys as the user sees them: the `?` overlay lists what the status bar offers,
//! the status bar keeps each screen's main actions at 80 columns and shows the
//! text filter, and a lock leaves no message of the session behind.

mod common;
mod tui_support;

use epicevents::action::Action;
use epicevents::app::App;
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// The status line: the bottom row at 80×24.
fn status_line(app: &App) -> String {
    let s = screen(app);
    s.lines().last().unwrap_or_default().to_string()
}

fn actions(hints: &[epicevents::keymap::Hint]) -> Vec<Action> {
    let mut a: Vec<Action> = hints.iter().map(|h| h.action).collect();
    a.sort_by_key(|a| a.name());
    a
}

#[test]
fn help_over_a_record_lists_what_the_record_offers() {
    let db = demo_db();
    for (email, key) in [(MIA, '3'), (BILL, '2'), (PAUL, '1')] {
        let mut a = logged_in(&db, email);
        ch(&mut a, key);
        press(&mut a, KeyCode::Enter);
        let offered = a.hints();
        // History is for those who may read the audit.
        assert_eq!(
            offered.iter().any(|h| h.action == Action::History),
            email != BILL,
            "{email}: {}",
            screen(&a)
        );
        ch(&mut a, '?');
        let help = a.view().help;
        assert_eq!(actions(&help), actions(&offered), "{email}");
        let text = screen_text(&a, 80, 50);
        assert_eq!(text.contains("h          history"), email != BILL, "{text}");
    }
}

/// Whether the status line offers `key` (each hint is "key words", after a
/// "│ " or two spaces).
fn shows(line: &str, key: &str) -> bool {
    line.contains(&format!("│ {key} ")) || line.contains(&format!("  {key} "))
}

fn assert_shows(app: &App, keys: &[&str]) {
    let line = status_line(app);
    for key in keys {
        assert!(shows(&line, key), "{key} missing: {line}");
    }
}

#[test]
fn the_status_bar_keeps_each_screens_main_actions_at_80_columns() {
    let db = demo_db();
    let mut mia = logged_in(&db, MIA);
    ch(&mut mia, '2');
    assert_shows(&mia, &["n", "e", "u", "b", "?"]);
    ch(&mut mia, '3');
    assert_shows(&mia, &["a", "u", "t", "?"]);
    // With filters on, the words get shorter and the actions stay.
    ch(&mut mia, 'u');
    ch(&mut mia, '/');
    type_text(&mut mia, "Gala");
    press(&mut mia, KeyCode::Enter);
    assert_shows(&mia, &["a", "e", "?"]);
    let mut bill = logged_in(&db, BILL);
    assert_shows(&bill, &["n", "e", "m", "?"]);
    ch(&mut bill, '2');
    ch(&mut bill, 'j'); // #2, not signed yet
    assert_shows(&bill, &["s", "p", "e", "u", "b", "m", "?"]);
}

#[test]
fn the_status_bar_shows_the_text_filter() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    ch(&mut a, 'u');
    ch(&mut a, '/');
    type_text(&mut a, "Gala");
    press(&mut a, KeyCode::Enter);
    let line = status_line(&a);
    assert!(line.contains("without support, "), "{line}");
    assert!(line.contains("\"Gala\" │"), "{line}");
    press(&mut a, KeyCode::Esc);
    ch(&mut a, '/');
    press(&mut a, KeyCode::Esc);
    let line = status_line(&a);
    assert!(!line.contains("Gala"), "{line}");
}

#[test]
fn locking_leaves_no_message_of_the_session_on_the_login_screen() {
    let db = demo_db();
    let mut a = app(&db);
    login_home(&mut a, MIA);
    assert!(screen(&a).contains("Welcome, Mia Martin"), "{}", screen(&a));
    press_ctrl(&mut a, 'l');
    assert!(a.workspace().is_none());
    let s = screen(&a);
    assert!(!s.contains("Welcome"), "{s}");
    assert!(s.contains("Locked. Log in to continue."), "{s}");
}

/// A keys file with two collisions, one good line and an unknown section.
const KEYS: &str = "[global]\nquit = \"1\"\n[events]\nwithout_support = \"j\"\n\
                    time_window = \"T\"\n[evnts]\nx = \"y\"\n";

#[test]
fn a_keys_file_keeps_its_good_lines_and_lists_the_bad_ones_under_help() {
    let db = demo_db();
    let keymap = Keymap::parse(KEYS);
    let mut a = app_with(&db, opts(), keymap, Theme::colored());
    let s = screen(&a);
    assert!(
        s.contains("keys.toml: 3 line(s) not used, the others apply;"),
        "{s}"
    );
    login(&mut a, MIA);
    ch(&mut a, '3');
    let selected = |a: &App| a.workspace().map(|w| w.list().selected);
    let labels = |a: &App| {
        a.workspace()
            .map(|w| w.list().filters.labels(w.screen))
            .unwrap_or_default()
    };
    let before = selected(&a);
    ch(&mut a, 'j');
    assert_ne!(selected(&a), before, "j still moves down");
    let window = labels(&a);
    assert!(!window.iter().any(|l| l.contains("support")), "{window:?}");
    ch(&mut a, 'T');
    assert_ne!(labels(&a), window, "T changes the time window");
    ch(&mut a, '1');
    assert!(!a.should_quit, "1 goes to clients");
    ch(&mut a, '?');
    let s = screen_text(&a, 80, 60);
    for expected in [
        "keys.toml: lines not used",
        "line 2: quit in [global] cannot have \"1\":",
        "line 4: without_support in [events] cannot have",
        "line 6: unknown section [evnts]",
    ] {
        assert!(s.contains(expected), "{expected} missing:\n{s}");
    }
}

fn keys_command(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_epicevents"))
        .arg("keys")
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("epicevents runs")
}

#[test]
fn keys_check_lists_each_bad_line_and_print_defaults_reads_back() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = keys_command(home.path(), &["--print-defaults"]);
    assert!(out.status.success());
    let defaults = String::from_utf8_lossy(&out.stdout).to_string();
    let km = Keymap::parse(&defaults);
    assert!(km.problems().is_empty(), "{:?}", km.problems());
    assert_eq!(km.bindings(), Keymap::defaults().bindings());

    let dir = home.path().join("config/epicevents");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(dir.join("keys.toml"), &defaults).expect("write keys");
    let out = keys_command(home.path(), &["--check"]);
    assert!(out.status.success(), "{out:?}");

    std::fs::write(dir.join("keys.toml"), KEYS).expect("write keys");
    let out = keys_command(home.path(), &["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].ends_with(
        "keys.toml: line 2: quit in [global] cannot have \"1\": go_clients in [global] has it; \
         it keeps \"q\", \"ctrl-c\""
    ), "{err}");
    assert!(lines[1].contains("line 4: without_support in [events] cannot have \"j\": move_down in [table] has it; it keeps \"u\""), "{err}");
    assert!(
        lines[2].contains("line 6: unknown section [evnts]"),
        "{err}"
    );
    assert!(
        lines[3].contains("3 line(s) not used; the other lines apply"),
        "{err}"
    );
}
