//! The demo data of SPEC §6 on both backends: the brief's examples, exactly.

mod common;

use common::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort};
use epicevents::db::repo::ListParams;
use epicevents::demo::{self, DEMO_PASSWORD};
use epicevents::domain::time::show_local;
use epicevents::domain::Cents;

fn demo_loads_the_brief_and_is_idempotent(db: &TestDb) {
    let report = demo::load(&db.crm, 5).expect("load demo");
    assert!(report.loaded);
    assert!(demo::is_loaded(&db.crm).expect("check"));
    let again = demo::load(&db.crm, 5).expect("second load");
    assert!(!again.loaded, "a second run adds nothing");

    let clients = db
        .crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default(),
        )
        .expect("clients");
    assert_eq!(clients.total as usize, report.clients);

    let kevin = db
        .crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("kevin casey"),
        )
        .expect("kevin");
    assert_eq!(kevin.rows.len(), 1);
    let k = &kevin.rows[0];
    assert_eq!(k.client.company_name, "Cool Startup LLC");
    assert_eq!(k.client.phone, "+678 123 456 78");
    assert_eq!(k.client.first_contact.to_string(), "2021-04-18");
    assert_eq!(k.client.last_contact.to_string(), "2023-03-29");
    assert_eq!(k.sales_contact_name.as_deref(), Some("Bill Boquet"));

    let detail = db.crm.get_client(k.client.id).expect("detail");
    let mut contracts: Vec<(i64, i64, bool)> = detail
        .contracts
        .iter()
        .map(|c| {
            (
                c.contract.total_cents,
                c.contract.due_cents,
                c.contract.signed,
            )
        })
        .collect();
    contracts.sort();
    assert_eq!(
        contracts,
        vec![(400_000, 400_000, false), (1_000_000, 750_000, true)]
    );

    let john = db
        .crm
        .list_contracts(
            &ContractFilter::default(),
            ContractSort::Id,
            &ListParams::default().with_filter("john ouick"),
        )
        .expect("john");
    assert_eq!(john.rows.len(), 1);
    assert_eq!(john.rows[0].contract.total(), Cents(800_000));
    assert_eq!(john.rows[0].contract.due(), Cents(0));

    let wedding = db
        .crm
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams::default().with_filter("ouick wedding"),
        )
        .expect("wedding");
    assert_eq!(wedding.rows.len(), 1);
    let w = &wedding.rows[0];
    assert_eq!(w.support_name.as_deref(), Some("Kate Hastroff"));
    assert_eq!(w.event.attendees, 75);
    assert_eq!(show_local(w.event.starts_at), "2023-06-04 13:00");
    assert_eq!(show_local(w.event.ends_at), "2023-06-05 02:00");
    assert!(w.event.location.contains("Candé-sur-Beuvron"));

    let assembly = db
        .crm
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams::default().with_filter("bouzin assembly"),
        )
        .expect("assembly");
    assert_eq!(
        assembly.rows[0].support_name.as_deref(),
        Some("Aliénor Vichum")
    );
    assert_eq!(assembly.rows[0].event.attendees, 200);

    let launch = db
        .crm
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams::default().with_filter("launch party"),
        )
        .expect("launch");
    assert_eq!(launch.rows.len(), 1);
    assert_eq!(launch.rows[0].support_name, None);
    assert_eq!((launch.rows[0].event.starts_at - db.now()).num_days(), 30);

    let bill = db
        .crm
        .login("bill.boquet@epicevents.example", DEMO_PASSWORD)
        .expect("demo login");
    assert_eq!(bill.name, "Bill Boquet");
}

fn demo_refuses_a_database_with_other_accounts(db: &TestDb) {
    db.crm
        .create_first_admin(&epicevents::services::auth::NewAccount {
            full_name: "Someone Else".into(),
            email: "someone@elsewhere.example".into(),
            phone: None,
            password: PASSWORD.into(),
        })
        .expect("first admin");
    let err = demo::load(&db.crm, 0).expect_err("not empty");
    assert!(err.to_string().contains("empty database"), "{err}");
}

backend_tests!(
    demo_loads_the_brief_and_is_idempotent,
    demo_refuses_a_database_with_other_accounts
);
