//! Finding one's way, driven key by key on the demo database (clock 2023-05-01
//! 09:00 UTC): leaving an audit history, locking with a form open, sort arrows
//! on cut headers, scrolling a long detail view, and the events list's first
//! view.

mod common;
mod tui_support;

use std::time::{Duration, Instant};

use common::TestDb;
use epicevents::app::{App, AppOptions, Mode};
use epicevents::demo::DEMO_PASSWORD;
use epicevents::keymap::Keymap;
use epicevents::services::events::EventInput;
use epicevents::ui::Theme;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

fn title(app: &App) -> String {
    let w = ws(app);
    w.list()
        .title(w.all_totals[epicevents::state::slot(w.screen)].as_deref())
}

fn column(app: &App, i: usize) -> Vec<String> {
    ws(app)
        .list()
        .page
        .rows
        .iter()
        .map(|r| r[i].clone())
        .collect()
}

/// The wedding's detail view, opened from the events list.
fn open_wedding(a: &mut App) {
    ch(a, '3');
    if ws(a).list().filter_text.is_empty() {
        filter(a, "ouick wedding");
    }
    press(a, KeyCode::Enter);
    assert!(ws(a).detail().is_some(), "{}", screen(a));
}

#[test]
fn an_audit_history_is_left_with_esc_or_by_choosing_a_screen() {
    let db = demo_db();
    let id = event_id_named(&db, "John Ouick Wedding");
    let history = format!("history of event #{id}");
    let mut a = logged_in(&db, MIA);

    // h, then 6: the whole trail.
    open_wedding(&mut a);
    ch(&mut a, 'h');
    assert!(title(&a).contains(&history), "{}", title(&a));
    ch(&mut a, '6');
    assert!(!title(&a).contains("history"), "{}", title(&a));
    let all = ws(&a).list().page.total;
    assert!(all > 1);

    // h, then Esc: one key back to the whole trail.
    open_wedding(&mut a);
    ch(&mut a, 'h');
    assert!(title(&a).contains(&history));
    assert!(ws(&a).list().page.total < all);
    press(&mut a, KeyCode::Esc);
    assert!(!title(&a).contains("history"), "{}", title(&a));
    assert_eq!(ws(&a).list().page.total, all);

    // h, then another screen and back: no history either.
    open_wedding(&mut a);
    ch(&mut a, 'h');
    press(&mut a, KeyCode::Tab);
    ch(&mut a, '6');
    assert!(!title(&a).contains("history"), "{}", title(&a));
}

#[test]
fn ctrl_l_asks_before_dropping_an_unsaved_form() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    type_text(&mut a, "Zoé");
    press_ctrl(&mut a, 'l');
    assert_eq!(
        confirm_message(&a).as_deref(),
        Some("Discard unsaved changes and lock?")
    );
    // No (the default) keeps the form as it was.
    press(&mut a, KeyCode::Enter);
    let f = ws(&a).form().expect("form kept");
    assert_eq!(f.form.value("full_name").as_deref(), Some("Zoé"));
    press_ctrl(&mut a, 'l');
    ch(&mut a, 'y');
    assert!(a.workspace().is_none(), "locked");

    // An unchanged form does not ask.
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    press_ctrl(&mut a, 'l');
    assert!(a.workspace().is_none());
}

fn idle_app(db: &TestDb) -> App {
    let opts = AppOptions {
        idle_timeout: Some(Duration::from_secs(15 * 60)),
        ..tui_support::opts()
    };
    app_with(db, opts, Keymap::defaults(), Theme::colored())
}

fn go_idle(a: &mut App) {
    a.idle_since(Instant::now() - Duration::from_secs(3600));
    a.settle();
    assert!(matches!(a.mode, Mode::Gate(_)), "locked");
}

#[test]
fn the_idle_lock_keeps_a_form_for_the_same_person_only() {
    let db = demo_db();
    let mut a = idle_app(&db);
    login(&mut a, BILL);
    ch(&mut a, 'n');
    type_text(&mut a, "Zoé Idle");
    go_idle(&mut a);
    login_as(&mut a, BILL, DEMO_PASSWORD);
    a.settle();
    let f = ws(&a).form().expect("the form is back");
    assert_eq!(f.form.value("full_name").as_deref(), Some("Zoé Idle"));
    assert!(screen(&a).contains("Zoé Idle"), "{}", screen(&a));
    assert!(toast(&a).contains("unsaved form is back"), "{}", toast(&a));

    // Someone else logs in: nothing of it, and it is gone for good.
    go_idle(&mut a);
    login_as(&mut a, ANNE, DEMO_PASSWORD);
    a.settle();
    assert!(ws(&a).form().is_none());
    assert!(!screen(&a).contains("Zoé Idle"));
    go_idle(&mut a);
    login_as(&mut a, BILL, DEMO_PASSWORD);
    a.settle();
    assert!(ws(&a).form().is_none());
}

#[test]
fn a_cut_header_keeps_its_sort_arrow() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    a.size = (80, 24);
    // Clients: o three times sorts by the last contact, a narrow column.
    for _ in 0..3 {
        ch(&mut a, 'o');
    }
    let s = screen(&a);
    assert!(s.contains("Last cont… ▲"), "{s}");
    ch(&mut a, 'O');
    assert!(screen(&a).contains("Last cont… ▼"));
    // Events: attendees.
    ch(&mut a, '3');
    for _ in 0..4 {
        ch(&mut a, 'o');
    }
    let s = screen(&a);
    assert!(s.contains("At… ▲"), "{s}");
}

#[test]
fn the_sales_contact_and_support_columns_sort() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    let fold = epicevents::domain::text::fold;
    // Clients: o four times is the sales contact.
    for _ in 0..4 {
        ch(&mut a, 'o');
    }
    assert!(screen_text(&a, 120, 40).contains("Sales contact ▲"));
    let names: Vec<String> = column(&a, 4).iter().map(|n| fold(n)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.first() != names.last(), "{names:?}");
    ch(&mut a, 'O');
    let mut back: Vec<String> = column(&a, 4).iter().map(|n| fold(n)).collect();
    back.reverse();
    assert_eq!(back, sorted);
    // Contracts: o five times is the client's sales contact.
    ch(&mut a, '2');
    for _ in 0..5 {
        ch(&mut a, 'o');
    }
    assert!(screen_text(&a, 120, 40).contains("Sales contact ▲"));
    let names: Vec<String> = column(&a, 5).iter().map(|n| fold(n)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // Events: o five times is the support; events without one come first.
    ch(&mut a, '3');
    ch(&mut a, 't');
    ch(&mut a, 't');
    ch(&mut a, 't');
    for _ in 0..5 {
        ch(&mut a, 'o');
    }
    assert!(screen_text(&a, 120, 40).contains("Support ▲"));
    let support = column(&a, 5);
    assert_eq!(support.first().map(String::as_str), Some("— none —"));
    let named: Vec<String> = support
        .iter()
        .filter(|s| s.as_str() != "— none —")
        .map(|n| fold(n))
        .collect();
    let mut sorted = named.clone();
    sorted.sort();
    assert_eq!(named, sorted, "{support:?}");
    assert!(
        support.iter().any(|s| s == "Aliénor Vichum")
            && support.iter().any(|s| s == "Kate Hastroff")
    );
}

#[test]
fn a_long_detail_view_scrolls_and_wraps_under_its_values() {
    let db = demo_db();
    let id = event_id_named(&db, "John Ouick Wedding");
    let paul = db.crm.login(PAUL, DEMO_PASSWORD).expect("paul");
    let e = db.crm.get_event(id).expect("event").event;
    let mut notes: Vec<String> = (1..=20).map(|i| format!("Note line {i}")).collect();
    notes.push(format!(
        "A long last line {}",
        "word ".repeat(30).trim_end()
    ));
    db.crm
        .update_event(
            &paul,
            id,
            e.version,
            &EventInput {
                name: e.name.clone(),
                starts_at: e.starts_at,
                ends_at: e.ends_at,
                location: e.location.clone(),
                attendees: e.attendees,
                notes: notes.join("\n"),
            },
        )
        .expect("long notes");
    let mut a = logged_in(&db, MIA);
    a.size = (80, 24);
    open_wedding(&mut a);
    let s = screen(&a);
    assert!(s.contains("Name") && !s.contains("Updated"), "{s}");
    assert!(s.contains("↓ more"), "{s}");
    // j reads on down the fields until the last one shows.
    for _ in 0..40 {
        if screen(&a).contains("Updated") {
            break;
        }
        ch(&mut a, 'j');
    }
    let s = screen(&a);
    assert!(s.contains("Updated") && s.contains("version"), "{s}");
    // The long line wraps under its value, not under the labels.
    let lines: Vec<&str> = s.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains("A long last line"))
        .expect("the long line on screen");
    let column = lines[first].find("A long").expect("value column");
    let next = lines[first + 1];
    assert_eq!(
        next.find("word"),
        Some(column),
        "the continuation starts under the value:\n{s}"
    );
    assert!(next[..column].trim_start_matches('│').trim().is_empty());
    // The related list is still one key away at the end, and k goes back up.
    for _ in 0..60 {
        ch(&mut a, 'k');
    }
    assert!(screen(&a).contains("Note line 1"));
    assert!(!screen(&a).contains("Updated"));

    // The audit's Changes panel says the new notes go on beyond it.
    ch(&mut a, '6');
    let s = screen(&a);
    assert!(s.contains("… continues"), "{s}");
}

#[test]
fn events_open_on_what_is_to_come_and_the_past_reads_back() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    assert!(
        title(&a).starts_with("Events · upcoming · "),
        "{}",
        title(&a)
    );
    let starts = column(&a, 0);
    assert!(!starts.is_empty());
    assert!(
        starts.iter().all(|s| s.as_str() > "2023-05-01 09:00"),
        "{starts:?}"
    );
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "soonest first");
    assert!(screen(&a).contains("Start ▲"));

    // Without support: still only what is to come.
    ch(&mut a, 'u');
    assert!(
        title(&a).starts_with("Events · without support · upcoming · "),
        "{}",
        title(&a)
    );
    assert!(column(&a, 0)
        .iter()
        .all(|s| s.as_str() > "2023-05-01 09:00"));
    ch(&mut a, 'u');

    // t: ongoing, then past, newest first.
    ch(&mut a, 't');
    ch(&mut a, 't');
    assert!(title(&a).starts_with("Events · past · "), "{}", title(&a));
    let starts = column(&a, 0);
    assert!(starts.len() > 1, "{starts:?}");
    assert!(starts.iter().all(|s| s.as_str() < "2023-05-01 09:00"));
    let mut newest_first = starts.clone();
    newest_first.sort();
    newest_first.reverse();
    assert_eq!(starts, newest_first, "the latest first");
    assert!(screen(&a).contains("Start ▼"), "{}", screen(&a));
    // t again: everything.
    ch(&mut a, 't');
    assert!(!title(&a).contains("past") && !title(&a).contains("upcoming"));
}
