//! Pictures of every screen each role may see, at 80×24 (the size the product must
//! work at) and 120×40, drawn by the real render function from the real App on a
//! demo database with a fixed clock (2023-05-01 09:00 UTC, local time UTC).
//!
//! Review changed snapshots by reading the `.snap` files in `tests/snapshots/`:
//! they are plain text pictures of the screen.

mod common;
mod tui_support;

use epicevents::app::App;
use epicevents::keymap::Keymap;
use epicevents::state::Overlay;
use epicevents::ui::Theme;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use tui_support::*;

/// Draws the app at `w × h` and compares it with the snapshot `name`. Toasts are
/// left to the caller: each one is on screen for a few seconds of wall time, so a
/// snapshot that shows one takes it right after the key that made it.
fn shot(app: &App, name: &str, w: u16, h: u16) {
    let terminal = draw(app, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

/// Logs in at the given size, with the welcome message gone.
fn session_at(db: &common::TestDb, email: &str, w: u16, h: u16, theme: Theme) -> App {
    let mut a = app_with(db, opts(), Keymap::defaults(), theme);
    a.size = (w, h);
    login(&mut a, email);
    a.toast = None;
    a
}

fn go(app: &mut App, c: char) {
    ch(app, c);
    app.toast = None;
}

fn select_named(app: &mut App, col: usize, name: &str) {
    let w = app.workspace().expect("logged in");
    let n = w.list().page.total;
    for _ in 0..n {
        let l = app.workspace().expect("logged in").list();
        if l.page.rows[l.selected - l.page.offset][col] == name {
            return;
        }
        ch(app, 'j');
    }
    panic!("no row {name}");
}

fn clear_field(app: &mut App) {
    press(app, KeyCode::End);
    for _ in 0..120 {
        app.handle_key(key(KeyCode::Backspace));
    }
}

fn focus(app: &mut App, field: &str) {
    for _ in 0..12 {
        let f = app.workspace().and_then(|w| w.form()).expect("a form");
        if f.form.focused() == Some(field) {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field {field}");
}

fn assert_field_error(app: &App, field: &str) {
    let f = app.workspace().and_then(|w| w.form()).expect("a form");
    assert!(
        f.form.field(field).and_then(|x| x.error()).is_some(),
        "expected an error at {field}"
    );
}

/// The tables every role sees (Clients, Contracts, Events, Notifications) and, for
/// admin and management, Collaborators and Audit.
fn tables(a: &mut App, role: &str, w: u16, h: u16, staff: bool) {
    for (key, screen) in [
        ('1', "clients"),
        ('2', "contracts"),
        ('3', "events"),
        ('4', "collaborators"),
        ('5', "notifications"),
        ('6', "audit"),
    ] {
        let before = a.screen();
        go(a, key);
        if !staff && matches!(key, '4' | '6') {
            assert_eq!(a.screen(), before, "{role} may not open {screen}");
            continue;
        }
        shot(a, &format!("{role}_{screen}"), w, h);
    }
}

fn admin(w: u16, h: u16) {
    let db = demo_db();
    let mut a = session_at(&db, PAUL, w, h, Theme::colored());
    tables(&mut a, "admin", w, h, true);
    // A client with its contracts and event.
    go(&mut a, '1');
    select_named(&mut a, 0, "Kevin Casey");
    press(&mut a, KeyCode::Enter);
    a.toast = None;
    shot(&a, "admin_client_detail", w, h);
    // Its edit form with a bad e-mail.
    ch(&mut a, 'e');
    focus(&mut a, "email");
    clear_field(&mut a);
    type_text(&mut a, "kevin@");
    press_ctrl(&mut a, 's');
    assert_field_error(&a, "email");
    shot(&a, "admin_client_form_error", w, h);
    press(&mut a, KeyCode::Esc);
    assert!(matches!(
        a.workspace().and_then(|w| w.top()),
        Some(Overlay::Confirm(_))
    ));
    shot(&a, "admin_discard_confirm", w, h);
    ch(&mut a, 'y');
    press(&mut a, KeyCode::Esc);
    // Help over the collaborators.
    go(&mut a, '4');
    ch(&mut a, '?');
    shot(&a, "admin_help", w, h);
}

fn management(w: u16, h: u16) {
    let db = demo_db();
    let mut a = session_at(&db, MIA, w, h, Theme::colored());
    tables(&mut a, "management", w, h, true);
    go(&mut a, '3');
    select_named(&mut a, 2, "John Ouick Wedding");
    press(&mut a, KeyCode::Enter);
    a.toast = None;
    shot(&a, "management_event_detail", w, h);
    // Ends before it starts.
    ch(&mut a, 'e');
    focus(&mut a, "ends_at");
    clear_field(&mut a);
    type_text(&mut a, "2023-06-04 12:00");
    press_ctrl(&mut a, 's');
    assert_field_error(&a, "ends_at");
    shot(&a, "management_event_form_error", w, h);
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'y');
    press(&mut a, KeyCode::Esc);
    // Assigning support to the launch party: the picker, filtered.
    a.toast = None;
    ch(&mut a, 'u');
    select_named(&mut a, 2, "Cool Startup Launch Party");
    ch(&mut a, 'a');
    type_text(&mut a, "ali");
    shot(&a, "management_assign_picker", w, h);
    press(&mut a, KeyCode::Esc);
    a.toast = None;
    ch(&mut a, '?');
    shot(&a, "management_help", w, h);
}

fn sales(w: u16, h: u16) {
    let db = demo_db();
    let mut a = session_at(&db, BILL, w, h, Theme::colored());
    tables(&mut a, "sales", w, h, false);
    go(&mut a, '2');
    ch(&mut a, 'm');
    ch(&mut a, 'b');
    shot(&a, "sales_contracts_filtered", w, h);
    select_named(&mut a, 0, "#1");
    press(&mut a, KeyCode::Enter);
    shot(&a, "sales_contract_detail", w, h);
    // An overpayment: the amount still due is at the field.
    ch(&mut a, 'p');
    type_text(&mut a, "9000");
    press_ctrl(&mut a, 's');
    assert_field_error(&a, "amount");
    shot(&a, "sales_payment_form_error", w, h);
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'y');
    press(&mut a, KeyCode::Esc);
    a.toast = None;
    // Signing asks first.
    ch(&mut a, 'u');
    select_named(&mut a, 0, "#2");
    ch(&mut a, 's');
    shot(&a, "sales_sign_confirm", w, h);
    ch(&mut a, 'n');
    ch(&mut a, '?');
    shot(&a, "sales_help", w, h);
}

fn support(w: u16, h: u16) {
    let db = demo_db();
    let mut a = session_at(&db, KATE, w, h, Theme::colored());
    assert_eq!(
        a.screen(),
        Some(epicevents::action::Screen::Events),
        "support starts on Events"
    );
    tables(&mut a, "support", w, h, false);
    go(&mut a, '3');
    ch(&mut a, 'm');
    shot(&a, "support_events_mine", w, h);
    select_named(&mut a, 2, "John Ouick Wedding");
    press(&mut a, KeyCode::Enter);
    shot(&a, "support_event_detail", w, h);
    ch(&mut a, 'e');
    focus(&mut a, "attendees");
    clear_field(&mut a);
    type_text(&mut a, "lots");
    press_ctrl(&mut a, 's');
    assert_field_error(&a, "attendees");
    shot(&a, "support_event_form_error", w, h);
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'y');
    press(&mut a, KeyCode::Esc);
    a.toast = None;
    ch(&mut a, '?');
    shot(&a, "support_help", w, h);
}

/// Login, a refused login, first run with a mismatch.
fn gate(w: u16, h: u16) {
    let db = demo_db();
    let mut a = app(&db);
    a.size = (w, h);
    shot(&a, "login", w, h);
    type_text(&mut a, MIA);
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "not-it");
    shot(&a, "login_typing", w, h);
    press(&mut a, KeyCode::Enter);
    shot(&a, "login_refused", w, h);

    let empty = common::TestDb::sqlite();
    let mut f = app_with(
        &empty,
        epicevents::app::AppOptions {
            database_label: "new.db".into(),
            ..Default::default()
        },
        Keymap::defaults(),
        Theme::colored(),
    );
    f.size = (w, h);
    shot(&f, "first_run", w, h);
    type_text(&mut f, "Paul Durand");
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "paul@epicevents.example");
    press(&mut f, KeyCode::Tab);
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, common::PASSWORD);
    press(&mut f, KeyCode::Tab);
    type_text(&mut f, "something else");
    press(&mut f, KeyCode::Enter);
    shot(&f, "first_run_mismatch", w, h);
}

#[test]
fn admin_80x24() {
    admin(80, 24);
}

#[test]
fn admin_120x40() {
    admin(120, 40);
}

#[test]
fn management_80x24() {
    management(80, 24);
}

#[test]
fn management_120x40() {
    management(120, 40);
}

#[test]
fn sales_80x24() {
    sales(80, 24);
}

#[test]
fn sales_120x40() {
    sales(120, 40);
}

#[test]
fn support_80x24() {
    support(80, 24);
}

#[test]
fn support_120x40() {
    support(120, 40);
}

#[test]
fn gate_80x24() {
    gate(80, 24);
}

#[test]
fn gate_120x40() {
    gate(120, 40);
}

/// Below 80×24 a plain message replaces the screen, logged in or not.
#[test]
fn too_small() {
    let db = demo_db();
    let mut a = app(&db);
    shot(&a, "too_small_login", 79, 24);
    login(&mut a, MIA);
    shot(&a, "too_small_workspace", 100, 20);
}

/// NO_COLOR: the monochrome theme draws the same screens without a single colour.
#[test]
fn monochrome_80x24() {
    let (w, h) = (80, 24);
    let db = demo_db();
    let mut a = app_with(&db, opts(), Keymap::defaults(), Theme::monochrome());
    shot(&a, "monochrome_login", w, h);
    login(&mut a, MIA);
    a.toast = None;
    let mut frames = Vec::new();
    go(&mut a, '3');
    ch(&mut a, 'u');
    shot(&a, "monochrome_events", w, h);
    frames.push(draw(&a, w, h));
    select_named(&mut a, 2, "Cool Startup Launch Party");
    press(&mut a, KeyCode::Enter);
    shot(&a, "monochrome_event_detail", w, h);
    frames.push(draw(&a, w, h));
    ch(&mut a, 'e');
    focus(&mut a, "starts_at");
    clear_field(&mut a);
    type_text(&mut a, "tomorrow");
    press_ctrl(&mut a, 's');
    assert_field_error(&a, "starts_at");
    shot(&a, "monochrome_event_form_error", w, h);
    frames.push(draw(&a, w, h));
    press(&mut a, KeyCode::Esc);
    shot(&a, "monochrome_discard_confirm", w, h);
    frames.push(draw(&a, w, h));
    for t in &frames {
        for cell in t.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "coloured cell {cell:?}");
            assert_eq!(cell.bg, Color::Reset, "coloured cell {cell:?}");
        }
    }
}
