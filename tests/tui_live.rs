//! The terminal with live updates: what a colleague commits shows up without
//! a key — the visible list, and a warning in a form editing the same record
//! before its user saves.

mod common;
mod tui_support;

use std::time::{Duration, Instant};

use epicevents::app::App;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// Lets the app run on its own (no key) until `done` holds or `within` passes,
/// as the terminal's loop would: answers delivered, ticks run.
fn wait_for(app: &mut App, within: Duration, mut done: impl FnMut(&App) -> bool) -> Duration {
    let t = Instant::now();
    while t.elapsed() < within {
        app.poll_answers();
        app.tick();
        if done(app) {
            return t.elapsed();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!(
        "not on screen after {within:?}:\n{}",
        screen_text(app, 120, 40)
    );
}

fn visible(app: &App, text: &str) -> bool {
    screen_text(app, 120, 40).contains(text)
}

#[test]
fn a_colleagues_write_refreshes_the_list_and_warns_an_open_form() {
    let db = demo_db();
    let mut app = logged_in(&db, BILL);
    // Let the subscription open before the colleague writes.
    let _ = wait_for(&mut app, Duration::from_secs(5), |_| true);
    std::thread::sleep(Duration::from_millis(200));
    app.poll_answers();
    assert!(!visible(&app, "Zoé Live"));

    // Bill's colleague Anne (another collaborator, her own session) adds a client.
    let anne = db
        .crm
        .login(ANNE, epicevents::demo::DEMO_PASSWORD)
        .expect("Anne");
    let id = db
        .crm
        .create_client(
            &anne,
            &common::client_input("Zoé Live", "zoe.live@example.com"),
        )
        .expect("Anne's client");
    let took = wait_for(&mut app, Duration::from_secs(2), |a| visible(a, "Zoé Live"));
    println!("a colleague's new client on screen after {took:?}, no key pressed");

    // Bill opens one of his own clients for editing…
    let mine = epicevents::services::query::ClientFilter::default();
    let page = db
        .crm
        .list_clients(
            &mine,
            epicevents::services::query::ClientSort::Name,
            &epicevents::services::query::ListParams {
                limit: 200,
                ..Default::default()
            },
        )
        .expect("clients");
    let bill_id = app.workspace().expect("in").session.collaborator_id;
    let target = page
        .rows
        .iter()
        .find(|r| r.client.sales_contact_id == Some(bill_id))
        .expect("a client of Bill's")
        .client
        .clone();
    let name = target.full_name.clone();
    // Filter the table down to it and open the edit form.
    ch(&mut app, '/');
    type_text(&mut app, &name);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'e');
    assert!(
        visible(&app, &name) && app.workspace().and_then(|w| w.form()).is_some(),
        "{}",
        screen_text(&app, 120, 40)
    );
    assert!(!visible(&app, "just changed this record"));

    // …while a manager reassigns it (same record, new version).
    let mia = db
        .crm
        .login(MIA, epicevents::demo::DEMO_PASSWORD)
        .expect("Mia");
    db.crm
        .reassign_client(&mia, target.id, target.version, anne.collaborator_id)
        .expect("reassign");
    let took = wait_for(&mut app, Duration::from_secs(2), |a| {
        visible(a, "just changed this record")
    });
    println!("the edit form warned after {took:?}");
    let text = screen_text(&app, 120, 40);
    assert!(text.contains("Mia Martin"), "says who: {text}");
    assert!(
        app.workspace().and_then(|w| w.form()).is_some(),
        "the form stays open"
    );
    let _ = id;
}

/// Two terminals on one team server: what one collaborator commits reaches
/// the other's screen through `GET /v1/changes`, untouched.
#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn through_the_server_a_colleagues_write_shows_without_a_key() {
    utc();
    let db = common::TestDb::remote();
    epicevents::demo::load(&db.crm, 0).expect("demo");
    let api: epicevents::api::SharedApi = db.remote_parts().expect("remote").client.clone();
    let mut app = App::new(
        api,
        opts(),
        epicevents::keymap::Keymap::defaults(),
        epicevents::ui::Theme::colored(),
    );
    app.use_worker();
    app.settle();
    login(&mut app, BILL);
    let _ = wait_for(&mut app, Duration::from_secs(5), |_| true);
    std::thread::sleep(Duration::from_millis(300));
    app.poll_answers();
    assert!(!visible(&app, "Zoé Remote"));

    // Anne writes from another workstation (here: straight on the database the
    // server uses; the server hears of it by LISTEN like any other write).
    let anne = db
        .crm
        .login(ANNE, epicevents::demo::DEMO_PASSWORD)
        .expect("Anne");
    db.crm
        .create_client(
            &anne,
            &common::client_input("Zoé Remote", "zoe.remote@example.com"),
        )
        .expect("Anne's client");
    let took = wait_for(&mut app, Duration::from_secs(2), |a| {
        visible(a, "Zoé Remote")
    });
    println!("through the server: on screen after {took:?}");
}
