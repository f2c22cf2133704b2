//! Stored text never drives the terminal: a record whose fields hold escape
//! sequences (stored before validation refused them, or by another program) is
//! drawn with visible placeholders, and no control character reaches a cell.

mod common;
mod tui_support;

use diesel::sql_types::Text;
use diesel::RunQueryDsl;
use epicevents::app::App;
use epicevents::domain::text::is_control;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// OSC window title, CSI clear screen, SGR blink, an 8-bit CSI and a
/// right-to-left override.
const HOSTILE: &str = "\x1b]0;pwned\x07\x1b[2J\x1b[5m\u{9b}31m\u{202e}";

/// Writes the hostile text straight into the database, past the services.
fn poison(db: &common::TestDb) {
    db.crm
        .db()
        .write(|c| {
            diesel::sql_query("UPDATE clients SET full_name = 'A' || ? || ' Evil'")
                .bind::<Text, _>(HOSTILE)
                .execute(c)?;
            diesel::sql_query(
                "UPDATE events SET name = ? || name, notes = 'line one' || char(10) || ?",
            )
            .bind::<Text, _>(HOSTILE)
            .bind::<Text, _>(HOSTILE)
            .execute(c)?;
            Ok(())
        })
        .expect("poisoned");
}

/// Every cell of the frame at `w × h`; fails on a control character.
fn assert_clean(app: &App, w: u16, h: u16) -> String {
    let text = screen_text(app, w, h);
    if let Some(c) = text.chars().find(|c| *c != '\n' && is_control(*c)) {
        panic!("U+{:04X} reached the frame:\n{text}", c as u32);
    }
    text
}

#[test]
fn escape_sequences_in_records_show_as_placeholders() {
    let db = demo_db();
    poison(&db);
    let mut a = logged_in(&db, BILL);
    // The table.
    let table = assert_clean(&a, 120, 40);
    assert!(table.contains("A␛]0;pwned␇␛[2J"), "{table}");
    // The detail view.
    press(&mut a, KeyCode::Enter);
    assert!(a.workspace().and_then(|w| w.detail()).is_some());
    let detail = assert_clean(&a, 120, 40);
    assert!(detail.contains("␛[5m"), "{detail}");
    assert!(
        detail.contains('\u{FFFD}'),
        "C1 and bidi controls: {detail}"
    );
    press(&mut a, KeyCode::Esc);
    // Events: names in the table, notes in the detail view.
    ch(&mut a, '3');
    assert_clean(&a, 120, 40);
    press(&mut a, KeyCode::Enter);
    let ev = assert_clean(&a, 120, 40);
    assert!(ev.contains("line one"), "{ev}");
    // The audit and small terminals too.
    press(&mut a, KeyCode::Esc);
    assert_clean(&a, 80, 24);
}

#[test]
fn the_services_refuse_control_characters() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    assert!(screen(&a).contains("New client"), "{}", screen(&a));
    // A form field takes what a paste would give it.
    type_text(&mut a, "Bad\u{1b}[2JName");
    press_ctrl(&mut a, 's');
    let s = assert_clean(&a, 120, 40);
    assert!(s.contains("control characters"), "{s}");
}
