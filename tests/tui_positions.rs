//! Where am I in a long list: the table's title gives the selected row's position
//! and the exact total once the worker has counted it (`1 of 21 003`, not
//! `10 000+`); `G` lands on the true last row; PgDn/PgUp/j/k go on past the loaded
//! rows in both directions without a jump; `g` comes back to the first. Keys go
//! through the App and its worker, on 21 000+ clients, on SQLite, PostgreSQL and
//! through the team server.

mod common;
mod tui_support;

use common::TestDb;
use diesel::prelude::*;
use epicevents::app::App;
use epicevents::db::schema::clients;
use epicevents::services::query::group_thousands;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

const CLIENTS: usize = 21_000;
const SIZE: (u16, u16) = (120, 40);

/// The demo staff and 21 000 generated clients; every live client's id in the
/// order of the Clients screen (folded name, then id), read straight from the
/// table.
fn big_db(db: &TestDb) -> Vec<i64> {
    utc();
    epicevents::demo::load(&db.crm, 0).expect("demo staff");
    epicevents::demo::bulk::generate(db.crm.db(), CLIENTS, 0, 7, |_, _, _| {})
        .expect("bulk clients");
    let mut rows: Vec<(String, i64)> = db
        .crm
        .db()
        .read(|c| {
            Ok(clients::table
                .filter(clients::archived_at.is_null())
                .select((clients::sort_name, clients::id))
                .load(c)?)
        })
        .expect("plain scan");
    rows.sort();
    assert!(rows.len() > 20_000, "{} clients", rows.len());
    rows.into_iter().map(|(_, id)| id).collect()
}

fn app_on(db: &TestDb) -> App {
    let mut a = match db.remote_parts() {
        Some(r) => {
            let api: epicevents::api::SharedApi = r.client.clone();
            let mut a = App::new(
                api,
                opts(),
                epicevents::keymap::Keymap::defaults(),
                epicevents::ui::Theme::colored(),
            );
            a.use_worker();
            a.settle();
            a
        }
        None => app(db),
    };
    a.size = SIZE;
    login(&mut a, MIA);
    assert_eq!(a.screen(), Some(epicevents::action::Screen::Clients));
    // The exact count is sent once the list has been still a moment.
    let capped = |a: &App| a.workspace().is_some_and(|w| w.list().page.capped);
    assert!(capped(&a), "21 000 clients are more than the capped count");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while capped(&a) && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
        a.settle();
    }
    a
}

/// The selected row's position (from 0) and id, checked against the frame:
/// the title says `n of total` and the row is on screen.
fn at(a: &App, order: &[i64], what: &str) -> usize {
    let l = a.workspace().expect("logged in").list();
    let s = l.selected;
    assert_eq!(
        l.selected_id(),
        order.get(s).copied(),
        "{what}: row {s} is the {s}th client of the plain order"
    );
    let text = screen_text(a, SIZE.0, SIZE.1);
    let want = format!(
        "{} of {}",
        group_thousands(s as i64 + 1),
        group_thousands(order.len() as i64)
    );
    assert!(text.contains(&want), "{what}: title has {want:?}\n{text}");
    assert!(!text.contains("loading"), "{what}: still loading\n{text}");
    s
}

fn positions_are_exact_and_paging_is_seamless(db: &TestDb) {
    let order = big_db(db);
    let mut a = app_on(db);
    assert_eq!(at(&a, &order, "first screen"), 0);
    let h = a.table_height();

    // Down, page by page, far past the first window and the rows kept loaded.
    for i in 1..=70 {
        press(&mut a, KeyCode::PageDown);
        assert_eq!(at(&a, &order, "PgDn"), i * h);
    }
    for i in 1..=5 {
        ch(&mut a, 'j');
        assert_eq!(at(&a, &order, "j"), 70 * h + i);
    }
    // And back up, across every window boundary again.
    for i in (0..70).rev() {
        press(&mut a, KeyCode::PageUp);
        assert_eq!(at(&a, &order, "PgUp"), i * h + 5);
    }

    // The true last row, then up past the window read from the end.
    ch(&mut a, 'G');
    assert_eq!(at(&a, &order, "G"), order.len() - 1);
    for i in 1..=300 {
        ch(&mut a, 'k');
        if i % 50 == 0 {
            assert_eq!(at(&a, &order, "k"), order.len() - 1 - i);
        }
    }
    for i in 1..=20 {
        press(&mut a, KeyCode::PageUp);
        assert_eq!(
            at(&a, &order, "PgUp from the end"),
            order.len() - 301 - i * h
        );
    }
    press(&mut a, KeyCode::End);
    assert_eq!(at(&a, &order, "End"), order.len() - 1);
    ch(&mut a, 'g');
    assert_eq!(at(&a, &order, "g"), 0);
    press(&mut a, KeyCode::End);
    press(&mut a, KeyCode::Home);
    assert_eq!(at(&a, &order, "Home"), 0);
}

backend_tests!(positions_are_exact_and_paging_is_seamless);
