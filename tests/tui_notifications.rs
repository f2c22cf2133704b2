//! The notifications screen at the keyboard, on the demo (SQLite file): Space
//! marks the row read and moves on to the next, Space on a read row makes it
//! unread again, and `unread_only` (bound here by a keys file, `u`) shows the
//! unread ones only. Marking unread is the owner's alone.

mod common;
mod tui_support;

use diesel::prelude::*;
use epicevents::action::Screen;
use epicevents::app::App;
use epicevents::db::schema::notifications;
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// Whether notification `id` is unread, in the database.
fn unread_in_db(db: &common::TestDb, id: i64) -> bool {
    db.crm
        .db()
        .read(|c| {
            Ok(notifications::table
                .find(id)
                .select(notifications::read_at)
                .first::<Option<chrono::NaiveDateTime>>(c)?)
        })
        .expect("read_at")
        .is_none()
}

fn unread_count_in_db(db: &common::TestDb, recipient: i64) -> usize {
    db.crm
        .db()
        .read(|c| {
            Ok(notifications::table
                .filter(notifications::recipient_id.eq(recipient))
                .filter(notifications::read_at.is_null())
                .count()
                .get_result::<i64>(c)?)
        })
        .expect("count") as usize
}

fn selected(a: &App) -> (usize, i64) {
    let l = a.workspace().expect("logged in").list();
    (l.selected, l.selected_id().expect("a row"))
}

fn title(a: &App) -> String {
    let w = a.workspace().expect("logged in");
    w.list().title(None)
}

#[test]
fn space_marks_read_and_moves_on_space_again_makes_it_unread_and_u_shows_unread_only() {
    let db = demo_db();
    let keymap = Keymap::from_toml_str("[notifications]\nunread_only = \"u\"\n").expect("keys");
    let mut a = app_with(&db, opts(), keymap, Theme::colored());
    login(&mut a, KATE);
    ch(&mut a, '5');
    assert_eq!(a.screen(), Some(Screen::Notifications));
    let me = a.workspace().expect("logged in").session.collaborator_id;
    let unread = unread_count_in_db(&db, me);
    assert!(unread >= 2, "the demo gives Kate unread notifications");

    // Space: the first row is read, the selection is on the second.
    let (at, first) = selected(&a);
    assert_eq!(at, 0);
    assert!(unread_in_db(&db, first));
    press(&mut a, KeyCode::Char(' '));
    assert!(!unread_in_db(&db, first), "Space marked it read");
    let (at, second) = selected(&a);
    assert_eq!(at, 1, "and moved on");
    assert_ne!(second, first);
    assert_eq!(unread_count_in_db(&db, me), unread - 1);
    assert_eq!(a.workspace().map(|w| w.unread), Some((unread - 1) as i64));

    // Back up: Space on a read row makes it unread again.
    ch(&mut a, 'k');
    assert_eq!(selected(&a), (0, first));
    press(&mut a, KeyCode::Char(' '));
    assert!(unread_in_db(&db, first), "Space made it unread");
    assert_eq!(selected(&a).0, 1);
    assert_eq!(unread_count_in_db(&db, me), unread);

    // Unread only: the title says so and every row is unread.
    ch(&mut a, 'u');
    assert!(title(&a).contains("unread"), "{}", title(&a));
    let l = a.workspace().expect("logged in").list();
    assert_eq!(l.page.total, unread, "{}", title(&a));
    assert!(l.page.facts.iter().all(|f| f.unread));
    // Read among unread only: the row leaves, the next takes its place.
    ch(&mut a, 'g');
    let (_, top) = selected(&a);
    press(&mut a, KeyCode::Char(' '));
    assert!(!unread_in_db(&db, top));
    let l = a.workspace().expect("logged in").list();
    assert_eq!(l.page.total, unread - 1);
    assert_eq!(l.selected, 0);
    assert!(!l.page.ids.contains(&top));
    // Again: all of them.
    ch(&mut a, 'u');
    assert!(!title(&a).contains("unread"), "{}", title(&a));
    let now_unread = unread_count_in_db(&db, me);
    assert!(a.workspace().expect("logged in").list().page.total > now_unread);
}

#[test]
fn only_the_owner_marks_a_notification_unread() {
    let db = demo_db();
    let kate = db
        .crm
        .login(KATE, epicevents::demo::DEMO_PASSWORD)
        .expect("kate");
    let mia = db
        .crm
        .login(MIA, epicevents::demo::DEMO_PASSWORD)
        .expect("mia");
    let page = db
        .crm
        .list_notifications(&kate, false, &Default::default())
        .expect("inbox");
    let n = page.rows.first().expect("a notification").id;
    db.crm.mark_notification_read(&kate, n).expect("read");
    let refused = db.crm.mark_notification_unread(&mia, n);
    assert!(refused.is_err(), "{refused:?}");
    assert!(!unread_in_db(&db, n), "still read");
    db.crm.mark_notification_unread(&kate, n).expect("unread");
    assert!(unread_in_db(&db, n));
}
