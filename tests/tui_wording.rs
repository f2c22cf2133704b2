//! Messages as people read them: the archive question names the record, the
//! audit speaks in labels and yes/no, the first-run form's Enter says what it
//! does.

mod common;
mod tui_support;

use ratatui::crossterm::event::KeyCode;
use tui_support::*;

#[test]
fn the_first_run_form_says_enter_creates_the_administrator() {
    utc();
    let db = common::TestDb::sqlite();
    let a = app(&db);
    let s = screen(&a);
    assert!(s.contains("create the administrator account"), "{s}");
    let status = s.lines().last().unwrap_or_default();
    assert!(
        status.contains("Enter create the administrator"),
        "{status}"
    );
    assert!(!status.contains("sign in"), "{status}");
}

#[test]
fn archiving_asks_about_the_event_by_name_and_the_audit_reads_as_words() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    press(&mut a, KeyCode::Enter);
    ch(&mut a, 'D');
    let s = screen(&a);
    let asked = s
        .lines()
        .find(|l| l.contains("Archive the event \""))
        .unwrap_or_else(|| panic!("no archive question:\n{s}"));
    assert!(!asked.contains("Event ·"), "{asked}");
    ch(&mut a, 'y');
    ch(&mut a, '6');
    let s = screen_text(&a, 120, 40);
    assert!(s.contains("Archived: no → yes"), "{s}");
    assert!(s.contains("Event: "), "the record is named: {s}");
    assert!(!s.contains("archived: false"), "{s}");
}
