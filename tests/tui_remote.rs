//! The terminal in team mode: the same App, its worker calling the real HTTPS
//! client of a server started in the test (over PostgreSQL). Logging in, reading
//! lists and opening a record go through the server; a session the server ends
//! sends the user back to the login screen with the reason.

mod common;
mod tui_support;

use epicevents::api::SharedApi;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn the_terminal_works_through_the_server_and_leaves_when_the_session_ends() {
    utc();
    let db = common::TestDb::remote();
    epicevents::demo::load(&db.crm, 0).expect("demo");
    let api: SharedApi = db.remote_parts().expect("remote").client.clone();
    let mut app = epicevents::app::App::new(
        api,
        opts(),
        epicevents::keymap::Keymap::defaults(),
        epicevents::ui::Theme::colored(),
    );
    app.use_worker();
    app.settle();

    login_home(&mut app, "mia.martin@epicevents.example");
    ch(&mut app, '1');
    let clients = screen_text(&app, 120, 40);
    assert!(clients.contains("Kevin Casey"), "{clients}");
    assert!(clients.contains("Lou Bouzin"), "{clients}");

    // An admin resets Mia's password: the server ends her sessions at once.
    let paul = db
        .crm
        .login(
            "paul.durand@epicevents.example",
            epicevents::demo::DEMO_PASSWORD,
        )
        .expect("admin");
    let mia_id = app.workspace().expect("logged in").session.collaborator_id;
    db.crm
        .reset_password(&paul, mia_id, "Quartz-Lantern-4812!")
        .expect("reset");
    ch(&mut app, 'r');
    app.settle();
    assert!(app.workspace().is_none(), "back at the login screen");
    let gate = screen_text(&app, 120, 40);
    assert!(gate.contains("session has ended"), "{gate}");
    assert!(gate.contains("Log in"), "{gate}");
    press(&mut app, KeyCode::Esc);
}
