//! The terminal app driven key by key against a real SQLite database holding the
//! demo data (SPEC §3 and §5): login and first run, role-aware screens, filters and
//! sorting, detail views, forms and their errors, conflicts, confirmations, pickers,
//! locking and quitting. After each step the screen (or the database) is checked.

mod common;
mod tui_support;

use std::time::{Duration, Instant};

use common::{TestDb, PASSWORD};
use epicevents::action::Screen;
use epicevents::app::{App, AppOptions, Mode};
use epicevents::demo::DEMO_PASSWORD;
use epicevents::domain::{Cents, Role};
use epicevents::keymap::Keymap;
use epicevents::services::events::EventInput;
use epicevents::state::Overlay;
use epicevents::ui::Theme;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

// ---------------------------------------------------------------------------
// Reading the state back.

/// The table's title as drawn: `Events · without support · 1 of 3 (25 in all)`.
fn title(app: &App) -> String {
    let w = ws(app);
    let slot = epicevents::state::slot(w.screen);
    w.list().title(w.all_totals[slot].as_deref())
}

fn total(app: &App) -> usize {
    ws(app).list().page.total
}

/// The loaded rows of the table on show.
fn rows(app: &App) -> Vec<Vec<String>> {
    ws(app).list().page.rows.clone()
}

fn column(app: &App, i: usize) -> Vec<String> {
    rows(app).into_iter().map(|r| r[i].clone()).collect()
}

/// Whether a hint for `key` (e.g. "u", "Enter") is offered here.
fn gate_message(app: &App) -> String {
    match &app.mode {
        Mode::Gate(g) => g.message.clone().unwrap_or_default(),
        Mode::Work(_) => panic!("expected the login screen"),
    }
}

/// Selects the first row that satisfies `pred`, from the top (panics if none does).
fn select_where(app: &mut App, pred: impl Fn(&[String]) -> bool) {
    ch(app, 'g');
    let n = total(app);
    for _ in 0..n {
        if pred(&selected_row(app)) {
            return;
        }
        ch(app, 'j');
    }
    assert!(pred(&selected_row(app)), "no such row in {:?}", rows(app));
}

/// Types a `/` filter and keeps it with Enter.
/// Empties the focused form field.
fn clear_field(app: &mut App) {
    press(app, KeyCode::End);
    for _ in 0..120 {
        app.handle_key(key(KeyCode::Backspace));
    }
    app.settle();
}

fn session(db: &TestDb, email: &str) -> epicevents::session::Session {
    db.crm.login(email, DEMO_PASSWORD).expect("login")
}

// ---------------------------------------------------------------------------
// Login and first run.

#[test]
fn every_demo_role_logs_in_through_the_form() {
    let db = demo_db();
    let cases = [
        (PAUL, Role::Admin, Screen::Clients, "Paul Durand"),
        (MIA, Role::Management, Screen::Clients, "Mia Martin"),
        (BILL, Role::Sales, Screen::Clients, "Bill Boquet"),
        (ANNE, Role::Sales, Screen::Clients, "Anne Roy"),
        (KATE, Role::Support, Screen::Events, "Kate Hastroff"),
        (ALIENOR, Role::Support, Screen::Events, "Aliénor Vichum"),
    ];
    for (email, role, first, name) in cases {
        let mut a = app(&db);
        assert!(a.workspace().is_none());
        assert!(screen(&a).contains("Log in"));
        login_as(&mut a, email, DEMO_PASSWORD);
        let w = ws(&a);
        assert_eq!(w.session.role, role, "{email}");
        assert_eq!(w.screen, epicevents::screens::home(role), "{email}");
        assert!(
            toast(&a).contains(&format!("Welcome, {name}")),
            "{}",
            toast(&a)
        );
        let s = screen(&a);
        assert!(s.contains(&format!("{name} · {}", role.label())), "{s}");
        ch(&mut a, char::from(b'0' + first.number()));
        assert_eq!(ws(&a).screen, first, "{email}");
        assert!(total(&a) > 0, "{email} sees rows");
    }
}

#[test]
fn a_wrong_password_keeps_the_login_screen_with_a_message() {
    let db = demo_db();
    let mut a = app(&db);
    login_as(&mut a, MIA, "not-the-password");
    assert!(a.workspace().is_none());
    let msg = gate_message(&a);
    assert!(!msg.is_empty());
    assert!(screen(&a).contains(&msg), "the message is on screen");
    // The password was cleared and has the focus: typing it again logs in.
    match &a.mode {
        Mode::Gate(g) => {
            assert_eq!(g.form.value("password").as_deref(), Some(""));
            assert_eq!(g.form.value("email").as_deref(), Some(MIA));
            assert_eq!(g.form.focused(), Some("password"));
        }
        Mode::Work(_) => unreachable!(),
    }
    type_text(&mut a, DEMO_PASSWORD);
    press(&mut a, KeyCode::Enter);
    assert_eq!(ws(&a).session.role, Role::Management);
}

/// Before login the status bar offers the form's keys and quit, nothing that needs
/// a session (lock, change password, screens).
#[test]
fn the_login_screen_offers_only_its_own_keys() {
    let db = demo_db();
    let mut a = app(&db);
    let mut offered: Vec<&str> = a.hints().iter().map(|h| h.description).collect();
    offered.sort_unstable();
    assert_eq!(
        offered,
        ["next field", "previous field", "quit", "sign in"],
        "{:?}",
        a.hints()
    );
    let s = screen_text(&a, 200, 30);
    assert!(!s.contains("lock") && !s.contains("my password"), "{s}");
    // Ctrl-L and Ctrl-P do nothing; typing still works after them.
    press_ctrl(&mut a, 'l');
    press_ctrl(&mut a, 'p');
    assert!(gate_message(&a).is_empty());
    login(&mut a, ANNE);
    assert_eq!(ws(&a).session.name, "Anne Roy");
}

#[test]
fn five_wrong_passwords_lock_the_account_for_some_minutes() {
    let db = demo_db();
    let mut a = app(&db);
    type_text(&mut a, BILL);
    press(&mut a, KeyCode::Tab);
    for _ in 0..5 {
        type_text(&mut a, "wrong-password");
        press(&mut a, KeyCode::Enter);
        assert!(a.workspace().is_none());
    }
    // From outside, a locked account looks like a wrong password.
    let msg = gate_message(&a);
    assert!(msg.contains("wrong e-mail or password"), "{msg}");
    assert!(!msg.contains("locked"), "{msg}");
    // The right password is refused while locked, and only then is the reason shown:
    // the lock lasts 15 minutes from now.
    type_text(&mut a, DEMO_PASSWORD);
    press(&mut a, KeyCode::Enter);
    assert!(a.workspace().is_none());
    let msg = gate_message(&a);
    assert!(msg.contains("locked"), "{msg}");
    assert!(msg.contains("15 min"), "{msg}");
    assert!(screen(&a).contains("locked"), "{}", screen(&a));
    // Ten minutes later, five are left.
    db.advance_minutes(10);
    type_text(&mut a, DEMO_PASSWORD);
    press(&mut a, KeyCode::Enter);
    assert!(gate_message(&a).contains("5 min"), "{}", gate_message(&a));
    // After the lock, the right password works.
    db.advance_minutes(6);
    type_text(&mut a, DEMO_PASSWORD);
    press(&mut a, KeyCode::Enter);
    assert_eq!(ws(&a).session.role, Role::Sales);
}

#[test]
fn first_run_creates_the_admin_through_the_form() {
    utc();
    let db = TestDb::sqlite();
    let mut a = app_with(
        &db,
        AppOptions::default(),
        Keymap::defaults(),
        Theme::colored(),
    );
    match &a.mode {
        Mode::Gate(g) => assert!(g.first_run),
        Mode::Work(_) => panic!("no account yet: first run"),
    }
    assert!(screen(&a).contains("create the administrator"));
    type_text(&mut a, "Paul Durand");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "paul@epicevents.example");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab); // no phone
    type_text(&mut a, PASSWORD);
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "Tangerine-Orbit-1988!");
    press(&mut a, KeyCode::Enter);
    // Refused at the "Repeat" field, nothing created.
    assert!(a.workspace().is_none());
    match &a.mode {
        Mode::Gate(g) => {
            let err = g.form.field("confirm").and_then(|f| f.error());
            assert_eq!(err, Some("the two passwords differ"));
            assert_eq!(g.form.focused(), Some("confirm"));
        }
        Mode::Work(_) => unreachable!(),
    }
    assert!(screen_text(&a, 120, 40).contains("the two passwords differ"));
    assert!(db.crm.needs_first_admin().expect("count"));
    // Corrected: the admin exists and is logged in.
    clear_field(&mut a);
    type_text(&mut a, PASSWORD);
    press(&mut a, KeyCode::Enter);
    let w = ws(&a);
    assert_eq!(w.session.role, Role::Admin);
    assert_eq!(w.session.name, "Paul Durand");
    assert!(!db.crm.needs_first_admin().expect("count"));
    // And the next start is a normal login.
    let b = app(&db);
    match &b.mode {
        Mode::Gate(g) => assert!(!g.first_run),
        Mode::Work(_) => unreachable!(),
    }
}

// ---------------------------------------------------------------------------
// Screens each role may see.

#[test]
fn collaborators_and_audit_are_for_admin_and_management_only() {
    let db = demo_db();
    for email in [BILL, KATE] {
        let mut a = logged_in(&db, email);
        let start = ws(&a).screen;
        for k in ['4', '6'] {
            ch(&mut a, k);
            assert_eq!(ws(&a).screen, start, "{email}: {k} does nothing");
        }
        assert!(!offers(&a, "4") && !offers(&a, "6"), "{email}");
        let tabs = screen(&a).lines().next().unwrap_or_default().to_string();
        assert!(!tabs.contains("Collaborators"), "{tabs}");
        assert!(!tabs.contains("Audit"), "{tabs}");
        assert!(tabs.contains("Notifications"), "{tabs}");
        // Tab cycles through the other four and skips those two.
        let mut seen = Vec::new();
        for _ in 0..8 {
            press(&mut a, KeyCode::Tab);
            seen.push(ws(&a).screen);
        }
        assert!(!seen.contains(&Screen::Collaborators), "{seen:?}");
        assert!(!seen.contains(&Screen::Audit), "{seen:?}");
        assert!(seen.contains(&Screen::Notifications), "{seen:?}");
    }
    for email in [MIA, PAUL] {
        let mut a = logged_in(&db, email);
        let tabs = screen(&a).lines().next().unwrap_or_default().to_string();
        assert!(
            tabs.contains("4 Collaborators") && tabs.contains("6 Audit"),
            "{tabs}"
        );
        ch(&mut a, '4');
        assert_eq!(ws(&a).screen, Screen::Collaborators);
        assert_eq!(total(&a), 6, "{}", title(&a));
        ch(&mut a, '6');
        assert_eq!(ws(&a).screen, Screen::Audit);
        assert!(total(&a) > 0);
    }
}

#[test]
fn the_audit_shows_the_selected_entrys_changes_in_full_under_the_table() {
    let db = demo_db();
    let client = db
        .crm
        .list_clients(
            &Default::default(),
            Default::default(),
            &epicevents::db::repo::ListParams::default().with_filter("aaron piquet"),
        )
        .expect("clients")
        .rows
        .remove(0)
        .client;
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '6');
    filter(&mut a, "aaron piquet");
    // The record is named as it is called today.
    let record = format!("Client: {}", client.full_name);
    select_where(&mut a, |r| r[2] == record && r[3] == "create");
    // The Changes cell is cut off in the table; the panel under it has every field.
    let text = screen(&a);
    // The panel's lines, borders off, run together (long changes wrap).
    let panel: String = text
        .lines()
        .skip_while(|l| !l.contains("Changes ─"))
        .skip(1)
        .take_while(|l| l.starts_with('│'))
        .map(|l| l.trim_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    for line in [
        format!("Full name: {}", client.full_name),
        format!("Email: {}", client.email),
        format!("Phone: {}", client.phone),
        format!("Company name: {}", client.company_name),
        format!("Last contact: {}", client.last_contact),
        "Sales contact: Bill Boquet".to_string(),
    ] {
        assert!(panel.contains(&line), "{line} missing from\n{text}");
    }
    // Moving the selection moves the panel with it.
    press(&mut a, KeyCode::Up);
    let moved = screen(&a);
    assert_ne!(moved, text);
}

// ---------------------------------------------------------------------------
// Tables: filter as you type, sort, hotkey filters.

#[test]
fn slash_filters_as_you_type_and_esc_clears() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    let all = total(&a);
    assert_eq!(title(&a), format!("Clients · 1 of {all}"));
    ch(&mut a, '/');
    type_text(&mut a, "ke");
    let after_two = total(&a);
    assert!(after_two < all, "{}", title(&a));
    type_text(&mut a, "vin");
    // Accent-insensitive: Kevin Casey and Kévin David.
    assert_eq!(
        title(&a),
        format!("Clients · \"kevin\" · 1 of 2 ({all} in all)")
    );
    let names = column(&a, 0);
    assert!(names.contains(&"Kevin Casey".to_string()), "{names:?}");
    assert!(names.contains(&"Kévin David".to_string()), "{names:?}");
    let s = screen(&a);
    assert!(s.contains("\"kevin\" · 1 of 2"), "{s}");
    // Another term narrows further: every term must match.
    type_text(&mut a, " cool");
    assert_eq!(column(&a, 0), vec!["Kevin Casey".to_string()]);
    // Backspace widens again.
    for _ in 0.." cool".len() {
        press(&mut a, KeyCode::Backspace);
    }
    assert_eq!(total(&a), 2);
    // Esc clears it.
    press(&mut a, KeyCode::Esc);
    assert_eq!(total(&a), all);
    assert_eq!(title(&a), format!("Clients · 1 of {all}"));
    assert!(!ws(&a).list().editing_filter);
    // Enter keeps it, and the table keys work again.
    filter(&mut a, "bouzin");
    assert!(!ws(&a).list().editing_filter);
    assert_eq!(total(&a), 1);
    assert!(title(&a).contains("\"bouzin\""));
}

#[test]
fn o_sorts_by_the_next_column_and_big_o_reverses() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    // By name: "Aaron…" first, "Théa…" last, initials in order (how accented
    // letters inside a name compare is the database's business).
    let names = column(&a, 0);
    assert_eq!(names.first().map(String::as_str), Some("Aaron Piquet"));
    assert_eq!(names.last().map(String::as_str), Some("Théa Grosjean"));
    let initials = |v: &[String]| -> Vec<char> {
        v.iter()
            .map(|s| {
                epicevents::domain::text::fold(s)
                    .chars()
                    .next()
                    .unwrap_or(' ')
            })
            .collect()
    };
    let mut sorted = initials(&names);
    sorted.sort();
    assert_eq!(initials(&names), sorted, "by name: {names:?}");
    assert!(screen(&a).contains("Name ▲"));
    ch(&mut a, 'O');
    let mut expected = names.clone();
    expected.reverse();
    assert_eq!(column(&a, 0), expected, "the same order, reversed");
    assert!(screen(&a).contains("Name ▼"));
    ch(&mut a, 'o');
    assert!(screen(&a).contains("Company ▲"), "{}", screen(&a));
    assert!(!screen(&a).contains("Name ▲"));
    let companies = column(&a, 1);
    let mut sorted = initials(&companies);
    sorted.sort();
    assert_eq!(initials(&companies), sorted, "by company: {companies:?}");
    assert_eq!(
        companies.first().map(String::as_str),
        Some(""),
        "John Ouick has none"
    );
    assert_ne!(column(&a, 0), names, "the order changed");

    // Contracts by total, highest first.
    ch(&mut a, '2');
    ch(&mut a, 'o');
    ch(&mut a, 'o');
    ch(&mut a, 'O');
    let totals: Vec<i64> = column(&a, 2)
        .iter()
        .map(|t| Cents::parse(t.trim_end_matches(" €")).expect("amount").0)
        .collect();
    let mut sorted = totals.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(totals, sorted);
    assert!(screen(&a).contains("Total ▼"), "{}", screen(&a));
}

#[test]
fn event_filters_follow_the_role() {
    let db = demo_db();
    // Management: without support, time window; not "assigned to me".
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    let all = total(&a);
    // The list opens on what is to come.
    let first = title(&a);
    assert!(first.starts_with("Events · upcoming · 1 of "), "{first}");
    assert!(offers(&a, "u") && offers(&a, "t") && offers(&a, "a"));
    assert!(!offers(&a, "m"));
    ch(&mut a, 'm');
    assert_eq!(title(&a), first, "m does nothing");
    ch(&mut a, 'u');
    assert!(
        title(&a).starts_with("Events · without support · "),
        "{}",
        title(&a)
    );
    assert!(total(&a) < all && total(&a) > 0);
    assert!(
        column(&a, 5).iter().all(|s| s == "— none —"),
        "{:?}",
        column(&a, 5)
    );
    assert!(column(&a, 2).contains(&"Cool Startup Launch Party".to_string()));
    let s = screen(&a);
    assert!(s.contains("Events · without support ·"), "{s}");
    // Filters combine: u then /cool.
    filter(&mut a, "cool");
    assert_eq!(column(&a, 2), vec!["Cool Startup Launch Party".to_string()]);
    assert!(
        title(&a).contains("without support · upcoming · \"cool\" · 1 of 1 ("),
        "{}",
        title(&a)
    );
    press(&mut a, KeyCode::Char('/'));
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'u');
    assert_eq!(total(&a), all);
    // t: upcoming → ongoing → past → all → upcoming.
    let mut labels = Vec::new();
    for _ in 0..4 {
        ch(&mut a, 't');
        labels.push(title(&a));
    }
    assert!(labels[0].contains("ongoing"), "{labels:?}");
    assert!(labels[1].contains("past"), "{labels:?}");
    assert!(labels[2].starts_with("Events · 1 of "), "{labels:?}");
    assert_eq!(labels[3], first);

    // Support: assigned to me, time window; not "without support", not assign.
    let mut k = logged_in(&db, KATE);
    assert_eq!(ws(&k).screen, Screen::Events);
    let first = title(&k);
    assert!(offers(&k, "m") && offers(&k, "t"));
    assert!(!offers(&k, "u") && !offers(&k, "a"));
    ch(&mut k, 'u');
    assert_eq!(title(&k), first, "u does nothing for support");
    // m is the agenda: mine, still to come, soonest first.
    ch(&mut k, 'm');
    assert!(
        title(&k).starts_with("Events · assigned to me · upcoming · "),
        "{}",
        title(&k)
    );
    assert!(column(&k, 5).iter().all(|s| s == "Kate Hastroff"));
    let starts = column(&k, 0);
    assert!(!starts.is_empty());
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "soonest first");
    // The clock is 2023-05-01 09:00: everything listed starts later.
    assert!(
        starts.iter().all(|s| s.as_str() > "2023-05-01 09:00"),
        "{starts:?}"
    );
    assert!(column(&k, 2).contains(&"John Ouick Wedding".to_string()));
    let upcoming = total(&k);
    assert!(screen(&k).contains("assigned to me"));
    // t goes on to ongoing, past, all.
    for _ in 0..3 {
        ch(&mut k, 't');
    }
    assert!(title(&k).starts_with("Events · assigned to me · "));
    assert!(!title(&k).contains("upcoming") && !title(&k).contains("past"));
    assert!(total(&k) >= upcoming);
    assert!(column(&k, 5).iter().all(|s| s == "Kate Hastroff"));

    // Sales: only the time window.
    let mut b = logged_in(&db, BILL);
    ch(&mut b, '3');
    assert!(offers(&b, "t"));
    assert!(!offers(&b, "u") && !offers(&b, "m") && !offers(&b, "a"));
    let first = title(&b);
    ch(&mut b, 'u');
    ch(&mut b, 'm');
    assert_eq!(title(&b), first);
}

#[test]
fn contract_and_client_filters_follow_the_role() {
    let db = demo_db();
    let mut b = logged_in(&db, BILL);
    // Clients: m, only my clients.
    assert!(offers(&b, "m"));
    let all = total(&b);
    ch(&mut b, 'm');
    assert!(
        title(&b).starts_with("Clients · my clients · "),
        "{}",
        title(&b)
    );
    assert!(total(&b) < all);
    assert!(column(&b, 4).iter().all(|s| s == "Bill Boquet"));
    // Contracts: u, b, m.
    ch(&mut b, '2');
    assert!(offers(&b, "u") && offers(&b, "b") && offers(&b, "m"));
    let all = total(&b);
    ch(&mut b, 'u');
    assert!(title(&b).contains("not signed"));
    assert!(column(&b, 4).iter().all(|s| s == "no"));
    ch(&mut b, 'u');
    ch(&mut b, 'b');
    assert!(title(&b).contains("balance due"));
    assert!(
        column(&b, 3).iter().all(|s| s != "0.00 €"),
        "{:?}",
        column(&b, 3)
    );
    ch(&mut b, 'm');
    assert!(
        title(&b).contains("balance due · my clients"),
        "{}",
        title(&b)
    );
    assert!(column(&b, 5).iter().all(|s| s == "Bill Boquet"));
    assert!(total(&b) < all);
    let s = screen(&b);
    assert!(s.contains("balance due, my clients"), "status bar: {s}");

    // Management: u and b, no "my clients" on either screen.
    let mut m = logged_in(&db, MIA);
    assert!(!offers(&m, "m"));
    let all = total(&m);
    ch(&mut m, 'm');
    assert_eq!(total(&m), all);
    ch(&mut m, '2');
    assert!(offers(&m, "u") && offers(&m, "b") && !offers(&m, "m"));

    // Support: none of the sales filters.
    let mut k = logged_in(&db, KATE);
    ch(&mut k, '1');
    assert!(!offers(&k, "m"));
    ch(&mut k, '2');
    let all = total(&k);
    for f in ["u", "b", "m", "s", "p"] {
        assert!(!offers(&k, f), "support is not offered {f}");
    }
    for c in ['u', 'b', 'm'] {
        ch(&mut k, c);
    }
    assert_eq!(title(&k), format!("Contracts · 1 of {all}"));
}

// ---------------------------------------------------------------------------
// Records: detail views, forms, conflicts.

#[test]
fn enter_opens_a_detail_view_with_related_records() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    filter(&mut a, "kevin casey");
    press(&mut a, KeyCode::Enter);
    let d = ws(&a).detail().expect("detail view").clone();
    assert_eq!(d.title, "Client · Kevin Casey");
    let labels: Vec<&str> = d.related.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(labels[0].starts_with("Contract #1 · 10 000.00 € · due 7 500.00 € · signed"));
    assert!(labels[1].contains("not signed"));
    assert!(labels[2].starts_with("Event · Cool Startup Launch Party"));
    let s = screen(&a);
    assert!(s.contains("Client · Kevin Casey"), "{s}");
    assert!(s.contains("kevin@startup.io"), "{s}");
    assert!(s.contains("Related (Enter opens)"), "{s}");
    // The related event is one key away: j j Enter.
    ch(&mut a, 'j');
    ch(&mut a, 'j');
    press(&mut a, KeyCode::Enter);
    let e = ws(&a).detail().expect("event").clone();
    assert_eq!(e.title, "Event · Cool Startup Launch Party");
    assert!(e.lines.iter().any(|(k, v)| k == "Support" && v == "—"));
    // Esc goes back one level, then to the table.
    press(&mut a, KeyCode::Esc);
    assert_eq!(
        ws(&a).detail().map(|d| d.title.clone()).as_deref(),
        Some("Client · Kevin Casey")
    );
    press(&mut a, KeyCode::Esc);
    assert!(ws(&a).detail().is_none());
}

#[test]
fn an_edit_form_shows_field_errors_and_asks_before_discarding() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    filter(&mut a, "kevin casey");
    assert!(offers(&a, "e"));
    ch(&mut a, 'e');
    let f = ws(&a).form().expect("edit form");
    assert_eq!(f.form.title(), "Edit client · Kevin Casey");
    assert_eq!(f.form.value("email").as_deref(), Some("kevin@startup.io"));
    // An emptied required field and a bad e-mail are both flagged by one save.
    clear_field(&mut a);
    // q in a form is a letter, not quit.
    press(&mut a, KeyCode::Tab);
    clear_field(&mut a);
    type_text(&mut a, "not-an-email");
    assert!(!a.should_quit);
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "email").expect("an error at the e-mail field");
    assert!(screen(&a).contains(&err), "{}", screen(&a));
    assert_eq!(field_error(&a, "full_name").as_deref(), Some("required"));
    // The first flagged field has the focus.
    type_text(&mut a, "Kevin Casey");
    assert_eq!(
        ws(&a)
            .form()
            .and_then(|f| f.form.value("full_name"))
            .as_deref(),
        Some("Kevin Casey")
    );
    assert!(toast(&a).contains("fields marked"), "{}", toast(&a));
    assert_eq!(
        db.crm.get_client(1).expect("client").client.email,
        "kevin@startup.io"
    );
    // Esc on a changed form asks; the default (Enter) is No and keeps the form.
    press(&mut a, KeyCode::Esc);
    assert_eq!(
        confirm_message(&a).as_deref(),
        Some("Discard your changes?")
    );
    press(&mut a, KeyCode::Enter);
    assert!(confirm_message(&a).is_none());
    let f = ws(&a).form().expect("form kept");
    assert_eq!(f.form.value("email").as_deref(), Some("not-an-email"));
    // Esc, y: gone, nothing saved.
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none());
    assert_eq!(
        db.crm.get_client(1).expect("client").client.email,
        "kevin@startup.io"
    );
    // An unchanged form closes on Esc without asking.
    ch(&mut a, 'e');
    press(&mut a, KeyCode::Esc);
    assert!(ws(&a).form().is_none() && confirm_message(&a).is_none());
    // A good value saves.
    ch(&mut a, 'e');
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    clear_field(&mut a);
    type_text(&mut a, "+33 6 11 22 33 44");
    press_ctrl(&mut a, 's');
    assert!(ws(&a).form().is_none(), "saved and closed");
    assert_eq!(
        db.crm.get_client(1).expect("client").client.phone,
        "+33 6 11 22 33 44"
    );
}

#[test]
fn a_save_over_someone_elses_change_shows_the_conflict_and_overwrites_nothing() {
    let db = demo_db();
    let wedding = event_id_named(&db, "John Ouick Wedding");
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    filter(&mut a, "ouick wedding");
    ch(&mut a, 'e');
    assert!(ws(&a).form().is_some());
    // Change the location in the form.
    // The contract is read-only: focus starts on the name.
    for _ in 0..3 {
        press(&mut a, KeyCode::Tab);
    }
    assert_eq!(
        ws(&a).form().and_then(|f| f.form.focused()),
        Some("location")
    );
    clear_field(&mut a);
    type_text(&mut a, "Château de Chambord");
    // Meanwhile someone else changes the attendees.
    let other = session(&db, PAUL);
    let e = db.crm.get_event(wedding).expect("event").event;
    db.crm
        .update_event(
            &other,
            wedding,
            e.version,
            &EventInput {
                name: e.name.clone(),
                starts_at: e.starts_at,
                ends_at: e.ends_at,
                location: e.location.clone(),
                attendees: 90,
                notes: e.notes.clone(),
            },
        )
        .expect("the other change");
    press_ctrl(&mut a, 's');
    let msg = confirm_message(&a).expect("the conflict dialog");
    assert!(msg.contains("Reload it?"), "{msg}");
    let s = screen_text(&a, 120, 40);
    assert!(s.contains("Changed by someone else"), "{s}");
    let now = db.crm.get_event(wedding).expect("event").event;
    assert_eq!(now.attendees, 90, "their change stands");
    assert!(
        now.location.starts_with("53 Rue du Château"),
        "ours was not written"
    );
    // No (the default) keeps the form and our edits.
    press(&mut a, KeyCode::Enter);
    let f = ws(&a).form().expect("form kept");
    assert_eq!(
        f.form.value("location").as_deref(),
        Some("Château de Chambord")
    );
    // Saving again is refused again; Yes reloads their version into the form.
    press_ctrl(&mut a, 's');
    assert!(confirm_message(&a).is_some());
    ch(&mut a, 'y');
    let f = ws(&a).form().expect("form reloaded");
    assert_eq!(f.form.value("attendees").as_deref(), Some("90"));
    assert!(f
        .form
        .value("location")
        .is_some_and(|l| l.starts_with("53 Rue du Château")));
    assert_eq!(
        db.crm.get_event(wedding).expect("event").event.attendees,
        90
    );
}

// ---------------------------------------------------------------------------
// Sales: sign and take payments.

#[test]
fn sales_signs_a_contract_and_records_a_payment() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, '2');
    ch(&mut a, 'm');
    ch(&mut a, 'u');
    select_where(&mut a, |r| r[0] == "#2");
    assert!(offers(&a, "s") && offers(&a, "p"));
    ch(&mut a, 's');
    let msg = confirm_message(&a).expect("asks before signing");
    assert!(msg.starts_with("Sign contract #2 (Kevin Casey)?"), "{msg}");
    // Default No: Enter signs nothing.
    press(&mut a, KeyCode::Enter);
    assert!(!db.crm.get_contract(2).expect("contract").contract.signed);
    ch(&mut a, 's');
    ch(&mut a, 'y');
    let k = db.crm.get_contract(2).expect("contract").contract;
    assert!(k.signed);
    assert_eq!(toast(&a), "Contract #2 signed");
    assert!(
        !column(&a, 0).contains(&"#2".to_string()),
        "no longer in the not-signed list"
    );
    // Record a payment on it: too much first.
    ch(&mut a, 'u');
    select_where(&mut a, |r| r[0] == "#2");
    ch(&mut a, 'p');
    let f = ws(&a).form().expect("payment form");
    assert!(f.note.contains("Still due: 4 000.00 €"), "{}", f.note);
    type_text(&mut a, "5000");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "amount").expect("overpayment refused at the amount");
    assert!(err.contains("4 000.00 €"), "{err}");
    assert!(screen(&a).contains("4 000.00 €"), "{}", screen(&a));
    assert_eq!(
        db.crm.get_contract(2).expect("c").contract.due_cents,
        400_000
    );
    // A proper amount.
    clear_field(&mut a);
    type_text(&mut a, "1 500,50");
    press_ctrl(&mut a, 's');
    assert_eq!(
        confirm_message(&a).as_deref(),
        Some("Record 1 500.50 € on contract #2 (Kevin Casey)?")
    );
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none(), "saved: {}", toast(&a));
    assert!(toast(&a).contains("2 499.50 € still due"), "{}", toast(&a));
    assert_eq!(
        db.crm.get_contract(2).expect("c").contract.due_cents,
        249_950
    );
    assert_eq!(selected_row(&a)[3], "2 499.50 €", "the table shows it");
}

/// `e`, `s`, `p`, `x` follow the selected row: offered (in the status bar and the
/// help) and working only where the policy lets this user change that record.
#[test]
fn record_keys_are_offered_only_on_rows_the_policy_allows() {
    let db = demo_db();
    // Sales edits their own clients, not Anne's.
    let mut b = logged_in(&db, BILL);
    select_where(&mut b, |r| r[4] == "Anne Roy");
    assert!(!offers(&b, "e"), "Anne's client");
    ch(&mut b, 'e');
    assert!(ws(&b).form().is_none(), "e does nothing here");
    select_where(&mut b, |r| r[4] == "Bill Boquet");
    assert!(offers(&b, "e"));
    ch(&mut b, 'e');
    assert!(ws(&b).form().is_some());
    press(&mut b, KeyCode::Esc);
    // Contracts: sign and pay only their own clients', sign only unsigned ones.
    ch(&mut b, '2');
    select_where(&mut b, |r| r[0] == "#4");
    assert_eq!(selected_row(&b)[5], "Anne Roy");
    for k in ["e", "s", "p"] {
        assert!(!offers(&b, k), "{k} on Anne's contract");
    }
    ch(&mut b, 'p');
    ch(&mut b, 's');
    assert!(ws(&b).top().is_none());
    select_where(&mut b, |r| r[0] == "#1");
    assert!(offers(&b, "p") && offers(&b, "e"));
    assert!(!offers(&b, "s"), "already signed");
    select_where(&mut b, |r| r[0] == "#2");
    assert!(offers(&b, "s"));
    // The detail view agrees.
    select_where(&mut b, |r| r[0] == "#4");
    press(&mut b, KeyCode::Enter);
    assert_eq!(
        ws(&b).detail().map(|d| d.title.as_str()),
        Some("Contract #4 · Lou Bouzin")
    );
    assert!(!offers(&b, "p") && !offers(&b, "e"));
    ch(&mut b, 'p');
    assert!(ws(&b).form().is_none());

    // Support edits the events assigned to them only.
    let mut k = logged_in(&db, KATE);
    select_where(&mut k, |r| r[5] == "— none —");
    assert!(!offers(&k, "e"));
    ch(&mut k, 'e');
    assert!(ws(&k).form().is_none());
    select_where(&mut k, |r| r[5] == "Aliénor Vichum");
    assert!(!offers(&k, "e"));
    select_where(&mut k, |r| r[5] == "Kate Hastroff");
    assert!(offers(&k, "e"));

    // Management does not edit, deactivate or reset the admin.
    let mut m = logged_in(&db, MIA);
    ch(&mut m, '4');
    select_where(&mut m, |r| r[0] == "Paul Durand");
    for key in ["e", "x", "w"] {
        assert!(!offers(&m, key), "{key} on the admin");
    }
    ch(&mut m, 'e');
    ch(&mut m, 'x');
    assert!(ws(&m).top().is_none());
    select_where(&mut m, |r| r[0] == "Anne Roy");
    for key in ["e", "x", "w"] {
        assert!(offers(&m, key), "{key} on a sales collaborator");
    }
    // The admin may.
    let mut p = logged_in(&db, PAUL);
    ch(&mut p, '4');
    select_where(&mut p, |r| r[0] == "Mia Martin");
    assert!(offers(&p, "e") && offers(&p, "x"));
}

// ---------------------------------------------------------------------------
// Management and support around an event.

#[test]
fn management_assigns_support_and_the_support_is_told() {
    let db = demo_db();
    let party = event_id_named(&db, "Cool Startup Launch Party");
    let before = {
        let k = logged_in(&db, KATE);
        ws(&k).unread
    };
    let mut m = logged_in(&db, MIA);
    ch(&mut m, '3');
    ch(&mut m, 'u');
    select_where(&mut m, |r| r[2] == "Cool Startup Launch Party");
    ch(&mut m, 'a');
    let Some(Overlay::Picker(p)) = ws(&m).top() else {
        panic!("a picker: {}", screen(&m));
    };
    let choices: Vec<String> = p.picker.matches().map(|c| c.1.clone()).collect();
    // Support staff, and "— none —" first to take support off the event.
    assert_eq!(choices.len(), 3, "support staff only: {choices:?}");
    assert_eq!(choices[0], "— none —");
    type_text(&mut m, "kat");
    let s = screen(&m);
    assert!(s.contains("Kate Hastroff"), "{s}");
    press(&mut m, KeyCode::Enter);
    assert!(ws(&m).top().is_none(), "picker closed");
    assert!(toast(&m).contains("Kate Hastroff"), "{}", toast(&m));
    let kate_id = session(&db, KATE).collaborator_id;
    assert_eq!(
        db.crm.get_event(party).expect("event").event.support_id,
        Some(kate_id)
    );
    // It left the "without support" list.
    assert!(!column(&m, 2).contains(&"Cool Startup Launch Party".to_string()));
    // Kate logs in: one more unread, shown in the tabs and the status bar.
    let k = logged_in(&db, KATE);
    assert_eq!(ws(&k).unread, before + 1);
    let s = screen(&k);
    assert!(s.contains(&format!("✉ {}", before + 1)), "{s}");
    assert!(
        s.contains(&format!("Notifications ({})", before + 1)),
        "{s}"
    );
}

#[test]
fn support_edits_their_event_but_is_not_offered_the_assignment() {
    let db = demo_db();
    let wedding = event_id_named(&db, "John Ouick Wedding");
    let mut k = logged_in(&db, KATE);
    // Mine, every time window: the wedding is in the past.
    for c in ['m', 't', 't', 't'] {
        ch(&mut k, c);
    }
    select_where(&mut k, |r| r[2] == "John Ouick Wedding");
    assert!(!offers(&k, "a"));
    ch(&mut k, 'a');
    assert!(ws(&k).top().is_none(), "a does nothing");
    press(&mut k, KeyCode::Enter);
    assert!(!offers(&k, "a"), "nor in the detail view");
    assert!(offers(&k, "e"));
    ch(&mut k, 'a');
    assert!(matches!(ws(&k).top(), Some(Overlay::Detail(_))));
    ch(&mut k, 'e');
    for _ in 0..4 {
        press(&mut k, KeyCode::Tab);
    }
    assert_eq!(
        ws(&k).form().and_then(|f| f.form.focused()),
        Some("attendees")
    );
    clear_field(&mut k);
    type_text(&mut k, "80");
    press_ctrl(&mut k, 's');
    assert!(ws(&k).form().is_none(), "saved: {}", toast(&k));
    assert_eq!(db.crm.get_event(wedding).expect("e").event.attendees, 80);
    let d = ws(&k).detail().expect("detail reloaded");
    assert!(d.lines.iter().any(|(l, v)| l == "Attendees" && v == "80"));
}

// ---------------------------------------------------------------------------
// Locking and quitting.

#[test]
fn ctrl_l_locks_back_to_the_login_screen() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    press(&mut a, KeyCode::Enter);
    press_ctrl(&mut a, 'l');
    assert!(a.workspace().is_none(), "session dropped");
    assert!(gate_message(&a).contains("Locked"));
    let s = screen(&a);
    assert!(s.contains("Log in") && s.contains("Locked"), "{s}");
    // The form is empty again: the next person logs in as themselves.
    login(&mut a, BILL);
    assert_eq!(ws(&a).session.role, Role::Sales);
}

#[test]
fn q_quits_and_asks_first_when_a_form_has_changes() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'q');
    assert!(a.should_quit);

    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    assert!(ws(&a).form().is_some());
    type_text(&mut a, "Zoé q");
    assert!(!a.should_quit, "q is typed into the field");
    assert_eq!(
        ws(&a)
            .form()
            .and_then(|f| f.form.value("full_name"))
            .as_deref(),
        Some("Zoé q")
    );
    // Ctrl-C, the same as q, asks; the default No stays.
    press_ctrl(&mut a, 'c');
    assert_eq!(
        confirm_message(&a).as_deref(),
        Some("Discard unsaved changes and quit?")
    );
    press(&mut a, KeyCode::Enter);
    assert!(!a.should_quit);
    assert!(ws(&a).form().is_some());
    press_ctrl(&mut a, 'c');
    ch(&mut a, 'y');
    assert!(a.should_quit);

    // An unchanged form does not ask.
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    press_ctrl(&mut a, 'c');
    assert!(a.should_quit);
}

#[test]
fn an_idle_session_locks_itself() {
    let db = demo_db();
    let opts = AppOptions {
        idle_timeout: Some(Duration::from_secs(15 * 60)),
        ..tui_support::opts()
    };
    let mut a = app_with(&db, opts, Keymap::defaults(), Theme::colored());
    login(&mut a, MIA);
    a.idle_since(Instant::now() - Duration::from_secs(60));
    a.settle();
    assert!(a.workspace().is_some(), "a minute is not idle");
    a.idle_since(Instant::now() - Duration::from_secs(3600));
    a.settle();
    assert!(a.workspace().is_none());
    assert!(
        gate_message(&a).contains("inactivity"),
        "{}",
        gate_message(&a)
    );

    // Without a timeout, never.
    let mut b = logged_in(&db, MIA);
    b.idle_since(Instant::now() - Duration::from_secs(24 * 3600));
    b.settle();
    assert!(b.workspace().is_some());
}

#[test]
fn a_keys_file_changes_which_key_filters() {
    let db = demo_db();
    let keymap = Keymap::from_toml_str("[events]\nwithout_support = \"w\"\n").expect("valid keys");
    let mut a = app_with(&db, tui_support::opts(), keymap, Theme::colored());
    login(&mut a, MIA);
    ch(&mut a, '3');
    let first = title(&a);
    assert!(offers(&a, "w") && !offers(&a, "u"));
    ch(&mut a, 'u');
    assert_eq!(title(&a), first, "u no longer filters");
    ch(&mut a, 'w');
    assert!(title(&a).contains("without support"), "{}", title(&a));
    let s = screen_text(&a, 120, 40);
    assert!(s.contains("w without support"), "status bar: {s}");
    // The help overlay is drawn from the same table.
    ch(&mut a, '?');
    let s = screen_text(&a, 120, 40);
    assert!(
        s.lines()
            .any(|l| l.contains(" w ") && l.contains("without support")),
        "{s}"
    );
}
