//! A picker opens on the current value, on the demo (SQLite file): `a` on an
//! event with support highlights that person, on one without "— none —";
//! `c` on a client highlights its sales contact.

mod common;
mod tui_support;

use epicevents::app::App;
use epicevents::state::Overlay;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// The id highlighted in the picker on top.
fn highlighted(a: &App) -> Option<i64> {
    match a.workspace().and_then(|w| w.top()) {
        Some(Overlay::Picker(p)) => p.picker.selected().map(|(id, _)| *id),
        other => panic!("no picker on top: {other:?}"),
    }
}

/// Moves the table's selection to the first row whose facts satisfy `want`;
/// returns that row's fact.
fn select_row(
    a: &mut App,
    want: impl Fn(&epicevents::state::list::RowFacts) -> Option<i64>,
) -> i64 {
    let l = a.workspace().expect("logged in").list();
    let (i, v) = l
        .page
        .facts
        .iter()
        .enumerate()
        .find_map(|(i, f)| want(f).map(|v| (i, v)))
        .expect("a row to try on");
    for _ in 0..i {
        ch(a, 'j');
    }
    v
}

#[test]
fn assigning_support_opens_on_the_present_support() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    // Every event, so that some have support and some do not.
    while !a
        .workspace()
        .expect("logged in")
        .list()
        .filters
        .labels(epicevents::action::Screen::Events)
        .is_empty()
    {
        ch(&mut a, 't');
    }
    let support = select_row(&mut a, |f| f.support);
    ch(&mut a, 'a');
    assert_eq!(highlighted(&a), Some(support), "{}", screen(&a));
    // Moving in the picker is not undone by the next tick.
    ch(&mut a, 'k');
    let moved = highlighted(&a);
    a.settle();
    assert_eq!(highlighted(&a), moved);
    press(&mut a, KeyCode::Esc);

    // An event without support: "— none —" (id 0).
    ch(&mut a, 'g');
    select_row(&mut a, |f| f.support.is_none().then_some(0));
    ch(&mut a, 'a');
    assert_eq!(highlighted(&a), Some(0), "{}", screen(&a));
}

#[test]
fn changing_the_sales_contact_opens_on_the_present_one() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    let rows = a.workspace().expect("logged in").list().page.ids.len();
    let mut not_first = 0;
    for _ in 0..rows {
        let l = a.workspace().expect("logged in").list();
        let Some(owner) = l.selected_facts().and_then(|f| f.owner) else {
            ch(&mut a, 'j');
            continue;
        };
        ch(&mut a, 'c');
        assert_eq!(highlighted(&a), Some(owner), "{}", screen(&a));
        if let Some(Overlay::Picker(p)) = a.workspace().and_then(|w| w.top()) {
            if p.picker.matches().next().map(|(id, _)| *id) != Some(owner) {
                not_first += 1;
            }
        }
        press(&mut a, KeyCode::Esc);
        ch(&mut a, 'j');
    }
    assert!(
        not_first > 0,
        "some client's contact is not the first choice"
    );
}
