//! SPEC §3, cell by cell: each allowed and each refused action, through the
//! services on a real database, plus the pure gate on a table of cases.

mod common;

use common::*;
use epicevents::db::repo::audit::AuditFilter;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::collaborators::{CollaboratorFilter, CollaboratorSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::ListParams;
use epicevents::domain::{Cents, Role};
use epicevents::policy::{authorize, Action, Actor};
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::session::Session;

fn person(name: &str, role: Role) -> CollaboratorInput {
    CollaboratorInput {
        full_name: name.into(),
        email: format!(
            "{}@epicevents.example",
            name.to_lowercase().replace(' ', ".")
        ),
        phone: None,
        role,
    }
}

/// The collaborator's current form, for edits.
fn form_of(db: &TestDb, id: i64) -> CollaboratorInput {
    let c = db.api().get_collaborator(id).expect("get collaborator");
    CollaboratorInput {
        full_name: c.full_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        role: c.role(),
    }
}

fn renamed(db: &TestDb, id: i64, name: &str) -> CollaboratorInput {
    CollaboratorInput {
        full_name: name.into(),
        ..form_of(db, id)
    }
}

fn with_role(db: &TestDb, id: i64, role: Role) -> CollaboratorInput {
    CollaboratorInput {
        role,
        ..form_of(db, id)
    }
}

fn staff_count(db: &TestDb) -> i64 {
    db.api()
        .list_collaborators(
            &CollaboratorFilter::default(),
            CollaboratorSort::Name,
            &ListParams::default(),
        )
        .expect("list collaborators")
        .total
}

fn client_count(db: &TestDb) -> i64 {
    db.api()
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Name,
            &ListParams {
                include_archived: true,
                ..Default::default()
            },
        )
        .expect("list clients")
        .total
}

fn contract_count(db: &TestDb) -> i64 {
    db.api()
        .list_contracts(
            &ContractFilter::default(),
            ContractSort::Id,
            &ListParams {
                include_archived: true,
                ..Default::default()
            },
        )
        .expect("list contracts")
        .total
}

fn event_start() -> chrono::NaiveDateTime {
    at(2023, 6, 4, 13, 0)
}

fn event_end() -> chrono::NaiveDateTime {
    at(2023, 6, 5, 2, 0)
}

// ---------------------------------------------------------------------------
// Collaborators

fn admin_manages_every_account(db: &TestDb) {
    let s = db.staff();
    let admin2 = db
        .api()
        .create_collaborator(&s.admin, &person("Zoe Admin", Role::Admin), PASSWORD)
        .expect("admin creates an admin");
    for role in [Role::Management, Role::Sales, Role::Support] {
        db.api()
            .create_collaborator(
                &s.admin,
                &person(&format!("New {}", role.label()), role),
                PASSWORD,
            )
            .unwrap_or_else(|e| panic!("admin creates {role}: {e}"));
    }
    // Update: another admin, a manager, a promotion to admin.
    db.api()
        .update_collaborator(
            &s.admin,
            admin2,
            db.collaborator_version(admin2),
            &renamed(db, admin2, "Zoe Admin-Durand"),
        )
        .expect("admin edits another admin");
    db.api()
        .update_collaborator(
            &s.admin,
            s.manager.collaborator_id,
            db.collaborator_version(s.manager.collaborator_id),
            &renamed(db, s.manager.collaborator_id, "Mia Martin-Roy"),
        )
        .expect("admin edits a manager");
    let id = s.sales2.collaborator_id;
    db.api()
        .update_collaborator(
            &s.admin,
            id,
            db.collaborator_version(id),
            &with_role(db, id, Role::Admin),
        )
        .expect("admin promotes to admin");
    assert_eq!(
        db.api().get_collaborator(id).expect("get").role(),
        Role::Admin
    );
    // Deactivate and reactivate: another admin, a support.
    for id in [admin2, s.support2.collaborator_id] {
        db.api()
            .set_collaborator_active(
                &s.admin,
                id,
                db.collaborator_version(id),
                false,
                Handover::default(),
            )
            .expect("admin deactivates");
        assert!(!db.api().get_collaborator(id).expect("get").active);
        db.api()
            .set_collaborator_active(
                &s.admin,
                id,
                db.collaborator_version(id),
                true,
                Handover::default(),
            )
            .expect("admin reactivates");
        assert!(db.api().get_collaborator(id).expect("get").active);
    }
    // Not their own account, though.
    let me = s.admin.collaborator_id;
    denied(db.api().set_collaborator_active(
        &s.admin,
        me,
        db.collaborator_version(me),
        false,
        Handover::default(),
    ));
    denied(db.api().update_collaborator(
        &s.admin,
        me,
        db.collaborator_version(me),
        &with_role(db, me, Role::Management),
    ));
}

fn management_manages_all_but_admin_accounts(db: &TestDb) {
    let s = db.staff();
    let m = &s.manager;
    for role in [Role::Management, Role::Sales, Role::Support] {
        db.api()
            .create_collaborator(
                m,
                &person(&format!("Hired {}", role.label()), role),
                PASSWORD,
            )
            .unwrap_or_else(|e| panic!("management creates {role}: {e}"));
    }
    let before = staff_count(db);
    let reason = denied(db.api().create_collaborator(
        m,
        &person("Would Be Admin", Role::Admin),
        PASSWORD,
    ));
    assert!(reason.contains("admin"), "{reason}");
    assert_eq!(staff_count(db), before, "no admin account was created");

    // Non-admin accounts: edit, change role, deactivate, reactivate.
    let sales = s.sales.collaborator_id;
    db.api()
        .update_collaborator(
            m,
            sales,
            db.collaborator_version(sales),
            &renamed(db, sales, "Bill Boquet-Martin"),
        )
        .expect("management edits sales");
    db.api()
        .update_collaborator(
            m,
            sales,
            db.collaborator_version(sales),
            &with_role(db, sales, Role::Management),
        )
        .expect("management promotes sales to management");
    let support = s.support2.collaborator_id;
    db.api()
        .set_collaborator_active(
            m,
            support,
            db.collaborator_version(support),
            false,
            Handover::default(),
        )
        .expect("management deactivates support");
    db.api()
        .set_collaborator_active(
            m,
            support,
            db.collaborator_version(support),
            true,
            Handover::default(),
        )
        .expect("management reactivates support");

    // Admin accounts: not edited, not deactivated, nobody promoted to admin.
    let admin = s.admin.collaborator_id;
    let v = db.collaborator_version(admin);
    denied(
        db.api()
            .update_collaborator(m, admin, v, &renamed(db, admin, "Someone Else")),
    );
    denied(
        db.api()
            .update_collaborator(m, admin, v, &with_role(db, admin, Role::Sales)),
    );
    denied(
        db.api()
            .set_collaborator_active(m, admin, v, false, Handover::default()),
    );
    let a = db.api().get_collaborator(admin).expect("get admin");
    assert_eq!(
        (a.full_name.as_str(), a.role(), a.active, a.version),
        ("Paul Durand", Role::Admin, true, v),
        "the admin account is untouched"
    );
    let support = s.support.collaborator_id;
    let reason = denied(db.api().update_collaborator(
        m,
        support,
        db.collaborator_version(support),
        &with_role(db, support, Role::Admin),
    ));
    assert!(reason.contains("admin"), "{reason}");
    assert_eq!(
        db.api().get_collaborator(support).expect("get").role(),
        Role::Support
    );
}

fn sales_and_support_manage_no_account(db: &TestDb) {
    let s = db.staff();
    let before = staff_count(db);
    for who in [&s.sales, &s.support] {
        for &role in Role::ALL {
            denied(db.api().create_collaborator(
                who,
                &person(&format!("Nobody {}", role.label()), role),
                PASSWORD,
            ));
        }
        for target in [
            s.sales2.collaborator_id,
            s.support2.collaborator_id,
            who.collaborator_id,
        ] {
            let v = db.collaborator_version(target);
            denied(db.api().update_collaborator(
                who,
                target,
                v,
                &renamed(db, target, "Changed Name"),
            ));
            denied(
                db.api()
                    .set_collaborator_active(who, target, v, false, Handover::default()),
            );
            assert_eq!(db.collaborator_version(target), v, "nothing changed");
        }
        // Not even their own role.
        let me = who.collaborator_id;
        denied(db.api().update_collaborator(
            who,
            me,
            db.collaborator_version(me),
            &with_role(db, me, Role::Management),
        ));
    }
    assert_eq!(staff_count(db), before);
}

// ---------------------------------------------------------------------------
// Clients

fn only_sales_create_clients(db: &TestDb) {
    let s = db.staff();
    let id = db
        .api()
        .create_client(&s.sales, &client_input("Kevin Casey", "kevin@startup.io"))
        .expect("sales creates a client");
    assert_eq!(
        db.api()
            .get_client(id)
            .expect("get")
            .client
            .sales_contact_id,
        Some(s.sales.collaborator_id),
        "the client is the creator's"
    );
    for (i, who) in [&s.admin, &s.manager, &s.support].into_iter().enumerate() {
        denied(
            db.api()
                .create_client(who, &client_input("Nobody", &format!("no{i}@x.example"))),
        );
    }
    assert_eq!(client_count(db), 1);
}

fn client_updates_by_role(db: &TestDb) {
    let s = db.staff();
    let mine = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let theirs = db.client(&s.sales2, "Lou Bouzin", "lou@bouzin.example");
    let edit = |name: &str, email: &str| client_input(name, email);

    // Admin: details of anyone's client.
    db.api()
        .update_client(
            &s.admin,
            theirs,
            db.client_version(theirs),
            &edit("Lou Bouzin SA", "lou@bouzin.example"),
        )
        .expect("admin edits a client");
    // Sales: own client yes, someone else's no.
    db.api()
        .update_client(
            &s.sales,
            mine,
            db.client_version(mine),
            &edit("Kevin Casey Jr", "kevin@startup.io"),
        )
        .expect("sales edits own client");
    let v = db.client_version(theirs);
    let reason = denied(db.api().update_client(
        &s.sales,
        theirs,
        v,
        &edit("Hijacked", "lou@bouzin.example"),
    ));
    assert!(reason.contains("own"), "{reason}");
    // Management: details no, reassignment yes.
    denied(db.api().update_client(
        &s.manager,
        mine,
        db.client_version(mine),
        &edit("Renamed By Manager", "kevin@startup.io"),
    ));
    // Support: nothing.
    denied(db.api().update_client(
        &s.support,
        mine,
        db.client_version(mine),
        &edit("Renamed By Support", "kevin@startup.io"),
    ));
    assert_eq!(
        db.api().get_client(mine).expect("get").client.full_name,
        "Kevin Casey Jr"
    );
    assert_eq!(
        db.api().get_client(theirs).expect("get").client.full_name,
        "Lou Bouzin SA"
    );
    assert_eq!(db.client_version(theirs), v);

    // Reassigning: management and admin; not sales (even their own), not support.
    for who in [&s.sales, &s.sales2, &s.support] {
        denied(db.api().reassign_client(
            who,
            mine,
            db.client_version(mine),
            s.sales2.collaborator_id,
        ));
    }
    db.api()
        .reassign_client(
            &s.manager,
            mine,
            db.client_version(mine),
            s.sales2.collaborator_id,
        )
        .expect("management reassigns");
    assert_eq!(
        db.api()
            .get_client(mine)
            .expect("get")
            .client
            .sales_contact_id,
        Some(s.sales2.collaborator_id)
    );
    db.api()
        .reassign_client(
            &s.admin,
            mine,
            db.client_version(mine),
            s.sales.collaborator_id,
        )
        .expect("admin reassigns");
    // Only to an active sales collaborator.
    field_error(
        db.api().reassign_client(
            &s.manager,
            mine,
            db.client_version(mine),
            s.support.collaborator_id,
        ),
        "sales_contact",
    );
    // Once reassigned away, the former owner loses the right to edit.
    db.api()
        .reassign_client(
            &s.manager,
            mine,
            db.client_version(mine),
            s.sales2.collaborator_id,
        )
        .expect("reassign");
    denied(db.api().update_client(
        &s.sales,
        mine,
        db.client_version(mine),
        &edit("Kevin Again", "kevin@startup.io"),
    ));
    db.api()
        .update_client(
            &s.sales2,
            mine,
            db.client_version(mine),
            &edit("Kevin Again", "kevin@startup.io"),
        )
        .expect("the new owner edits");
}

// ---------------------------------------------------------------------------
// Contracts

fn admin_and_management_create_contracts(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    db.api()
        .create_contract(&s.admin, client, Cents(1_000_000))
        .expect("admin creates a contract");
    db.api()
        .create_contract(&s.manager, client, Cents(400_000))
        .expect("management creates a contract");
    for who in [&s.sales, &s.support] {
        denied(db.api().create_contract(who, client, Cents(100)));
    }
    assert_eq!(contract_count(db), 2);
}

/// Update, sign and pay a contract as `who`; all three must pass.
fn handle_contract(db: &TestDb, who: &Session, id: i64) {
    db.api()
        .update_contract(who, id, db.contract_version(id), Cents(900_000))
        .unwrap_or_else(|e| panic!("{:?} updates #{id}: {e}", who.role));
    db.api()
        .sign_contract(who, id, db.contract_version(id))
        .unwrap_or_else(|e| panic!("{:?} signs #{id}: {e}", who.role));
    db.api()
        .record_payment(who, id, Cents(100_000), date(2023, 5, 2))
        .unwrap_or_else(|e| panic!("{:?} records a payment on #{id}: {e}", who.role));
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.signed),
        (900_000, 800_000, true)
    );
}

/// Update, sign and pay a contract as `who`; all three must be refused, and the
/// contract must be as it was.
fn refused_contract(db: &TestDb, who: &Session, id: i64) {
    let before = db.api().get_contract(id).expect("get").contract;
    denied(
        db.api()
            .update_contract(who, id, before.version, Cents(900_000)),
    );
    denied(db.api().sign_contract(who, id, before.version));
    denied(
        db.api()
            .record_payment(who, id, Cents(100_000), date(2023, 5, 2)),
    );
    let after = db.api().get_contract(id).expect("get");
    assert_eq!(after.contract, before);
    assert!(after.payments.is_empty());
}

fn contract_updates_signing_and_payments_by_role(db: &TestDb) {
    let s = db.staff();
    let mine = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let theirs = db.client(&s.sales2, "Lou Bouzin", "lou@bouzin.example");
    // Admin and management: any contract.
    handle_contract(db, &s.admin, db.contract(&s.manager, theirs, 1_000_000));
    handle_contract(db, &s.manager, db.contract(&s.manager, mine, 1_000_000));
    handle_contract(db, &s.manager, db.contract(&s.manager, theirs, 1_000_000));
    // Sales: contracts of their own clients only.
    handle_contract(db, &s.sales, db.contract(&s.manager, mine, 1_000_000));
    refused_contract(db, &s.sales, db.contract(&s.manager, theirs, 1_000_000));
    // Support: none.
    refused_contract(db, &s.support, db.contract(&s.manager, mine, 1_000_000));
    refused_contract(db, &s.support, db.contract(&s.manager, theirs, 1_000_000));
}

// ---------------------------------------------------------------------------
// Events

fn events_are_created_by_the_sales_contact_on_signed_contracts(db: &TestDb) {
    let s = db.staff();
    let mine = db.client(&s.sales, "John Ouick", "john.ouick@gmail.example");
    let theirs = db.client(&s.sales2, "Lou Bouzin", "lou@bouzin.example");
    let signed = db.signed_contract(&s.manager, mine, 800_000);
    let unsigned = db.contract(&s.manager, mine, 400_000);
    let their_signed = db.signed_contract(&s.manager, theirs, 400_000);
    let input = event_input("John Ouick Wedding", event_start(), event_end());

    let id = db
        .api()
        .create_event(&s.sales, signed, &input)
        .expect("sales creates an event for their signed contract");
    let ev = db.api().get_event(id).expect("get").event;
    assert_eq!((ev.contract_id, ev.support_id), (signed, None));

    let err = db
        .api()
        .create_event(&s.sales, unsigned, &input)
        .expect_err("unsigned contract");
    assert!(
        err.user_message().contains("signed contract"),
        "a clear message: {}",
        err.user_message()
    );
    denied(Err::<(), _>(err));
    denied(db.api().create_event(&s.sales, their_signed, &input));
    for who in [&s.admin, &s.manager, &s.support, &s.sales2] {
        denied(db.api().create_event(who, signed, &input));
    }
    assert_eq!(db.api().get_contract(signed).expect("get").events.len(), 1);
    assert!(db
        .api()
        .get_contract(unsigned)
        .expect("get")
        .events
        .is_empty());
}

fn event_updates_by_role(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john.ouick@gmail.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let id = db.event(
        &s.sales,
        contract,
        "John Ouick Wedding",
        event_start(),
        event_end(),
    );
    db.api()
        .assign_support(
            &s.manager,
            id,
            db.event_version(id),
            Some(s.support.collaborator_id),
        )
        .expect("assign");
    let mut input = event_input("John Ouick Wedding", event_start(), event_end());
    for (who, attendees) in [(&s.admin, 80), (&s.manager, 90), (&s.support, 100)] {
        input.attendees = attendees;
        db.api()
            .update_event(who, id, db.event_version(id), &input)
            .unwrap_or_else(|e| panic!("{:?} edits the event: {e}", who.role));
        assert_eq!(
            db.api().get_event(id).expect("get").event.attendees,
            attendees
        );
    }
    input.attendees = 5;
    let v = db.event_version(id);
    for who in [&s.support2, &s.sales, &s.sales2] {
        denied(db.api().update_event(who, id, v, &input));
    }
    let ev = db.api().get_event(id).expect("get").event;
    assert_eq!((ev.attendees, ev.version), (100, v));
}

fn only_admin_and_management_assign_support(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john.ouick@gmail.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let id = db.event(
        &s.sales,
        contract,
        "John Ouick Wedding",
        event_start(),
        event_end(),
    );
    for who in [&s.sales, &s.support, &s.support2] {
        denied(
            db.api()
                .assign_support(who, id, db.event_version(id), Some(who.collaborator_id)),
        );
        denied(db.api().assign_support(
            who,
            id,
            db.event_version(id),
            Some(s.support.collaborator_id),
        ));
    }
    assert_eq!(db.api().get_event(id).expect("get").event.support_id, None);
    db.api()
        .assign_support(
            &s.manager,
            id,
            db.event_version(id),
            Some(s.support.collaborator_id),
        )
        .expect("management assigns");
    assert_eq!(
        db.api().get_event(id).expect("get").event.support_id,
        Some(s.support.collaborator_id)
    );
    // The support cannot hand their event to someone else, nor drop it.
    denied(db.api().assign_support(
        &s.support,
        id,
        db.event_version(id),
        Some(s.support2.collaborator_id),
    ));
    denied(
        db.api()
            .assign_support(&s.support, id, db.event_version(id), None),
    );
    db.api()
        .assign_support(
            &s.admin,
            id,
            db.event_version(id),
            Some(s.support2.collaborator_id),
        )
        .expect("admin assigns");
    // Only an active support collaborator can be assigned.
    field_error(
        db.api().assign_support(
            &s.manager,
            id,
            db.event_version(id),
            Some(s.sales.collaborator_id),
        ),
        "support",
    );
    db.api()
        .assign_support(&s.manager, id, db.event_version(id), None)
        .expect("management removes the assignment");
    assert_eq!(db.api().get_event(id).expect("get").event.support_id, None);
}

// ---------------------------------------------------------------------------
// Archive / restore, audit

fn archive_and_restore_by_role(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john.ouick@gmail.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let event = db.event(
        &s.sales,
        contract,
        "John Ouick Wedding",
        event_start(),
        event_end(),
    );
    let archived = |db: &TestDb| {
        (
            db.api()
                .get_client(client)
                .expect("get")
                .client
                .archived_at
                .is_some(),
            db.api()
                .get_contract(contract)
                .expect("get")
                .contract
                .archived_at
                .is_some(),
            db.api()
                .get_event(event)
                .expect("get")
                .event
                .archived_at
                .is_some(),
        )
    };
    for who in [&s.sales, &s.support] {
        denied(
            db.api()
                .set_event_archived(who, event, db.event_version(event), true),
        );
        denied(
            db.api()
                .set_contract_archived(who, contract, db.contract_version(contract), true),
        );
        denied(
            db.api()
                .set_client_archived(who, client, db.client_version(client), true),
        );
    }
    assert_eq!(archived(db), (false, false, false));
    for who in [&s.admin, &s.manager] {
        db.api()
            .set_event_archived(who, event, db.event_version(event), true)
            .expect("archive event");
        assert_eq!(archived(db), (false, false, true));
        db.api()
            .set_event_archived(who, event, db.event_version(event), false)
            .expect("restore event");
        db.api()
            .set_contract_archived(who, contract, db.contract_version(contract), true)
            .expect("archive contract");
        assert_eq!(archived(db), (false, true, true));
        // Restoring is refused to sales and support too.
        for other in [&s.sales, &s.support] {
            denied(db.api().set_contract_archived(
                other,
                contract,
                db.contract_version(contract),
                false,
            ));
        }
        db.api()
            .set_contract_archived(who, contract, db.contract_version(contract), false)
            .expect("restore contract");
        db.api()
            .set_client_archived(who, client, db.client_version(client), true)
            .expect("archive client");
        assert_eq!(archived(db), (true, true, true));
        for other in [&s.sales, &s.support] {
            denied(
                db.api()
                    .set_client_archived(other, client, db.client_version(client), false),
            );
        }
        db.api()
            .set_client_archived(who, client, db.client_version(client), false)
            .expect("restore client");
        assert_eq!(archived(db), (false, false, false));
    }
}

fn only_admin_and_management_see_the_audit_trail(db: &TestDb) {
    let s = db.staff();
    for who in [&s.admin, &s.manager] {
        let page = db
            .api()
            .list_audit(who, &AuditFilter::default(), &ListParams::default())
            .expect("audit");
        assert!(page.total >= 6, "the staff creation is in the trail");
    }
    for who in [&s.sales, &s.support] {
        denied(
            db.api()
                .list_audit(who, &AuditFilter::default(), &ListParams::default()),
        );
    }
}

// ---------------------------------------------------------------------------
// Rights follow the database, not the session

fn deactivated_mid_session_is_refused_at_next_write(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    db.api()
        .set_collaborator_active(
            &s.admin,
            s.sales.collaborator_id,
            db.collaborator_version(s.sales.collaborator_id),
            false,
            Handover {
                clients_to: Some(s.sales2.collaborator_id),
                ..Handover::default()
            },
        )
        .expect("deactivate sales");
    // The running session still exists; its next writes are refused.
    let reason = refused(
        db,
        db.api()
            .create_client(&s.sales, &client_input("Late Client", "late@x.example")),
    );
    assert!(reason.contains("deactivated"), "{reason}");
    assert_eq!(client_count(db), 1);
    assert!(!db.crm.allows(&s.sales, &Action::CreateClient));

    // A deactivated manager loses everything too, even reads of the audit trail.
    db.api()
        .set_collaborator_active(
            &s.admin,
            s.manager.collaborator_id,
            db.collaborator_version(s.manager.collaborator_id),
            false,
            Handover::default(),
        )
        .expect("deactivate manager");
    refused(db, db.api().create_contract(&s.manager, client, Cents(100)));
    refused(
        db,
        db.api().reassign_client(
            &s.manager,
            client,
            db.client_version(client),
            s.sales2.collaborator_id,
        ),
    );
    refused(
        db,
        db.api()
            .list_audit(&s.manager, &AuditFilter::default(), &ListParams::default()),
    );
    assert_eq!(contract_count(db), 0);

    // Reactivated: rights come back at once (through the server, at the next
    // login: the session ended with the deactivation).
    db.api()
        .set_collaborator_active(
            &s.admin,
            s.manager.collaborator_id,
            db.collaborator_version(s.manager.collaborator_id),
            true,
            Handover::default(),
        )
        .expect("reactivate");
    let manager = db.relogin(&s.manager);
    db.api()
        .create_contract(&manager, client, Cents(100))
        .expect("allowed again");
}

fn demoted_mid_session_loses_management_rights(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = s.manager.collaborator_id;
    db.api()
        .update_collaborator(
            &s.admin,
            id,
            db.collaborator_version(id),
            &with_role(db, id, Role::Support),
        )
        .expect("demote");
    assert_eq!(
        s.manager.role,
        Role::Management,
        "the session still says so"
    );
    refused(db, db.api().create_contract(&s.manager, client, Cents(100)));
    refused(
        db,
        db.api()
            .create_collaborator(&s.manager, &person("Hired Late", Role::Sales), PASSWORD),
    );
    refused(
        db,
        db.api().reassign_client(
            &s.manager,
            client,
            db.client_version(client),
            s.sales2.collaborator_id,
        ),
    );
    refused(
        db,
        db.api()
            .set_client_archived(&s.manager, client, db.client_version(client), true),
    );
    refused(
        db,
        db.api()
            .list_audit(&s.manager, &AuditFilter::default(), &ListParams::default()),
    );
    assert!(!db.crm.allows(&s.manager, &Action::CreateContract));
    assert_eq!(db.crm.actor(&s.manager).expect("actor").role, Role::Support);
    assert_eq!(contract_count(db), 0);

    // The other way: a support promoted to management gains the rights at once.
    let id = s.support.collaborator_id;
    db.api()
        .update_collaborator(
            &s.admin,
            id,
            db.collaborator_version(id),
            &with_role(db, id, Role::Management),
        )
        .expect("promote");
    // Through the server the role change ended the session: log in again.
    let promoted = db.relogin(&s.support);
    db.api()
        .create_contract(&promoted, client, Cents(100))
        .expect("promoted support writes contracts");
}

backend_tests!(
    admin_manages_every_account,
    management_manages_all_but_admin_accounts,
    sales_and_support_manage_no_account,
    only_sales_create_clients,
    client_updates_by_role,
    admin_and_management_create_contracts,
    contract_updates_signing_and_payments_by_role,
    events_are_created_by_the_sales_contact_on_signed_contracts,
    event_updates_by_role,
    only_admin_and_management_assign_support,
    archive_and_restore_by_role,
    only_admin_and_management_see_the_audit_trail,
    deactivated_mid_session_is_refused_at_next_write,
    demoted_mid_session_loses_management_rights,
);

// ---------------------------------------------------------------------------
// The pure gate, on a table of cases (no database).

const ME: i64 = 1;
const OTHER: i64 = 2;

fn can(role: Role, action: Action) -> bool {
    authorize(
        &Actor {
            id: ME,
            role,
            active: true,
        },
        &action,
    )
    .is_ok()
}

#[test]
fn authorize_table() {
    use Action::*;
    use Role::*;
    let mine = Some(ME);
    let theirs = Some(OTHER);
    // (action, [admin, management, sales, support])
    let table: Vec<(Action, [bool; 4])> = vec![
        (
            CreateCollaborator { role: Admin },
            [true, false, false, false],
        ),
        (
            CreateCollaborator { role: Management },
            [true, true, false, false],
        ),
        (
            CreateCollaborator { role: Sales },
            [true, true, false, false],
        ),
        (
            CreateCollaborator { role: Support },
            [true, true, false, false],
        ),
        (
            UpdateCollaborator {
                target_id: OTHER,
                current: Sales,
                new: Sales,
            },
            [true, true, false, false],
        ),
        (
            UpdateCollaborator {
                target_id: OTHER,
                current: Sales,
                new: Admin,
            },
            [true, false, false, false],
        ),
        (
            UpdateCollaborator {
                target_id: OTHER,
                current: Admin,
                new: Admin,
            },
            [true, false, false, false],
        ),
        (
            UpdateCollaborator {
                target_id: OTHER,
                current: Admin,
                new: Support,
            },
            [true, false, false, false],
        ),
        (
            UpdateCollaborator {
                target_id: ME,
                current: Sales,
                new: Management,
            },
            [true, true, false, false],
        ),
        (
            SetCollaboratorActive {
                target_id: OTHER,
                role: Support,
            },
            [true, true, false, false],
        ),
        (
            SetCollaboratorActive {
                target_id: OTHER,
                role: Admin,
            },
            [true, false, false, false],
        ),
        (
            SetCollaboratorActive {
                target_id: ME,
                role: Management,
            },
            [false, false, false, false],
        ),
        (CreateClient, [false, false, true, false]),
        (
            UpdateClientDetails { owner: mine },
            [true, false, true, false],
        ),
        (
            UpdateClientDetails { owner: theirs },
            [true, false, false, false],
        ),
        (
            UpdateClientDetails { owner: None },
            [true, false, false, false],
        ),
        (ReassignClient { owner: mine }, [true, true, false, false]),
        (ReassignClient { owner: theirs }, [true, true, false, false]),
        (CreateContract, [true, true, false, false]),
        (UpdateContract { owner: mine }, [true, true, true, false]),
        (UpdateContract { owner: theirs }, [true, true, false, false]),
        (UpdateContract { owner: None }, [true, true, false, false]),
        (SignContract { owner: mine }, [true, true, true, false]),
        (SignContract { owner: theirs }, [true, true, false, false]),
        (RecordPayment { owner: mine }, [true, true, true, false]),
        (RecordPayment { owner: theirs }, [true, true, false, false]),
        (CorrectPayment, [true, true, false, false]),
        (ImportEvents, [true, true, false, false]),
        (
            CreateEvent {
                owner: mine,
                contract_signed: true,
            },
            [false, false, true, false],
        ),
        (
            CreateEvent {
                owner: mine,
                contract_signed: false,
            },
            [false, false, false, false],
        ),
        (
            CreateEvent {
                owner: theirs,
                contract_signed: true,
            },
            [false, false, false, false],
        ),
        (UpdateEvent { support: mine }, [true, true, false, true]),
        (UpdateEvent { support: theirs }, [true, true, false, false]),
        (UpdateEvent { support: None }, [true, true, false, false]),
        (AssignSupport, [true, true, false, false]),
        (Archive, [true, true, false, false]),
        (Restore, [true, true, false, false]),
        (ViewAudit, [true, true, false, false]),
        (ReadNotification { recipient: ME }, [true, true, true, true]),
        (
            ReadNotification { recipient: OTHER },
            [false, false, false, false],
        ),
        (
            ChangeOwnPassword { target_id: ME },
            [true, true, true, true],
        ),
        (
            ChangeOwnPassword { target_id: OTHER },
            [false, false, false, false],
        ),
    ];
    let mut wrong = Vec::new();
    for (action, expected) in &table {
        for (role, want) in Role::ALL.iter().zip(expected) {
            if can(*role, *action) != *want {
                wrong.push(format!("{role} {action:?}: expected {want}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "policy disagrees with SPEC §3:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn authorize_refuses_inactive_actors_everything() {
    use Action::*;
    let actions = [
        CreateClient,
        CreateContract,
        AssignSupport,
        Archive,
        ViewAudit,
        ReadNotification { recipient: ME },
        ChangeOwnPassword { target_id: ME },
        UpdateEvent { support: Some(ME) },
    ];
    for &role in Role::ALL {
        let actor = Actor {
            id: ME,
            role,
            active: false,
        };
        for a in &actions {
            let err = authorize(&actor, a).expect_err("inactive actor");
            assert!(err.reason.contains("deactivated"), "{}", err.reason);
        }
    }
}

#[test]
fn permits_name_who_was_authorised() {
    let p = authorize(
        &Actor {
            id: 42,
            role: Role::Management,
            active: true,
        },
        &Action::CreateContract,
    )
    .expect("allowed");
    assert_eq!(p.actor_id(), 42);
}
