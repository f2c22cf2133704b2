//! `0 Today`, the dashboard: the first screen for every role, its sections read
//! through the worker from a demo database with a fixed clock (2023-05-01 09:00
//! UTC, local time UTC), their counts against the full lists, Enter on a row,
//! the key per section, and pictures at 80×24 and 120×40 for each role.

mod common;
mod tui_support;

use epicevents::action::{Action, Screen};
use epicevents::app::App;
use epicevents::demo::DEMO_PASSWORD;
use epicevents::domain::Role;
use epicevents::state::board::{Open, Section};
use epicevents::state::{Entity, Overlay};
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// Logged in at `w × h`, on the first screen, the welcome message gone.
fn today_at(db: &common::TestDb, email: &str, w: u16, h: u16) -> App {
    let mut a = app(db);
    a.size = (w, h);
    login_home(&mut a, email);
    a.toast = None;
    a
}

fn today(db: &common::TestDb, email: &str) -> App {
    today_at(db, email, 120, 40)
}

fn sections(app: &App) -> Vec<Section> {
    app.workspace()
        .expect("logged in")
        .board()
        .data
        .sections
        .clone()
}

fn section(app: &App, number: u8) -> Section {
    sections(app)
        .into_iter()
        .find(|s| s.number == number)
        .unwrap_or_else(|| panic!("no section {number}: {}", screen_text(app, 120, 40)))
}

fn numbers(app: &App) -> Vec<u8> {
    sections(app).iter().map(|s| s.number).collect()
}

/// The table on show: its total and its filter labels.
fn list(app: &App) -> (usize, Vec<String>) {
    let w = app.workspace().expect("logged in");
    (w.list().page.total, w.list().filters.labels(w.screen))
}

fn top_detail(app: &App) -> Option<(Entity, i64)> {
    match app.workspace().and_then(|w| w.top()) {
        Some(Overlay::Detail(d)) => Some((d.entity, d.id)),
        _ => None,
    }
}

#[test]
fn today_is_the_first_screen_for_every_role_and_0_comes_back_to_it() {
    let db = demo_db();
    for (email, role) in [
        (PAUL, Role::Admin),
        (MIA, Role::Management),
        (BILL, Role::Sales),
        (ANNE, Role::Sales),
        (KATE, Role::Support),
        (ALIENOR, Role::Support),
    ] {
        let mut a = today(&db, email);
        assert_eq!(a.workspace().map(|w| w.session.role), Some(role));
        assert_eq!(a.screen(), Some(Screen::Today), "{email}");
        assert!(a.workspace().is_some_and(|w| w.board().loaded), "{email}");
        let s = screen_text(&a, 120, 40);
        assert!(s.contains(" 0 Today "), "{s}");
        assert!(s.contains("Events today and the next 7 days"), "{s}");
        ch(&mut a, '3');
        assert_eq!(a.screen(), Some(Screen::Events));
        ch(&mut a, '0');
        assert_eq!(a.screen(), Some(Screen::Today));
    }
}

#[test]
fn help_over_the_dashboard_lists_its_keys_not_the_tables() {
    let db = demo_db();
    let mut a = today(&db, MIA);
    ch(&mut a, '?');
    let hints: Vec<_> = a.hints().iter().map(|h| h.action).collect();
    assert!(!hints.contains(&Action::StartFilter), "{hints:?}");
    assert!(hints.contains(&Action::Open), "{hints:?}");
    let s = screen_text(&a, 120, 40);
    assert!(s.contains("Today") && s.contains("full list"), "{s}");
    assert!(!s.contains("/ filter"), "{s}");
}

#[test]
fn each_role_sees_its_sections_and_their_keys() {
    let db = demo_db();
    // 1 this week · 2 without support · 3 not signed · 4 balance due · 5 unread
    let cases = [
        (PAUL, vec![1, 2, 5]),
        (MIA, vec![1, 2, 5]),
        (BILL, vec![1, 3, 4, 5]),
        (KATE, vec![1, 5]),
    ];
    for (email, expected) in cases {
        let a = today(&db, email);
        assert_eq!(numbers(&a), expected, "{email}");
        let keys: Vec<u8> = a.view().section_keys.iter().map(|(n, _)| *n).collect();
        assert_eq!(keys, expected, "{email}: every section says its key");
        let s = screen_text(&a, 120, 40);
        assert_eq!(s.matches("full list").count(), expected.len(), "{s}");
    }
}

#[test]
fn section_counts_match_the_full_lists_their_keys_open() {
    let db = demo_db();
    let mut a = today(&db, BILL);
    let unsigned = section(&a, 3).count;
    let due = section(&a, 4).count;
    let unread = section(&a, 5).count;
    assert!(unsigned != "0" && due != "0" && unread != "0");

    ch(&mut a, 'u');
    assert_eq!(a.screen(), Some(Screen::Contracts));
    let (total, filters) = list(&a);
    assert_eq!(total.to_string(), unsigned);
    assert_eq!(filters, vec!["not signed", "my clients"]);

    ch(&mut a, '0');
    ch(&mut a, 'b');
    let (total, filters) = list(&a);
    assert_eq!(total.to_string(), due);
    assert_eq!(filters, vec!["balance due", "my clients"]);

    ch(&mut a, '0');
    ch(&mut a, 'n');
    assert_eq!(a.screen(), Some(Screen::Notifications));
    let w = a.workspace().expect("logged in");
    assert_eq!(w.unread.to_string(), unread);

    // Management: what has no support in the next 30 days, and `w` lists it.
    let mut a = today(&db, MIA);
    let s = section(&a, 2);
    assert_eq!(s.count, "1");
    assert!(s.rows[0].cells[1].contains("Launch Party"), "{:?}", s.rows);
    ch(&mut a, 'w');
    assert_eq!(a.screen(), Some(Screen::Events));
    let (total, filters) = list(&a);
    assert_eq!(filters, vec!["without support", "upcoming"]);
    assert!(total >= 1);
    // Keys of sections this role does not have do nothing.
    ch(&mut a, '0');
    ch(&mut a, 'u');
    assert_eq!(a.screen(), Some(Screen::Today));
}

#[test]
fn enter_opens_the_selected_row_and_a_notification_is_marked_read() {
    let db = demo_db();
    let mut a = today(&db, MIA);
    // Down from the week's event into the section below.
    ch(&mut a, 'j');
    let Open::Record(entity, id) = section(&a, 2).rows[0].open else {
        panic!("an event row opens a record");
    };
    press(&mut a, KeyCode::Enter);
    assert_eq!(top_detail(&a), Some((entity, id)));
    assert_eq!(entity, Entity::Event);
    assert!(screen_text(&a, 120, 40).contains("Cool Startup Launch Party"));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.screen(), Some(Screen::Today));

    let mut a = today(&db, BILL);
    let before = a.workspace().map(|w| w.unread).unwrap_or_default();
    press(&mut a, KeyCode::End);
    let row = section(&a, 5).rows.last().cloned().expect("a notification");
    assert!(matches!(row.open, Open::Notification(_)));
    press(&mut a, KeyCode::Enter);
    assert!(
        matches!(top_detail(&a), Some((Entity::Contract, _))),
        "{}",
        screen_text(&a, 120, 40)
    );
    assert_eq!(a.workspace().map(|w| w.unread), Some(before - 1));
    press(&mut a, KeyCode::Esc);
    // The board was read again after the write: one fewer unread.
    assert_eq!(section(&a, 5).count, (before - 1).to_string());
}

#[test]
fn support_sees_their_own_events_of_the_week_first() {
    let db = demo_db();
    let bill = db.crm.login(BILL, DEMO_PASSWORD).expect("bill");
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let kate = db.crm.login(KATE, DEMO_PASSWORD).expect("kate");
    let client = db.client(&bill, "Week Client", "week.client@example.com");
    let contract = db.signed_contract(&mia, client, 100_000);
    let at = common::at;
    let early = db.event(
        &bill,
        contract,
        "Early Briefing",
        at(2023, 5, 2, 10, 0),
        at(2023, 5, 2, 12, 0),
    );
    let mine = db.event(
        &bill,
        contract,
        "Kate Rehearsal",
        at(2023, 5, 4, 10, 0),
        at(2023, 5, 4, 12, 0),
    );
    // Past the week: not on the board.
    db.event(
        &bill,
        contract,
        "Far Gala",
        at(2023, 5, 12, 10, 0),
        at(2023, 5, 12, 12, 0),
    );
    db.crm
        .assign_support(
            &mia,
            mine,
            db.event_version(mine),
            Some(kate.collaborator_id),
        )
        .expect("assign");

    let names = |a: &App| -> Vec<String> {
        section(a, 1)
            .rows
            .iter()
            .map(|r| r.cells[1].clone())
            .collect()
    };
    let a = today(&db, KATE);
    assert_eq!(section(&a, 1).count, "3");
    assert_eq!(
        names(&a),
        vec![
            "Kate Rehearsal",
            "Early Briefing",
            "Lou Bouzin General Assembly"
        ]
    );
    let a = today(&db, MIA);
    assert_eq!(
        names(&a),
        vec![
            "Early Briefing",
            "Kate Rehearsal",
            "Lou Bouzin General Assembly"
        ]
    );
    // Without support in the next 30 days: the early one, the gala, the launch.
    let s = section(&a, 2);
    assert_eq!(s.count, "3");
    assert_eq!(s.rows[0].open, Open::Record(Entity::Event, early));
}

#[test]
fn the_board_waits_for_the_worker_and_takes_only_the_newest_read() {
    let db = demo_db();
    let mut a = app(&db);
    a.use_slow_worker(std::time::Duration::from_millis(150));
    login_as(&mut a, MIA, DEMO_PASSWORD);
    assert_eq!(a.screen(), Some(Screen::Today));
    // Reload twice while the first read is on its way: the keys answer at
    // once, and the board ends with the newest read.
    a.handle_key(key(KeyCode::Char('r')));
    a.handle_key(key(KeyCode::Char('r')));
    let w = a.workspace().expect("logged in");
    assert!(w.board().dirty || w.board().loading);
    assert!(a.settle());
    let b = a.workspace().expect("logged in").board();
    assert!(b.loaded && !b.loading && !b.dirty);
    assert_eq!(numbers(&a), vec![1, 2, 5]);
}

/// Pictures of the dashboard for each role.
#[test]
fn today_snapshots() {
    let db = demo_db();
    for (role, email) in [
        ("admin", PAUL),
        ("management", MIA),
        ("sales", BILL),
        ("support", KATE),
    ] {
        for (w, h) in [(80, 24), (120, 40)] {
            let a = today_at(&db, email, w, h);
            let terminal = draw(&a, w, h);
            insta::assert_snapshot!(format!("today_{role}_{w}x{h}"), terminal.backend());
        }
    }
}
