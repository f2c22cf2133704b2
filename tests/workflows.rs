//! Each department's day (SPEC §1–§3, §5), played with the default keys on the real
//! App, on SQLite and on PostgreSQL. The database is checked through the services
//! after each step: what the screen says happened did happen.

mod common;
#[path = "support/ui.rs"]
mod ui;

use common::*;
use epicevents::action::Action;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort};
use epicevents::db::repo::ListParams;
use epicevents::demo::{self, DEMO_PASSWORD};
use epicevents::domain::{Cents, Role};
use epicevents::services::collaborators::Handover;
use epicevents::session::Session;
use ratatui::crossterm::event::KeyCode;
use ui::Ui;

const BILL: &str = "bill.boquet@epicevents.example";
const ANNE: &str = "anne.roy@epicevents.example";
const MIA: &str = "mia.martin@epicevents.example";
const KATE: &str = "kate.hastroff@epicevents.example";
const ALIENOR: &str = "alienor.vichum@epicevents.example";

fn demo(db: &TestDb) {
    demo::load(&db.crm, 0).expect("demo");
}

fn client_named(db: &TestDb, name: &str) -> epicevents::db::models::Client {
    let p = ListParams {
        include_archived: true,
        ..Default::default()
    }
    .with_filter(name);
    let page = db
        .crm
        .list_clients(&ClientFilter::default(), ClientSort::Name, &p)
        .expect("clients");
    page.rows.into_iter().next().expect("client exists").client
}

fn contracts_of(db: &TestDb, client: i64) -> Vec<epicevents::db::models::Contract> {
    let f = ContractFilter {
        client: Some(client),
        ..Default::default()
    };
    let p = ListParams {
        include_archived: true,
        ..Default::default()
    };
    db.crm
        .list_contracts(&f, ContractSort::Id, &p)
        .expect("contracts")
        .rows
        .into_iter()
        .map(|r| r.contract)
        .collect()
}

fn session_of(db: &TestDb, email: &str, password: &str) -> Session {
    db.crm.login(email, password).expect("login")
}

/// Sales: a new client (theirs), edit it, filter contracts, sign, take a payment
/// (overpayment refused with the amount due), create an event on a signed contract.
fn sales_day(db: &TestDb) {
    demo(db);
    let mut ui = Ui::new(&db.crm);
    ui.login(BILL, DEMO_PASSWORD);

    // New client: it becomes Bill's.
    ui.ch('1').ch('n');
    ui.type_text("Zoé Martin")
        .key(KeyCode::Tab)
        .type_text("zoe@martin.fr")
        .key(KeyCode::Tab);
    ui.type_text("06 12 34 56 78")
        .key(KeyCode::Tab)
        .type_text("Martin SARL")
        .ctrl('s');
    assert!(ui.toast().contains("created"), "{}", ui.toast());
    let zoe = client_named(db, "zoe martin");
    assert_eq!(ui.detail().map(|d| d.id), Some(zoe.id));
    let bill = session_of(db, BILL, DEMO_PASSWORD);
    assert_eq!(zoe.sales_contact_id, Some(bill.collaborator_id));

    // Only my clients; edit mine.
    ui.key(KeyCode::Esc).ch('m');
    assert!(ui.title().contains("my clients"), "{}", ui.title());
    assert_eq!(ui.total(), 3, "Kevin, John and Zoé");
    ui.filter("zoe").ch('e');
    ui.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .type_text(" et Fils")
        .ctrl('s');
    assert!(ui.toast().contains("saved"), "{}", ui.toast());
    assert_eq!(
        client_named(db, "zoe martin").company_name,
        "Martin SARL et Fils"
    );

    // Contracts: not signed, mine → Kevin's 4 000 € contract; sign it.
    ui.ch('2').ch('m').ch('u');
    assert!(
        ui.title().contains("not signed") && ui.title().contains("my clients"),
        "{}",
        ui.title()
    );
    assert_eq!(ui.total(), 1);
    ui.ch('s');
    assert!(ui.has_confirm(), "signing asks first");
    ui.ch('y');
    assert!(ui.toast().contains("signed"), "{}", ui.toast());
    let kevin = client_named(db, "kevin casey");
    let signed: Vec<_> = contracts_of(db, kevin.id)
        .into_iter()
        .filter(|k| k.total_cents == 400_000)
        .collect();
    assert!(signed[0].signed);
    assert_eq!(signed[0].signed_by_id, Some(bill.collaborator_id));

    // Balance due; a payment on the 10 000 € contract: overpayment refused.
    ui.ch('u').ch('b').filter("kevin");
    assert!(ui.title().contains("balance due"), "{}", ui.title());
    ui.ch('g');
    assert_eq!(ui.selected_row()[2], Cents(1_000_000).display());
    ui.ch('p').type_text("8000").ctrl('s');
    let err = ui
        .field_error("amount")
        .expect("overpayment refused at the field");
    assert!(err.contains("7 500.00 €"), "{err}");
    ui.clear_field().type_text("2 500,00").ctrl('s');
    assert!(ui.has_confirm(), "a payment is confirmed first");
    ui.ch('y');
    assert!(ui.toast().contains("recorded"), "{}", ui.toast());
    let big = contracts_of(db, kevin.id)
        .into_iter()
        .find(|k| k.total_cents == 1_000_000)
        .expect("contract");
    assert_eq!(big.due_cents, 500_000);

    // An event on a signed contract of mine.
    ui.ch('3').ch('n').key(KeyCode::Enter);
    assert!(ui.has_picker(), "contract picker");
    ui.type_text("kevin").key(KeyCode::Enter);
    ui.type_text("Kevin Casey Gala")
        .key(KeyCode::Tab)
        .type_text("2023-07-01 18:00")
        .key(KeyCode::Tab);
    ui.type_text("2023-07-01 23:30")
        .key(KeyCode::Tab)
        .type_text("Château de Blois")
        .key(KeyCode::Tab);
    ui.type_text("50").ctrl('s');
    assert!(
        ui.toast().contains("created"),
        "{} / {:?}",
        ui.toast(),
        ui.form().map(|f| f
            .form
            .fields()
            .iter()
            .filter_map(|x| x.error())
            .collect::<Vec<_>>())
    );
    let p = ListParams::default().with_filter("kevin casey gala");
    let ev = db
        .crm
        .list_events(&EventFilter::default(), EventSort::Start, &p)
        .expect("events");
    assert_eq!(ev.rows.len(), 1);
    assert_eq!(ev.rows[0].event.attendees, 50);

    // Refused on an unsigned contract: not offered in the TUI, refused by the service.
    let mia = session_of(db, MIA, DEMO_PASSWORD);
    let unsigned = db
        .crm
        .create_contract(&mia, kevin.id, Cents(100_000))
        .expect("contract");
    let input = event_input("Too early", at(2023, 8, 1, 10, 0), at(2023, 8, 1, 12, 0));
    let msg = denied(db.crm.create_event(&bill, unsigned, &input));
    assert!(msg.contains("signed contract"), "{msg}");
    ui.ch('2')
        .ch('b')
        .filter(&format!("#{unsigned}"))
        .key(KeyCode::Enter);
    assert_eq!(
        ui.detail().map(|d| d.id),
        Some(unsigned),
        "{}",
        ui.screen_text()
    );
    assert!(
        !ui.app.offered(Action::New),
        "no event offered on an unsigned contract"
    );
}

/// Management: a new collaborator (must change the initial password), a contract
/// for any client, edit it, events without support, assign support (notified).
fn management_day(db: &TestDb) {
    demo(db);
    let mut ui = Ui::new(&db.crm);
    ui.login(MIA, DEMO_PASSWORD);

    ui.ch('4').ch('n');
    ui.type_text("Hugo Blanc")
        .key(KeyCode::Tab)
        .type_text("hugo.blanc@epicevents.example")
        .key(KeyCode::Tab);
    ui.key(KeyCode::Tab).key(KeyCode::Enter);
    assert!(ui.has_picker(), "role picker");
    ui.type_text("supp").key(KeyCode::Enter);
    ui.type_text("Initial-Pass-2023-xyz!").ctrl('s');
    assert!(ui.toast().contains("created as EE-0007"), "{}", ui.toast());
    let hugo = db
        .crm
        .login("hugo.blanc@epicevents.example", "Initial-Pass-2023-xyz!")
        .expect("new account logs in");
    assert_eq!(hugo.role, Role::Support);
    assert!(hugo.must_change_password);

    // A contract for any client, then edited.
    ui.key(KeyCode::Esc).ch('2').ch('n').key(KeyCode::Enter);
    ui.type_text("lou bouzin")
        .key(KeyCode::Enter)
        .type_text("1 500,00")
        .ctrl('s');
    assert!(ui.toast().contains("created"), "{}", ui.toast());
    let lou = client_named(db, "lou bouzin");
    let new = contracts_of(db, lou.id)
        .into_iter()
        .find(|k| k.total_cents == 150_000)
        .expect("new contract");
    assert_eq!(ui.detail().map(|d| d.id), Some(new.id));
    ui.ch('e').clear_field().type_text("1600").ctrl('s');
    assert!(ui.toast().contains("saved"), "{}", ui.toast());
    assert_eq!(
        contracts_of(db, lou.id)
            .into_iter()
            .find(|k| k.id == new.id)
            .map(|k| k.total_cents),
        Some(160_000)
    );

    // Events without support → assign Hugo with the picker.
    ui.key(KeyCode::Esc).ch('3').ch('u');
    assert!(ui.title().contains("without support"), "{}", ui.title());
    assert_eq!(ui.total(), 1, "the launch party");
    ui.ch('a');
    assert!(ui.has_picker());
    ui.type_text("hugo").key(KeyCode::Enter);
    assert!(ui.toast().contains("assigned"), "{}", ui.toast());
    assert_eq!(ui.total(), 0);
    assert_eq!(db.crm.unread_notifications(&hugo).expect("count"), 1);

    // Hugo logs in: first a new password.
    ui.ctrl('l');
    ui.login("hugo.blanc@epicevents.example", "Initial-Pass-2023-xyz!");
    assert!(
        ui.form()
            .is_some_and(|f| f.form.field("current_password").is_some()),
        "forced password change"
    );
    ui.type_text("Initial-Pass-2023-xyz!")
        .key(KeyCode::Tab)
        .type_text("Hugo-Own-Secret-77!");
    ui.key(KeyCode::Tab)
        .type_text("Hugo-Own-Secret-77!")
        .ctrl('s');
    assert!(ui.toast().contains("Password changed"), "{}", ui.toast());
    assert!(db
        .crm
        .login("hugo.blanc@epicevents.example", "Hugo-Own-Secret-77!")
        .is_ok());
}

/// Support: my events, upcoming first; edit mine but not the assignment; a
/// reminder for mine within 7 days.
fn support_day(db: &TestDb) {
    demo(db);
    let mut ui = Ui::new(&db.crm);
    ui.login(ALIENOR, DEMO_PASSWORD);
    // 1 May 2023: the general assembly (5 May) is within 7 days.
    let me = session_of(db, ALIENOR, DEMO_PASSWORD);
    let inbox = db
        .crm
        .list_notifications(&me, false, &ListParams::default())
        .expect("inbox");
    assert!(
        inbox.rows.iter().any(|n| n.kind == "starts_soon"),
        "{:?}",
        inbox.rows
    );

    ui.ch('3').ch('m');
    assert!(
        ui.title().contains("assigned to me") && ui.title().contains("upcoming"),
        "{}",
        ui.title()
    );
    assert_eq!(ui.total(), 1);
    assert!(ui.selected_row()[2].contains("General Assembly"));
    assert!(
        !ui.app.offered(Action::AssignSupport),
        "support does not assign"
    );
    ui.ch('a');
    assert!(!ui.has_picker());

    ui.ch('e')
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .type_text(" (salle B)")
        .ctrl('s');
    assert!(ui.toast().contains("saved"), "{}", ui.toast());
    let p = ListParams::default().with_filter("general assembly");
    let ev = db
        .crm
        .list_events(&EventFilter::default(), EventSort::Start, &p)
        .expect("events");
    assert_eq!(
        ev.rows[0].event.location,
        "Salle des fêtes de Mufflins (salle B)"
    );

    // Someone else's event: editing is not offered, and the service refuses it.
    ui.ch('m').ch('t').ch('t').ch('t').filter("wedding");
    assert!(!ui.app.offered(Action::Edit), "not offered on Kate's event");
    ui.ch('e');
    assert!(ui.form().is_none());
    let p = ListParams::default().with_filter("ouick wedding");
    let w = db
        .crm
        .list_events(&EventFilter::default(), EventSort::Start, &p)
        .expect("events");
    let e = &w.rows[0].event;
    let input = event_input("X", e.starts_at, e.ends_at);
    let msg = denied(db.crm.update_event(&me, e.id, e.version, &input));
    assert!(msg.contains("only edit events assigned to you"), "{msg}");
    assert_eq!(w.rows[0].event.version, 2, "unchanged since its assignment");
}

/// Staff changes: deactivation hands over clients, blocks login and a running
/// session at its next write; reactivation.
fn staff_changes(db: &TestDb) {
    demo(db);
    let kate_running = session_of(db, KATE, DEMO_PASSWORD);
    let mut ui = Ui::new(&db.crm);
    ui.login(MIA, DEMO_PASSWORD);

    ui.ch('4').filter("anne").ch('x');
    let f = ui.form().expect("hand-over form");
    assert!(f.form.field("clients_to").is_some());
    ui.ctrl('s');
    assert!(ui
        .field_error("clients_to")
        .is_some_and(|e| e.contains("choose who takes them over")));
    ui.key(KeyCode::Enter)
        .type_text("bill")
        .key(KeyCode::Enter)
        .ctrl('s');
    assert!(ui.toast().contains("deactivated"), "{}", ui.toast());
    assert!(matches!(
        db.crm.login(ANNE, DEMO_PASSWORD),
        Err(epicevents::Error::Inactive)
    ));
    let bill = session_of(db, BILL, DEMO_PASSWORD);
    assert_eq!(
        client_named(db, "lou bouzin").sales_contact_id,
        Some(bill.collaborator_id)
    );

    // Kate is deactivated while her session runs: her next write is refused.
    let mia = session_of(db, MIA, DEMO_PASSWORD);
    let alienor = session_of(db, ALIENOR, DEMO_PASSWORD);
    let kate_v = db
        .crm
        .get_collaborator(kate_running.collaborator_id)
        .expect("kate")
        .version;
    db.crm
        .set_collaborator_active(
            &mia,
            kate_running.collaborator_id,
            kate_v,
            false,
            Handover {
                events_to: Some(alienor.collaborator_id),
                ..Default::default()
            },
        )
        .expect("deactivate kate");
    let p = ListParams::default().with_filter("ouick wedding");
    let w = &db
        .crm
        .list_events(&EventFilter::default(), EventSort::Start, &p)
        .expect("events")
        .rows[0];
    assert_eq!(
        w.event.support_id,
        Some(alienor.collaborator_id),
        "upcoming event handed over"
    );
    let input = event_input("Renamed", w.event.starts_at, w.event.ends_at);
    let msg = denied(
        db.crm
            .update_event(&kate_running, w.event.id, w.event.version, &input),
    );
    assert!(msg.contains("deactivated"), "{msg}");

    // Reactivate Anne (the kept filter still shows her; Esc would drop it).
    ui.ch('x');
    assert!(ui.has_confirm());
    ui.ch('y');
    assert!(ui.toast().contains("reactivated"), "{}", ui.toast());
    assert!(db.crm.login(ANNE, DEMO_PASSWORD).is_ok());
}

/// Archive a client (its contracts and events follow), show archived, restore.
fn archive_and_restore(db: &TestDb) {
    demo(db);
    let mut ui = Ui::new(&db.crm);
    ui.login(MIA, DEMO_PASSWORD);
    ui.ch('1').filter("kevin").ch('D');
    assert!(ui.has_confirm());
    ui.key(KeyCode::Enter);
    assert!(!ui.has_confirm());
    assert_eq!(ui.total(), 1, "Enter on the default (No) keeps it");
    ui.ch('D').ch('y');
    assert!(ui.toast().contains("archived"), "{}", ui.toast());
    assert_eq!(ui.total(), 0);
    let kevin = client_named(db, "kevin casey");
    assert!(contracts_of(db, kevin.id)
        .iter()
        .all(|k| k.archived_at.is_some()));
    ui.ch('2').filter("kevin");
    assert_eq!(ui.total(), 0, "its contracts are hidden");
    ui.ch('A');
    assert_eq!(ui.total(), 2, "A shows archived");

    ui.ch('1').ch('A').key(KeyCode::Enter);
    assert!(ui.detail().is_some_and(|d| d.archived));
    ui.ch('R').ch('y');
    assert!(ui.toast().contains("restored"), "{}", ui.toast());
    assert!(contracts_of(db, kevin.id)
        .iter()
        .all(|k| k.archived_at.is_none()));
    assert!(ui.detail().is_some_and(|d| !d.archived));
}

/// The inbox: newest first, Enter opens the record and marks it read.
fn notifications_inbox(db: &TestDb) {
    demo(db);
    let kate = session_of(db, KATE, DEMO_PASSWORD);
    let before = db.crm.unread_notifications(&kate).expect("count");
    assert!(before >= 1, "assigned to the wedding");
    let mut ui = Ui::new(&db.crm);
    ui.login(KATE, DEMO_PASSWORD);
    assert_eq!(ui.app.workspace().map(|w| w.unread), Some(before));
    ui.ch('5');
    assert!(
        ui.selected_row()[2].contains("Wedding"),
        "{:?}",
        ui.selected_row()
    );
    ui.key(KeyCode::Enter);
    assert!(ui
        .detail()
        .is_some_and(|d| d.title.contains("John Ouick Wedding")));
    assert_eq!(
        db.crm.unread_notifications(&kate).expect("count"),
        before - 1
    );
    assert_eq!(ui.app.workspace().map(|w| w.unread), Some(before - 1));
}

/// The audit trail: for management, filterable, reachable from a record's history.
fn audit_trail(db: &TestDb) {
    demo(db);
    let mut ui = Ui::new(&db.crm);
    ui.login(BILL, DEMO_PASSWORD);
    ui.ch('6');
    assert!(
        !ui.title().starts_with("Audit"),
        "sales has no audit screen"
    );
    assert!(!ui
        .app
        .offered(Action::GoScreen(epicevents::action::Screen::Audit)));
    ui.ctrl('l');
    ui.login(MIA, DEMO_PASSWORD);
    ui.ch('6');
    assert!(ui.title().starts_with("Audit"), "{}", ui.title());
    ui.filter("sign");
    assert!(ui.total() >= 3, "three demo contracts were signed");
    ui.key(KeyCode::Esc)
        .ch('3')
        .filter("wedding")
        .key(KeyCode::Enter)
        .ch('h');
    assert!(ui.title().contains("history of event #"), "{}", ui.title());
    let text = ui.screen_text();
    assert!(text.contains("assign support"), "{text}");
    assert!(text.contains("Kate Hastroff"), "{text}");
}

backend_tests!(
    sales_day,
    management_day,
    support_day,
    staff_changes,
    archive_and_restore,
    notifications_inbox,
    audit_trail
);
