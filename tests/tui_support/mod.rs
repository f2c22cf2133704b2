//! Driving the real terminal app in tests: a demo database with a fixed clock, an
//! `App` on it with the database worker (each key settles), keys typed one by one, frames drawn on
//! ratatui's in-memory backend.

#![allow(dead_code)]

use std::sync::Once;

use epicevents::app::{App, AppOptions};
use epicevents::keymap::Keymap;
use epicevents::state::{Overlay, Workspace};
use epicevents::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use crate::common::TestDb;

/// How many made-up clients the demo adds in these tests (besides the brief's three).
pub const GENERATED: usize = 12;

pub const PAUL: &str = "paul.durand@epicevents.example";
pub const MIA: &str = "mia.martin@epicevents.example";
pub const BILL: &str = "bill.boquet@epicevents.example";
pub const ANNE: &str = "anne.roy@epicevents.example";
pub const KATE: &str = "kate.hastroff@epicevents.example";
pub const ALIENOR: &str = "alienor.vichum@epicevents.example";

static TZ: Once = Once::new();

/// Local time is UTC in these processes, so dates on screen do not depend on where
/// the tests run. Called first thing in every test, before anything reads the clock.
pub fn utc() {
    TZ.call_once(|| std::env::set_var("TZ", "UTC"));
}

/// A fresh SQLite database with the demo loaded at the TestDb clock (2023-05-01 09:00).
pub fn demo_db() -> TestDb {
    utc();
    let db = TestDb::sqlite();
    let report = epicevents::demo::load(&db.crm, GENERATED).expect("demo loads");
    assert!(report.loaded);
    db
}

pub fn opts() -> AppOptions {
    AppOptions {
        demo_hint: true,
        idle_timeout: None,
        keys_file: None,
        database_label: "demo.db".into(),
        ..AppOptions::default()
    }
}

/// An app on the login screen of `db`, colours on.
pub fn app(db: &TestDb) -> App {
    app_with(db, opts(), Keymap::defaults(), Theme::colored())
}

pub fn app_with(db: &TestDb, opts: AppOptions, keymap: Keymap, theme: Theme) -> App {
    let mut app = App::new(db.crm.clone(), opts, keymap, theme);
    app.use_worker();
    app.settle();
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// One key, then a tick so whatever query it asked for runs.
pub fn press(app: &mut App, code: KeyCode) {
    app.handle_key(key(code));
    app.settle();
}

pub fn press_ctrl(app: &mut App, c: char) {
    app.handle_key(ctrl(c));
    app.settle();
}

/// A character key (`press_char(app, 'u')`).
pub fn ch(app: &mut App, c: char) {
    press(app, KeyCode::Char(c));
}

/// Types text one character at a time, ticking after each as the loop would.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

/// Logs in through the form: e-mail, Tab, password, Enter.
pub fn login_as(app: &mut App, email: &str, password: &str) {
    type_text(app, email);
    press(app, KeyCode::Tab);
    type_text(app, password);
    press(app, KeyCode::Enter);
}

/// Logs in with the demo password and checks the workspace opened, staying on
/// the first screen.
pub fn login_home(app: &mut App, email: &str) {
    login_as(app, email, epicevents::demo::DEMO_PASSWORD);
    assert!(
        app.workspace().is_some(),
        "login as {email} failed: {}",
        screen_text(app, 120, 40)
    );
}

/// Logs in with the demo password and shows the role's main list (events for
/// support, clients for the others), where most tests start.
pub fn login(app: &mut App, email: &str) {
    login_home(app, email);
    let Some(w) = app.workspace().filter(|w| w.overlays.is_empty()) else {
        return;
    };
    let support = w.session.role == epicevents::domain::Role::Support;
    ch(app, if support { '3' } else { '1' });
}

/// A logged-in app for one demo account.
pub fn logged_in(db: &TestDb, email: &str) -> App {
    let mut a = app(db);
    login(&mut a, email);
    a
}

/// The frame the app draws at `width × height`.
pub fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| epicevents::ui::screens::render(&app.view(), f))
        .expect("draw");
    terminal
}

/// The frame as plain text, one line per row.
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    let terminal = draw(app, width, height);
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The text at 80×24, the size the product must work at.
pub fn screen(app: &App) -> String {
    screen_text(app, 80, 24)
}

/// The logged-in workspace.
pub fn ws(app: &App) -> &Workspace {
    app.workspace().expect("logged in")
}

/// The status line's message, or nothing.
pub fn toast(app: &App) -> String {
    app.toast
        .as_ref()
        .map(|t| t.message.clone())
        .unwrap_or_default()
}

/// True when the status bar or help offers `key` here.
pub fn offers(app: &App, key: &str) -> bool {
    app.hints()
        .iter()
        .any(|h| h.keys.split('/').any(|k| k == key))
}

/// The question of an open confirmation, if one is open.
pub fn confirm_message(app: &App) -> Option<String> {
    match ws(app).top() {
        Some(Overlay::Confirm(c)) => Some(c.dialog.message().to_string()),
        _ => None,
    }
}

/// The cells of the list's selected row.
pub fn selected_row(app: &App) -> Vec<String> {
    let l = ws(app).list();
    l.page.rows[l.selected - l.page.offset].clone()
}

/// Filters the list by `text`, as typed after `/`.
pub fn filter(app: &mut App, text: &str) {
    ch(app, '/');
    type_text(app, text);
    press(app, KeyCode::Enter);
}

/// The id of the event named exactly `name`.
pub fn event_id_named(db: &TestDb, name: &str) -> i64 {
    let p = epicevents::db::repo::ListParams::default().with_filter(name);
    db.crm
        .list_events(&Default::default(), Default::default(), &p)
        .expect("events")
        .rows
        .into_iter()
        .find(|r| r.event.name == name)
        .map(|r| r.event.id)
        .unwrap_or_else(|| panic!("no event {name}"))
}

/// The error shown at a field of the open form.
pub fn field_error(app: &App, field: &str) -> Option<String> {
    let f = ws(app).form().expect("a form is open");
    f.form
        .field(field)
        .and_then(|x| x.error())
        .map(str::to_string)
}
