//! What is offered is what the policy allows, and a key that does nothing says
//! why: archived records are read-only until restored, support can be taken off
//! an event, and actions the policy would refuse are not offered only to fail.
//! Driven key by key on the demo database (clock 2023-05-01 09:00 UTC).

mod common;
mod tui_support;

use common::TestDb;
use epicevents::app::App;
use epicevents::demo::DEMO_PASSWORD;
use epicevents::domain::Role;
use epicevents::services::collaborators::CollaboratorInput;
use epicevents::state::Overlay;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

fn title(app: &App) -> String {
    let w = ws(app);
    w.list()
        .title(w.all_totals[epicevents::state::slot(w.screen)].as_deref())
}

fn select_where(app: &mut App, pred: impl Fn(&[String]) -> bool) {
    ch(app, 'g');
    for _ in 0..ws(app).list().page.total {
        if pred(&selected_row(app)) {
            return;
        }
        ch(app, 'j');
    }
    assert!(pred(&selected_row(app)), "no such row");
}

fn client_id_named(db: &TestDb, name: &str) -> i64 {
    let p = epicevents::db::repo::ListParams::default().with_filter(name);
    db.crm
        .list_clients(&Default::default(), Default::default(), &p)
        .expect("clients")
        .rows
        .into_iter()
        .find(|r| r.client.full_name == name)
        .map(|r| r.client.id)
        .unwrap_or_else(|| panic!("no client {name}"))
}

fn archive_event(db: &TestDb, name: &str) -> i64 {
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let id = event_id_named(db, name);
    let v = db.crm.get_event(id).expect("event").event.version;
    db.crm
        .set_event_archived(&mia, id, v, true)
        .expect("archived");
    id
}

#[test]
fn an_archived_event_is_read_only_until_restored() {
    let db = demo_db();
    archive_event(&db, "Cool Startup Launch Party");
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '3');
    let live = ws(&a).list().page.total;
    ch(&mut a, 'A');
    // The count includes the archived ones on show.
    assert_eq!(ws(&a).list().page.total, live + 1);
    let t = title(&a);
    assert!(t.contains("with archived"), "{t}");
    assert!(!t.contains("in all"), "no count that leaves them out: {t}");
    select_where(&mut a, |r| r[2].starts_with("Cool Startup Launch Party"));
    // Not offered on the row; pressed anyway, the status line says why.
    assert!(!offers(&a, "e") && !offers(&a, "a"));
    ch(&mut a, 'e');
    assert!(ws(&a).form().is_none());
    assert!(
        toast(&a).contains("read-only until restored"),
        "{}",
        toast(&a)
    );
    ch(&mut a, 'a');
    assert!(ws(&a).top().is_none(), "no picker");
    assert!(toast(&a).contains("read-only"), "{}", toast(&a));
    // Its detail: read-only, and R is how it comes back.
    press(&mut a, KeyCode::Enter);
    assert!(ws(&a).detail().is_some_and(|d| d.archived));
    assert!(!offers(&a, "e") && !offers(&a, "a") && !offers(&a, "D"));
    assert!(offers(&a, "R"));
    let s = screen_text(&a, 120, 40);
    assert!(s.contains("archived, read-only"), "{s}");
    ch(&mut a, 'e');
    assert!(ws(&a).form().is_none());
    assert!(toast(&a).contains("(R restores)"), "{}", toast(&a));
    ch(&mut a, 'R');
    ch(&mut a, 'y');
    assert!(toast(&a).contains("restored"), "{}", toast(&a));
    ch(&mut a, 'r');
    assert!(ws(&a).detail().is_some_and(|d| !d.archived));
    assert!(offers(&a, "e") && offers(&a, "a"));
}

#[test]
fn sales_cannot_edit_or_restore_an_archived_client_and_are_told_so() {
    let db = demo_db();
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let john = client_id_named(&db, "John Ouick");
    let v = db.crm.get_client(john).expect("client").client.version;
    db.crm
        .set_client_archived(&mia, john, v, true)
        .expect("archived");
    let mut b = logged_in(&db, BILL);
    ch(&mut b, 'A');
    select_where(&mut b, |r| r[0].starts_with("John Ouick"));
    assert!(!offers(&b, "e"));
    ch(&mut b, 'e');
    assert!(ws(&b).form().is_none());
    assert!(
        toast(&b).contains("management can restore it"),
        "{}",
        toast(&b)
    );
    press(&mut b, KeyCode::Enter);
    let s = screen_text(&b, 120, 40);
    assert!(!s.contains("R restores"), "{s}");
    assert!(s.contains("read-only"), "{s}");
    assert!(!offers(&b, "R") && !offers(&b, "e"));
    ch(&mut b, 'R');
    assert!(
        toast(&b).contains("Only management archives or restores records"),
        "{}",
        toast(&b)
    );
    assert!(db
        .crm
        .get_client(john)
        .expect("client")
        .client
        .archived_at
        .is_some());
}

#[test]
fn management_takes_the_support_off_an_event() {
    let db = demo_db();
    let wedding = event_id_named(&db, "John Ouick Wedding");
    assert!(db
        .crm
        .get_event(wedding)
        .expect("event")
        .event
        .support_id
        .is_some());
    let mut m = logged_in(&db, MIA);
    ch(&mut m, '3');
    filter(&mut m, "ouick wedding");
    ch(&mut m, 'a');
    let Some(Overlay::Picker(p)) = ws(&m).top() else {
        panic!("a picker: {}", screen(&m));
    };
    let first = p.picker.matches().next().map(|c| c.1.clone());
    assert_eq!(first.as_deref(), Some("— none —"));
    assert!(screen(&m).contains("— none —"));
    // The picker may open on the current support: the first row is "none".
    press(&mut m, KeyCode::PageUp);
    press(&mut m, KeyCode::Enter);
    assert!(
        toast(&m).contains(&format!("Event #{wedding} has no support now")),
        "{}",
        toast(&m)
    );
    assert_eq!(
        db.crm.get_event(wedding).expect("event").event.support_id,
        None
    );
}

#[test]
fn keys_the_policy_refuses_say_why_instead_of_doing_nothing() {
    let db = demo_db();
    // Sales: someone else's client.
    let mut b = logged_in(&db, BILL);
    select_where(&mut b, |r| r[0] == "Lou Bouzin");
    assert!(!offers(&b, "e"));
    ch(&mut b, 'e');
    assert!(ws(&b).form().is_none());
    assert_eq!(toast(&b), "You may only edit your own clients");
    // n on an unsigned contract of one's own.
    ch(&mut b, '2');
    select_where(&mut b, |r| {
        r.iter().any(|c| c == "no") && r.iter().any(|c| c.contains("Kevin Casey"))
    });
    press(&mut b, KeyCode::Enter);
    assert!(ws(&b).detail().is_some_and(|d| !d.signed));
    assert!(!offers(&b, "n"));
    ch(&mut b, 'n');
    assert!(ws(&b).form().is_none());
    assert_eq!(
        toast(&b),
        "An event can only be created for a signed contract"
    );

    // Support: someone else's event.
    let mut k = logged_in(&db, KATE);
    select_where(&mut k, |r| r[2] == "Lou Bouzin General Assembly");
    assert!(!offers(&k, "e"));
    ch(&mut k, 'e');
    assert!(ws(&k).form().is_none());
    assert_eq!(toast(&k), "You may only edit events assigned to you");

    // Management: x on one's own account is not offered, and says why.
    let mut m = logged_in(&db, MIA);
    ch(&mut m, '4');
    select_where(&mut m, |r| r.iter().any(|c| c == "Mia Martin"));
    assert!(!offers(&m, "x"));
    ch(&mut m, 'x');
    assert!(ws(&m).form().is_none() && ws(&m).top().is_none());
    assert_eq!(toast(&m), "You cannot deactivate your own account");
}

#[test]
fn deactivating_someone_with_nothing_to_hand_over_just_asks() {
    let db = demo_db();
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let id = db
        .crm
        .create_collaborator(
            &mia,
            &CollaboratorInput {
                full_name: "Zoé Nouvelle".into(),
                email: "zoe.nouvelle@epicevents.example".into(),
                phone: None,
                role: Role::Sales,
            },
            "a long enough password 42!",
        )
        .expect("created");
    let mut m = logged_in(&db, MIA);
    ch(&mut m, '4');
    select_where(&mut m, |r| r.iter().any(|c| c == "Zoé Nouvelle"));
    ch(&mut m, 'x');
    assert!(ws(&m).form().is_none(), "no hand-over form");
    let msg = confirm_message(&m).expect("a question");
    assert!(
        msg.contains("Zoé Nouvelle") && msg.contains("no clients"),
        "{msg}"
    );
    ch(&mut m, 'y');
    assert!(toast(&m).contains("deactivated"), "{}", toast(&m));
    assert!(!db.crm.get_collaborator(id).expect("collaborator").active);
}

#[test]
fn a_form_is_not_reopened_for_a_record_one_no_longer_owns() {
    let db = demo_db();
    let john = client_id_named(&db, "John Ouick");
    let mut b = logged_in(&db, BILL);
    select_where(&mut b, |r| r[0] == "John Ouick");
    ch(&mut b, 'e');
    assert!(ws(&b).form().is_some());
    type_text(&mut b, "x");
    // Meanwhile management gives John to Anne.
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let anne = db.crm.login(ANNE, DEMO_PASSWORD).expect("anne");
    let v = db.crm.get_client(john).expect("client").client.version;
    db.crm
        .reassign_client(&mia, john, v, anne.collaborator_id)
        .expect("reassigned");
    press_ctrl(&mut b, 's');
    assert!(confirm_message(&b).is_some(), "the conflict question");
    ch(&mut b, 'y');
    assert!(ws(&b).form().is_none(), "the form is closed");
    assert!(
        toast(&b).contains("You may only edit your own clients"),
        "{}",
        toast(&b)
    );
    // Nothing of the edit was written.
    let c = db.crm.get_client(john).expect("client").client;
    assert_eq!(c.full_name, "John Ouick");
}
