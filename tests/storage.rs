//! Migrations, constraints and round trips on both backends.

mod common;

use common::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::ListParams;
use epicevents::domain::Role;
use epicevents::services::clients::ClientInput;

fn migrations_run_from_empty_and_are_idempotent(db: &TestDb) {
    assert!(db.crm.needs_first_admin().expect("count"));
    db.crm
        .db()
        .migrate()
        .expect("second migration run is a no-op");
    let admin = db.admin();
    assert_eq!(admin.role, Role::Admin);
    assert!(!db.crm.needs_first_admin().expect("count"));
}

fn client_round_trip_and_filter(db: &TestDb) {
    let s = db.staff();
    let input = ClientInput {
        full_name: "Kevin Casey".into(),
        email: "Kevin@Startup.io".into(),
        phone: "+678 123 456 78".into(),
        company_name: "Cool Startup LLC".into(),
        first_contact: date(2021, 4, 18),
        last_contact: date(2023, 3, 29),
    };
    let id = db
        .crm
        .create_client(&s.sales, &input)
        .expect("create client");
    let detail = db.crm.get_client(id).expect("get");
    assert_eq!(detail.client.email, "kevin@startup.io");
    assert_eq!(detail.sales_contact_name.as_deref(), Some("Bill Boquet"));
    let page = db
        .crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("cool casey"),
        )
        .expect("list");
    assert_eq!(page.total, 1);
    let page = db
        .crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("boquet ke"),
        )
        .expect("list");
    assert_eq!(
        page.total, 1,
        "sales contact's name and a short term both match"
    );
    let page = db
        .crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams::default().with_filter("nobody"),
        )
        .expect("list");
    assert_eq!(page.total, 0);
}

backend_tests!(
    migrations_run_from_empty_and_are_idempotent,
    client_round_trip_and_filter
);
