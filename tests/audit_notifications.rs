//! The audit trail (one row per write, before → after, never a secret), the
//! notifications of SPEC §2, and what archiving and deactivating take with them.

mod common;

use chrono::Duration;
use common::*;
use epicevents::db::models::Notification;
use epicevents::db::repo::audit::AuditFilter;
use epicevents::db::repo::ListParams;
use epicevents::domain::{Cents, Role};
use epicevents::services::audit::AuditRow;
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::session::Session;
use epicevents::Error;

const NEW_PASSWORD: &str = "Violet-Harbour-2031?";

fn everything() -> ListParams {
    ListParams {
        limit: 10_000,
        ..Default::default()
    }
}

/// The whole trail, newest first.
fn trail(db: &TestDb, s: &Staff) -> Vec<AuditRow> {
    db.api()
        .list_audit(&s.admin, &AuditFilter::default(), &everything())
        .expect("audit")
        .rows
}

/// One record's history, newest first.
fn history(db: &TestDb, s: &Staff, entity: &str, id: i64) -> Vec<AuditRow> {
    db.api()
        .list_audit(
            &s.admin,
            &AuditFilter {
                record: Some((entity.into(), id)),
                actor: None,
            },
            &everything(),
        )
        .expect("audit")
        .rows
}

/// Checks the newest row of a record: action, actor, and the given changes
/// (field, before, after) exactly, in order.
#[track_caller]
fn last_is(
    db: &TestDb,
    s: &Staff,
    entity: &str,
    id: i64,
    action: &str,
    by: &Session,
    changes: &[(&str, Option<&str>, Option<&str>)],
) {
    let h = history(db, s, entity, id);
    let row = h
        .first()
        .unwrap_or_else(|| panic!("no audit row for {entity} #{id}"));
    assert_eq!(row.entry.action, action, "{entity} #{id}");
    assert_eq!(row.entry.actor_id, Some(by.collaborator_id));
    assert_eq!(row.actor_name, by.name);
    assert_eq!(row.entry.created_at, db.now());
    let got: Vec<(&str, Option<&str>, Option<&str>)> = row
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref()))
        .collect();
    assert_eq!(got, changes, "{entity} #{id} {action}");
}

fn inbox(db: &TestDb, who: &Session) -> Vec<Notification> {
    db.api()
        .list_notifications(who, false, &everything())
        .expect("notifications")
        .rows
}

/// (kind, entity, record) of someone's notifications, oldest first.
fn kinds(db: &TestDb, who: &Session) -> Vec<(String, String, i64)> {
    let mut v: Vec<_> = inbox(db, who)
        .into_iter()
        .map(|n| (n.kind, n.entity, n.record_id))
        .collect();
    v.reverse();
    v
}

fn n(kind: &str, entity: &str, id: i64) -> (String, String, i64) {
    (kind.to_string(), entity.to_string(), id)
}

fn some(v: &str) -> Option<&str> {
    Some(v)
}

// ---------------------------------------------------------------------------
// Audit

fn every_write_leaves_an_audit_row(db: &TestDb) {
    let s = db.staff();
    let start = trail(db, &s).len();
    let mut writes = 0;

    let client = db.client(&s.sales, "Kevin Casey", "Kevin@Startup.io");
    writes += 1;
    last_is(
        db,
        &s,
        "client",
        client,
        "create",
        &s.sales,
        &[
            ("full_name", None, some("Kevin Casey")),
            ("email", None, some("kevin@startup.io")),
            ("phone", None, some("+33 6 12 34 56 78")),
            ("company_name", None, some("Kevin Casey SARL")),
            ("first_contact", None, some("2021-04-18")),
            ("last_contact", None, some("2023-03-29")),
            ("sales_contact", None, some("Bill Boquet")),
        ],
    );
    db.advance_minutes(1);
    db.api()
        .update_client(
            &s.sales,
            client,
            db.client_version(client),
            &client_input("Kevin Casey Jr", "kevin@startup.io"),
        )
        .expect("update");
    writes += 1;
    last_is(
        db,
        &s,
        "client",
        client,
        "update",
        &s.sales,
        &[
            ("full_name", some("Kevin Casey"), some("Kevin Casey Jr")),
            (
                "company_name",
                some("Kevin Casey SARL"),
                some("Kevin Casey Jr SARL"),
            ),
        ],
    );
    db.api()
        .reassign_client(
            &s.manager,
            client,
            db.client_version(client),
            s.sales2.collaborator_id,
        )
        .expect("reassign");
    writes += 1;
    last_is(
        db,
        &s,
        "client",
        client,
        "reassign",
        &s.manager,
        &[("sales_contact", some("Bill Boquet"), some("Anne Roy"))],
    );

    db.advance_minutes(1);
    let contract = db.contract(&s.manager, client, 1_000_000);
    writes += 1;
    last_is(
        db,
        &s,
        "contract",
        contract,
        "create",
        &s.manager,
        &[
            ("client", None, some("Kevin Casey Jr")),
            ("total", None, some(&Cents(1_000_000).to_string())),
        ],
    );
    db.api()
        .update_contract(
            &s.sales2,
            contract,
            db.contract_version(contract),
            Cents(900_000),
        )
        .expect("update contract");
    writes += 1;
    let (ten, nine) = (Cents(1_000_000).to_string(), Cents(900_000).to_string());
    last_is(
        db,
        &s,
        "contract",
        contract,
        "update",
        &s.sales2,
        &[
            ("total", some(&ten), some(&nine)),
            ("due", some(&ten), some(&nine)),
        ],
    );
    db.api()
        .sign_contract(&s.sales2, contract, db.contract_version(contract))
        .expect("sign");
    writes += 1;
    last_is(
        db,
        &s,
        "contract",
        contract,
        "sign",
        &s.sales2,
        &[
            ("signed", some("no"), some("yes")),
            ("signed_by", some("—"), some("Anne Roy")),
        ],
    );
    db.api()
        .record_payment(&s.admin, contract, Cents(250_000), date(2023, 4, 30))
        .expect("pay");
    writes += 1;
    let paid = format!("{} received 2023-04-30", Cents(250_000));
    last_is(
        db,
        &s,
        "contract",
        contract,
        "payment",
        &s.admin,
        &[
            ("payment", None, some(&paid)),
            ("due", some(&nine), some(&Cents(650_000).to_string())),
        ],
    );

    db.advance_minutes(1);
    let event = db.event(
        &s.sales2,
        contract,
        "Launch Party",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );
    writes += 1;
    let h = history(db, &s, "event", event);
    assert_eq!((h.len(), h[0].entry.action.as_str()), (1, "create"));
    assert!(h[0]
        .changes
        .iter()
        .any(|c| c.field == "name" && c.after.as_deref() == Some("Launch Party")));
    db.api()
        .assign_support(
            &s.manager,
            event,
            db.event_version(event),
            Some(s.support.collaborator_id),
        )
        .expect("assign");
    writes += 1;
    last_is(
        db,
        &s,
        "event",
        event,
        "assign support",
        &s.manager,
        &[("support", some("—"), some("Kate Hastroff"))],
    );
    let mut input = event_input("Launch Party", at(2023, 6, 4, 13, 0), at(2023, 6, 5, 2, 0));
    input.attendees = 80;
    db.api()
        .update_event(&s.support, event, db.event_version(event), &input)
        .expect("update event");
    writes += 1;
    last_is(
        db,
        &s,
        "event",
        event,
        "update",
        &s.support,
        &[("attendees", some("75"), some("80"))],
    );

    db.advance_minutes(1);
    db.api()
        .set_client_archived(&s.manager, client, db.client_version(client), true)
        .expect("archive");
    writes += 1;
    last_is(
        db,
        &s,
        "client",
        client,
        "archive",
        &s.manager,
        &[
            ("archived", some("false"), some("true")),
            ("with it", some(""), some("1 contract(s), 1 event(s)")),
        ],
    );
    db.api()
        .set_client_archived(&s.admin, client, db.client_version(client), false)
        .expect("restore");
    writes += 1;
    last_is(
        db,
        &s,
        "client",
        client,
        "restore",
        &s.admin,
        &[
            ("archived", some("true"), some("false")),
            ("with it", some(""), some("1 contract(s), 1 event(s)")),
        ],
    );
    db.api()
        .set_event_archived(&s.manager, event, db.event_version(event), true)
        .expect("archive event");
    writes += 1;
    last_is(
        db,
        &s,
        "event",
        event,
        "archive",
        &s.manager,
        &[("archived", some("false"), some("true"))],
    );
    db.api()
        .set_contract_archived(&s.manager, contract, db.contract_version(contract), true)
        .expect("archive contract");
    writes += 1;
    last_is(
        db,
        &s,
        "contract",
        contract,
        "archive",
        &s.manager,
        &[("archived", some("false"), some("true"))],
    );

    // Accounts.
    let id = db
        .api()
        .create_collaborator(
            &s.manager,
            &CollaboratorInput {
                full_name: "Jacky Blangier".into(),
                email: "jacky@epicevents.example".into(),
                phone: None,
                role: Role::Support,
            },
            PASSWORD,
        )
        .expect("create");
    writes += 1;
    let number = db.api().get_collaborator(id).expect("get").employee_number;
    last_is(
        db,
        &s,
        "collaborator",
        id,
        "create",
        &s.manager,
        &[
            ("employee_number", None, some(&number)),
            ("full_name", None, some("Jacky Blangier")),
            ("email", None, some("jacky@epicevents.example")),
            ("role", None, some("support")),
        ],
    );
    db.api()
        .update_collaborator(
            &s.admin,
            id,
            db.collaborator_version(id),
            &CollaboratorInput {
                full_name: "Jacky Blangier".into(),
                email: "jacky@epicevents.example".into(),
                phone: Some("+33 6 12 34 56 78".into()),
                role: Role::Sales,
            },
        )
        .expect("update");
    writes += 1;
    last_is(
        db,
        &s,
        "collaborator",
        id,
        "update",
        &s.admin,
        &[
            ("phone", some(""), some("+33 6 12 34 56 78")),
            ("role", some("support"), some("sales")),
        ],
    );
    db.api()
        .reset_password(&s.manager, id, NEW_PASSWORD)
        .expect("reset");
    writes += 1;
    last_is(
        db,
        &s,
        "collaborator",
        id,
        "reset password",
        &s.manager,
        &[("password", None, some("reset"))],
    );
    db.api()
        .set_collaborator_active(
            &s.manager,
            id,
            db.collaborator_version(id),
            false,
            Handover::default(),
        )
        .expect("deactivate");
    writes += 1;
    last_is(
        db,
        &s,
        "collaborator",
        id,
        "deactivate",
        &s.manager,
        &[("active", some("true"), some("false"))],
    );
    let kate = db
        .api()
        .login("kate.hastroff@epicevents.example", PASSWORD)
        .expect("login");
    db.api()
        .change_own_password(&kate, PASSWORD, NEW_PASSWORD)
        .expect("change");
    writes += 1;
    last_is(
        db,
        &s,
        "collaborator",
        kate.collaborator_id,
        "change password",
        &s.support,
        &[("password", None, some("changed"))],
    );

    assert_eq!(trail(db, &s).len() - start, writes, "one row per write");
    // Editing without a change writes nothing.
    db.api()
        .update_client(
            &s.sales2,
            client,
            db.client_version(client),
            &client_input("Kevin Casey Jr", "kevin@startup.io"),
        )
        .expect("no-op");
    assert_eq!(trail(db, &s).len() - start, writes);
}

fn no_audit_row_or_notification_holds_a_secret(db: &TestDb) {
    let s = db.staff();
    let kate = db
        .api()
        .login("kate.hastroff@epicevents.example", PASSWORD)
        .expect("login");
    db.api()
        .change_own_password(&kate, PASSWORD, NEW_PASSWORD)
        .expect("change");
    db.api()
        .reset_password(&s.admin, s.sales.collaborator_id, NEW_PASSWORD)
        .expect("reset");
    let client = db.client(&s.sales2, "Kevin Casey", "kevin@startup.io");
    db.signed_contract(&s.manager, client, 100_000);
    let hashes: Vec<String> = [
        s.admin.collaborator_id,
        s.sales.collaborator_id,
        s.support.collaborator_id,
    ]
    .iter()
    .map(|id| db.crm.get_collaborator(*id).expect("get").password_hash)
    .collect();
    assert!(hashes.iter().all(|h| h.starts_with("$2")), "bcrypt hashes");

    let rows = trail(db, &s);
    assert!(rows.len() > 10);
    for row in &rows {
        let text = format!(
            "{} {} {} {:?}",
            row.entry.action, row.entry.changes, row.entry.search, row.changes
        );
        for secret in [PASSWORD, NEW_PASSWORD, "$2a$", "$2b$", "$2y$"]
            .into_iter()
            .chain(hashes.iter().map(String::as_str))
        {
            assert!(!text.contains(secret), "audit row leaks {secret:?}: {text}");
        }
        assert!(
            !row.changes.iter().any(|c| c.field.contains("hash")
                || c.field.contains("password")
                    && c.after
                        .as_deref()
                        .is_some_and(|a| a != "changed" && a != "reset")),
            "{text}"
        );
    }
    // (read in process: the reset ended the sales session on the server)
    for who in [&s.admin, &s.manager, &s.sales, &s.sales2, &s.support] {
        let notes = db.crm.list_notifications(who, false, &everything());
        for note in notes.expect("notifications").rows {
            assert!(!note.message.contains(PASSWORD) && !note.message.contains("$2"));
        }
    }
}

fn refused_writes_leave_no_row_and_no_change(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let contract = db.contract(&s.manager, client, 1_000_000);
    let before = trail(db, &s).len();
    let client_v = db.client_version(client);
    let contract_v = db.contract_version(contract);
    let fails: Vec<(&str, epicevents::Result<()>)> = vec![
        (
            "denied",
            db.api().update_client(
                &s.sales2,
                client,
                client_v,
                &client_input("X", "x@x.example"),
            ),
        ),
        (
            "stale",
            db.api().update_client(
                &s.sales,
                client,
                client_v - 1,
                &client_input("X", "x@x.example"),
            ),
        ),
        (
            "invalid",
            db.api().update_client(
                &s.sales,
                client,
                client_v,
                &client_input("", "not an e-mail"),
            ),
        ),
        (
            "denied",
            db.api()
                .update_contract(&s.support, contract, contract_v, Cents(1)),
        ),
        (
            "rule",
            db.api()
                .record_payment(&s.sales, contract, Cents(2_000_000), date(2023, 5, 1))
                .map(|_| ()),
        ),
        (
            "denied",
            db.api()
                .set_client_archived(&s.sales, client, client_v, true),
        ),
        (
            "denied",
            db.api()
                .create_client(&s.manager, &client_input("Y", "y@y.example"))
                .map(|_| ()),
        ),
        (
            "duplicate",
            db.api()
                .create_client(&s.sales2, &client_input("Kevin Twin", "KEVIN@startup.io"))
                .map(|_| ()),
        ),
        (
            "denied",
            db.api()
                .create_collaborator(
                    &s.sales,
                    &CollaboratorInput {
                        full_name: "Nobody".into(),
                        email: "nobody@epicevents.example".into(),
                        phone: None,
                        role: Role::Admin,
                    },
                    PASSWORD,
                )
                .map(|_| ()),
        ),
        (
            "denied",
            db.api()
                .reset_password(&s.manager, s.admin.collaborator_id, NEW_PASSWORD),
        ),
    ];
    for (what, r) in fails {
        assert!(r.is_err(), "{what} should have been refused");
    }
    assert_eq!(trail(db, &s).len(), before, "no audit row for a refusal");
    assert_eq!(db.client_version(client), client_v);
    assert_eq!(db.contract_version(contract), contract_v);
    let c = db.api().get_contract(contract).expect("get");
    assert_eq!((c.contract.due_cents, c.payments.len()), (1_000_000, 0));
    assert!(inbox(db, &s.sales).is_empty() && inbox(db, &s.manager).is_empty());
}

// ---------------------------------------------------------------------------
// Notifications

fn assigning_support_notifies_the_assignee(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let event = db.event(
        &s.sales,
        contract,
        "John Ouick Wedding",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );
    db.api()
        .assign_support(
            &s.manager,
            event,
            db.event_version(event),
            Some(s.support.collaborator_id),
        )
        .expect("assign");
    assert_eq!(
        kinds(db, &s.support),
        [n("support_assigned", "event", event)]
    );
    let note = &inbox(db, &s.support)[0];
    assert!(
        note.message.contains("John Ouick Wedding"),
        "{}",
        note.message
    );
    assert_eq!(
        (note.read_at, note.recipient_id),
        (None, s.support.collaborator_id)
    );
    assert!(kinds(db, &s.support2).is_empty());
    assert!(kinds(db, &s.manager).is_empty(), "the assigner is not told");
    // Reassigned: the new one is told.
    db.api()
        .assign_support(
            &s.admin,
            event,
            db.event_version(event),
            Some(s.support2.collaborator_id),
        )
        .expect("reassign");
    assert_eq!(
        kinds(db, &s.support2),
        [n("support_assigned", "event", event)]
    );
    assert_eq!(kinds(db, &s.support).len(), 1);
    // Removing the assignment tells nobody new.
    db.api()
        .assign_support(&s.manager, event, db.event_version(event), None)
        .expect("remove");
    assert_eq!(kinds(db, &s.support2).len(), 1);
}

fn signing_notifies_the_sales_contact_and_management(db: &TestDb) {
    let s = db.staff();
    let manager2 = db.hire(&s.admin, "Hugo Lemaire", Role::Management);
    let former = db.hire(&s.admin, "Old Manager", Role::Management);
    db.api()
        .set_collaborator_active(
            &s.admin,
            former.collaborator_id,
            db.collaborator_version(former.collaborator_id),
            false,
            Handover::default(),
        )
        .expect("deactivate");
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");

    // Signed by an admin: the sales contact and every active manager.
    let k1 = db.contract(&s.manager, client, 1_000_000);
    db.api()
        .sign_contract(&s.admin, k1, db.contract_version(k1))
        .expect("sign");
    for who in [&s.sales, &s.manager, &manager2] {
        assert_eq!(
            kinds(db, who),
            [n("contract_signed", "contract", k1)],
            "{}",
            who.name
        );
    }
    let msg = &inbox(db, &s.sales)[0].message;
    assert!(
        msg.contains("Kevin Casey") && msg.contains("Paul Durand"),
        "{msg}"
    );
    for who in [&s.admin, &s.sales2, &s.support] {
        assert!(kinds(db, who).is_empty(), "{} is not told", who.name);
    }
    // (read in process: through the server, a deactivated account reads nothing)
    let former_inbox = db
        .crm
        .list_notifications(&former, false, &everything())
        .expect("notifications");
    assert!(
        former_inbox.rows.is_empty(),
        "the former manager is not told"
    );
    // Signed by the sales contact: management only (not oneself).
    let k2 = db.contract(&s.manager, client, 500_000);
    db.api()
        .sign_contract(&s.sales, k2, db.contract_version(k2))
        .expect("sign");
    assert_eq!(kinds(db, &s.sales).len(), 1);
    for who in [&s.manager, &manager2] {
        assert_eq!(kinds(db, who).len(), 2);
    }
    // Signed by a manager: the sales contact and the other manager.
    let k3 = db.contract(&s.manager, client, 500_000);
    db.api()
        .sign_contract(&s.manager, k3, db.contract_version(k3))
        .expect("sign");
    assert_eq!(kinds(db, &s.sales).len(), 2);
    assert_eq!(kinds(db, &s.manager).len(), 2);
    assert_eq!(kinds(db, &manager2).len(), 3);
}

fn changes_by_someone_else_notify_the_events_support(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let start = at(2023, 6, 4, 13, 0);
    let end = at(2023, 6, 5, 2, 0);
    let event = db.event(&s.sales, contract, "John Ouick Wedding", start, end);
    // Without support: nobody to tell.
    let mut input = event_input("John Ouick Wedding", start, end);
    input.attendees = 60;
    db.api()
        .update_event(&s.manager, event, db.event_version(event), &input)
        .expect("edit");
    db.api()
        .assign_support(
            &s.manager,
            event,
            db.event_version(event),
            Some(s.support.collaborator_id),
        )
        .expect("assign");
    let base = kinds(db, &s.support).len();
    assert_eq!(base, 1);

    // The support edits their own event: no notification.
    input.notes = "Catering is organised.".into();
    db.api()
        .update_event(&s.support, event, db.event_version(event), &input)
        .expect("own edit");
    assert_eq!(kinds(db, &s.support).len(), base);

    // Someone else changes dates, place, attendees or notes: the support is told.
    input.location = "Salle des fêtes de Mufflins".into();
    db.api()
        .update_event(&s.manager, event, db.event_version(event), &input)
        .expect("manager edit");
    input.starts_at = start + Duration::hours(1);
    db.api()
        .update_event(&s.admin, event, db.event_version(event), &input)
        .expect("admin edit");
    let k = kinds(db, &s.support);
    assert_eq!(
        k[base..],
        [
            n("event_changed", "event", event),
            n("event_changed", "event", event)
        ]
    );
    let notes = inbox(db, &s.support);
    assert!(
        notes[1].message.contains("location"),
        "{}",
        notes[1].message
    );
    assert!(
        notes[0].message.contains("starts_at"),
        "{}",
        notes[0].message
    );
    assert!(
        notes[0].message.contains("Paul Durand"),
        "{}",
        notes[0].message
    );
    // A rename alone is not a change of the event's state.
    input.name = "The Ouick Wedding".into();
    db.api()
        .update_event(&s.manager, event, db.event_version(event), &input)
        .expect("rename");
    assert_eq!(kinds(db, &s.support).len(), base + 2);
    // Nobody else is told.
    for who in [&s.support2, &s.sales, &s.manager, &s.admin] {
        assert!(
            !kinds(db, who).iter().any(|(k, _, _)| k == "event_changed"),
            "{}",
            who.name
        );
    }
}

fn reminders_once_per_event_within_seven_days(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let now = db.now();
    let h = |hours: i64| now + Duration::hours(hours);
    let mk = |name: &str, starts: i64, support: &Session| {
        let id = db.event(&s.sales, contract, name, h(starts), h(starts + 3));
        db.api()
            .assign_support(
                &s.manager,
                id,
                db.event_version(id),
                Some(support.collaborator_id),
            )
            .expect("assign");
        id
    };
    let in_3_days = mk("In three days", 72, &s.support);
    let in_7_days = mk("In exactly seven days", 168, &s.support);
    let in_8_days = mk("In eight days", 192, &s.support);
    let _past = mk("Yesterday", -24, &s.support);
    let _started = mk("Started an hour ago", -1, &s.support);
    let archived = mk("Archived", 48, &s.support);
    let _other = mk("Someone else's", 30, &s.support2);
    db.api()
        .set_event_archived(&s.manager, archived, db.event_version(archived), true)
        .expect("archive");
    let reminders = |who: &Session| -> Vec<i64> {
        kinds(db, who)
            .into_iter()
            .filter(|(k, _, _)| k == "starts_soon")
            .map(|(_, _, id)| id)
            .collect()
    };

    assert_eq!(db.api().refresh_reminders(&s.support).expect("refresh"), 2);
    let mut got = reminders(&s.support);
    got.sort();
    assert_eq!(got, [in_3_days, in_7_days]);
    // Only once.
    assert_eq!(db.api().refresh_reminders(&s.support).expect("refresh"), 0);
    assert_eq!(reminders(&s.support).len(), 2);
    // A day later the eight-day event comes within the window.
    db.advance_minutes(24 * 60);
    assert_eq!(db.api().refresh_reminders(&s.support).expect("refresh"), 1);
    assert_eq!(reminders(&s.support).len(), 3);
    assert!(reminders(&s.support).contains(&in_8_days));
    assert_eq!(db.api().refresh_reminders(&s.support).expect("refresh"), 0);
    // Each support gets their own.
    assert!(reminders(&s.support2).is_empty());
    assert_eq!(db.api().refresh_reminders(&s.support2).expect("refresh"), 1);
    let note = inbox(db, &s.support2)
        .into_iter()
        .find(|n| n.kind == "starts_soon")
        .expect("reminder");
    assert!(note.message.contains("Someone else's"), "{}", note.message);
}

fn unread_count_and_marking_read(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    for total in [100_000, 200_000, 300_000] {
        db.signed_contract(&s.admin, client, total);
    }
    assert_eq!(db.api().unread_notifications(&s.sales).expect("count"), 3);
    assert_eq!(db.api().unread_notifications(&s.manager).expect("count"), 3);
    let mine = inbox(db, &s.sales);
    let first = mine[0].id;
    // Someone else cannot mark it read.
    denied(db.api().mark_notification_read(&s.manager, first));
    denied(db.api().mark_notification_read(&s.admin, first));
    assert_eq!(db.api().unread_notifications(&s.sales).expect("count"), 3);
    // The recipient can, once (again is harmless).
    db.advance_minutes(5);
    db.api()
        .mark_notification_read(&s.sales, first)
        .expect("mark read");
    let read_at = db.now();
    db.advance_minutes(5);
    db.api()
        .mark_notification_read(&s.sales, first)
        .expect("mark read again");
    assert_eq!(db.api().unread_notifications(&s.sales).expect("count"), 2);
    assert_eq!(db.api().unread_notifications(&s.manager).expect("count"), 3);
    let note = inbox(db, &s.sales)
        .into_iter()
        .find(|n| n.id == first)
        .expect("still listed");
    assert_eq!(note.read_at, Some(read_at));
    let unread = db
        .api()
        .list_notifications(&s.sales, true, &everything())
        .expect("unread");
    assert_eq!(unread.total, 2);
    assert!(unread.rows.iter().all(|n| n.id != first));
    assert!(matches!(
        db.api().mark_notification_read(&s.sales, 987_654),
        Err(Error::NotFound { .. })
    ));
}

// ---------------------------------------------------------------------------
// Archiving and deactivating take their dependents along

fn archiving_a_client_takes_its_contracts_and_events(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let other = db.client(&s.sales, "Lou Bouzin", "lou@bouzin.example");
    let k1 = db.signed_contract(&s.manager, client, 800_000);
    let k2 = db.signed_contract(&s.manager, client, 100_000);
    let k_other = db.signed_contract(&s.manager, other, 100_000);
    let (start, end) = (at(2023, 6, 4, 13, 0), at(2023, 6, 5, 2, 0));
    let e1 = db.event(&s.sales, k1, "Wedding", start, end);
    let e2 = db.event(&s.sales, k1, "Brunch", start, end);
    let e3 = db.event(&s.sales, k2, "Party", start, end);
    let e_other = db.event(&s.sales, k_other, "Assembly", start, end);
    // One contract and one event were archived on their own, earlier.
    db.api()
        .set_event_archived(&s.manager, e2, db.event_version(e2), true)
        .expect("archive e2");
    db.api()
        .set_contract_archived(&s.manager, k2, db.contract_version(k2), true)
        .expect("archive k2");
    db.advance_minutes(10);
    let stamp = db.now();
    db.api()
        .set_client_archived(&s.manager, client, db.client_version(client), true)
        .expect("archive client");
    let archived_at = |db: &TestDb| {
        (
            db.api().get_contract(k1).expect("get").contract.archived_at,
            db.api().get_contract(k2).expect("get").contract.archived_at,
            db.api().get_event(e1).expect("get").event.archived_at,
            db.api().get_event(e2).expect("get").event.archived_at,
            db.api().get_event(e3).expect("get").event.archived_at,
        )
    };
    let earlier = Some(stamp - Duration::minutes(10));
    assert_eq!(
        db.api().get_client(client).expect("get").client.archived_at,
        Some(stamp)
    );
    assert_eq!(
        archived_at(db),
        (Some(stamp), earlier, Some(stamp), earlier, earlier),
        "everything archived; what was archived before keeps its date"
    );
    assert!(db
        .api()
        .get_contract(k_other)
        .expect("get")
        .contract
        .archived_at
        .is_none());
    assert!(db
        .api()
        .get_event(e_other)
        .expect("get")
        .event
        .archived_at
        .is_none());
    // Nothing of it can be restored on its own while the client is archived.
    assert!(matches!(
        db.api()
            .set_contract_archived(&s.manager, k1, db.contract_version(k1), false),
        Err(Error::Rule(_))
    ));
    // Restored with the client: what went with it comes back, the rest stays.
    db.advance_minutes(10);
    db.api()
        .set_client_archived(&s.manager, client, db.client_version(client), false)
        .expect("restore");
    assert_eq!(archived_at(db), (None, earlier, None, earlier, earlier));
    assert!(db
        .api()
        .get_client(client)
        .expect("get")
        .client
        .archived_at
        .is_none());
    let detail = db.api().get_client(client).expect("get");
    assert_eq!(detail.contracts.len(), 1, "the active contract");
    assert_eq!(detail.events.len(), 1, "the active event");
}

fn deactivating_sales_hands_over_their_clients(db: &TestDb) {
    let s = db.staff();
    let bill = s.sales.collaborator_id;
    let c1 = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let c2 = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let k = db.contract(&s.manager, c1, 100_000);
    assert_eq!(db.api().holdings(bill).expect("holdings").clients, 2);
    let v = db.collaborator_version(bill);
    let audits = trail(db, &s).len();

    // No taker chosen: refused at the field, nothing changes.
    let msg = field_error(
        db.api()
            .set_collaborator_active(&s.manager, bill, v, false, Handover::default()),
        "clients_to",
    );
    assert!(msg.contains("2 client"), "{msg}");
    // A taker who is not an active sales collaborator: refused too.
    for taker in [s.support.collaborator_id, bill, s.manager.collaborator_id] {
        field_error(
            db.api().set_collaborator_active(
                &s.manager,
                bill,
                v,
                false,
                Handover {
                    clients_to: Some(taker),
                    ..Handover::default()
                },
            ),
            "clients_to",
        );
    }
    let b = db.api().get_collaborator(bill).expect("get");
    assert!(b.active);
    assert_eq!(b.version, v);
    assert_eq!(trail(db, &s).len(), audits);
    for c in [c1, c2] {
        assert_eq!(
            db.api().get_client(c).expect("get").client.sales_contact_id,
            Some(bill)
        );
    }

    // With a taker: the clients move, and the taker may now handle them.
    db.api()
        .set_collaborator_active(
            &s.manager,
            bill,
            v,
            false,
            Handover {
                clients_to: Some(s.sales2.collaborator_id),
                ..Handover::default()
            },
        )
        .expect("deactivate with a taker");
    for c in [c1, c2] {
        let d = db.api().get_client(c).expect("get");
        assert_eq!(d.client.sales_contact_id, Some(s.sales2.collaborator_id));
        assert_eq!(d.sales_contact_name.as_deref(), Some("Anne Roy"));
    }
    assert!(!db.api().get_collaborator(bill).expect("get").active);
    last_is(
        db,
        &s,
        "collaborator",
        bill,
        "deactivate",
        &s.manager,
        &[
            ("active", some("true"), some("false")),
            ("clients", some("2 client(s)"), some("Anne Roy")),
        ],
    );
    db.api()
        .sign_contract(&s.sales2, k, db.contract_version(k))
        .expect("the taker signs");
    assert_eq!(db.api().holdings(bill).expect("holdings").clients, 0);

    // Left unassigned on purpose.
    let anne = s.sales2.collaborator_id;
    db.api()
        .set_collaborator_active(
            &s.admin,
            anne,
            db.collaborator_version(anne),
            false,
            Handover {
                leave_unassigned: true,
                ..Handover::default()
            },
        )
        .expect("deactivate, leaving the clients unassigned");
    assert_eq!(
        db.api()
            .get_client(c1)
            .expect("get")
            .client
            .sales_contact_id,
        None
    );
}

fn deactivating_support_hands_over_upcoming_events(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let now = db.now();
    let mk = |name: &str, starts_in_hours: i64| {
        let id = db.event(
            &s.sales,
            contract,
            name,
            now + Duration::hours(starts_in_hours),
            now + Duration::hours(starts_in_hours + 4),
        );
        db.api()
            .assign_support(&s.manager, id, db.event_version(id), Some(kate))
            .expect("assign");
        id
    };
    let soon = mk("Soon", 48);
    let later = mk("Later", 24 * 40);
    let ongoing = mk("Ongoing", -2);
    let past = mk("Past", -48);
    assert_eq!(
        db.api().holdings(kate).expect("holdings").upcoming_events,
        3
    );
    let v = db.collaborator_version(kate);

    let msg = field_error(
        db.api()
            .set_collaborator_active(&s.manager, kate, v, false, Handover::default()),
        "events_to",
    );
    assert!(msg.contains("3 upcoming"), "{msg}");
    field_error(
        db.api().set_collaborator_active(
            &s.manager,
            kate,
            v,
            false,
            Handover {
                events_to: Some(s.sales.collaborator_id),
                ..Handover::default()
            },
        ),
        "events_to",
    );
    assert!(db.api().get_collaborator(kate).expect("get").active);
    assert!(kinds(db, &s.support2).is_empty());

    db.api()
        .set_collaborator_active(
            &s.manager,
            kate,
            v,
            false,
            Handover {
                events_to: Some(s.support2.collaborator_id),
                ..Handover::default()
            },
        )
        .expect("deactivate with a taker");
    let support_of = |id| db.api().get_event(id).expect("get").event.support_id;
    for id in [soon, later, ongoing] {
        assert_eq!(support_of(id), Some(s.support2.collaborator_id));
    }
    assert_eq!(support_of(past), Some(kate), "the past stays as it was");
    let mut told: Vec<i64> = kinds(db, &s.support2)
        .into_iter()
        .filter(|(k, _, _)| k == "support_assigned")
        .map(|(_, _, id)| id)
        .collect();
    told.sort();
    let mut expected = vec![soon, later, ongoing];
    expected.sort();
    assert_eq!(told, expected, "the taker is told of each event");
    last_is(
        db,
        &s,
        "event",
        soon,
        "assign support",
        &s.manager,
        &[("support", some("Kate Hastroff"), some("Alienor Vichum"))],
    );
    // The taker now edits them; Kate's old session cannot.
    let mut input = event_input("Soon", now + Duration::hours(48), now + Duration::hours(52));
    input.attendees = 12;
    db.api()
        .update_event(&s.support2, soon, db.event_version(soon), &input)
        .expect("taker edits");
    refused(
        db,
        db.api()
            .update_event(&s.support, past, db.event_version(past), &input),
    );
}

/// The audit row is written in the write's own transaction: when the database
/// refuses the audit row, the change itself is rolled back.
fn a_failed_audit_row_rolls_the_write_back(db: &TestDb) {
    use diesel::RunQueryDsl;
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let contract = db.contract(&s.manager, client, 1_000_000);
    let sql = match db.backend() {
        epicevents::db::Backend::Sqlite => {
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_entries \
             WHEN NEW.action IN ('update', 'sign', 'payment') \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        }
        epicevents::db::Backend::Postgres => {
            "ALTER TABLE audit_entries ADD CONSTRAINT audit_refused \
             CHECK (action NOT IN ('update', 'sign', 'payment'))"
        }
    };
    {
        let mut conn = db.crm.db().conn().expect("connection");
        diesel::sql_query(sql)
            .execute(&mut *conn)
            .expect("install the refusal");
    }
    let client_v = db.client_version(client);
    let contract_v = db.contract_version(contract);
    let results = [
        db.api().update_client(
            &s.sales,
            client,
            client_v,
            &client_input("Renamed", "renamed@startup.io"),
        ),
        db.api()
            .update_contract(&s.manager, contract, contract_v, Cents(900_000)),
        db.api().sign_contract(&s.manager, contract, contract_v),
        db.api()
            .record_payment(&s.manager, contract, Cents(100), date(2023, 5, 1))
            .map(|_| ()),
    ];
    for r in results {
        // Through the server a database fault is a 500 that names nothing.
        let remote_fault =
            db.is_remote() && matches!(&r, Err(Error::Connection(m)) if m.contains("500"));
        assert!(
            matches!(r, Err(Error::Database(_))) || remote_fault,
            "{r:?}"
        );
    }
    let c = db.api().get_client(client).expect("get").client;
    assert_eq!(
        (c.full_name.as_str(), c.email.as_str(), c.version),
        ("Kevin Casey", "kevin@startup.io", client_v)
    );
    let k = db.api().get_contract(contract).expect("get");
    assert_eq!(
        (
            k.contract.total_cents,
            k.contract.due_cents,
            k.contract.signed,
            k.contract.version
        ),
        (1_000_000, 1_000_000, false, contract_v)
    );
    assert!(k.payments.is_empty());
    assert!(inbox(db, &s.sales).is_empty(), "no notification either");
    // The filter text was not changed either.
    assert_eq!(
        db.api()
            .list_clients(
                &Default::default(),
                Default::default(),
                &ListParams::default().with_filter("renamed")
            )
            .expect("list")
            .total,
        0
    );
}

/// The audit filters over what its table shows, the changed values included.
fn the_audit_filter_matches_changed_values(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Ambroise Delacroix", "ambroise@delacroix.fr");
    let contract = db.contract(&s.manager, client, 1_234_500);
    let found = |text: &str| -> Vec<(String, i64, String)> {
        db.api()
            .list_audit(
                &s.admin,
                &AuditFilter::default(),
                &ListParams {
                    limit: 100,
                    ..ListParams::default().with_filter(text)
                },
            )
            .expect("audit")
            .rows
            .into_iter()
            .map(|r| (r.entry.entity, r.entry.record_id, r.entry.action))
            .collect()
    };
    // A value, case and accents aside, finds the client's creation and the
    // contract naming it; one that was never written finds nothing.
    let mut hits = found("AMBROISE délacroix");
    hits.sort();
    assert_eq!(
        hits,
        vec![
            ("client".to_string(), client, "create".to_string()),
            ("contract".to_string(), contract, "create".to_string()),
        ]
    );
    assert_eq!(found("ambroise@delacroix.fr").len(), 1);
    assert_eq!(
        found("12 345.00"),
        vec![("contract".to_string(), contract, "create".to_string())]
    );
    assert!(found("ambroise zanzibar").is_empty());
}

backend_tests!(
    the_audit_filter_matches_changed_values,
    every_write_leaves_an_audit_row,
    no_audit_row_or_notification_holds_a_secret,
    refused_writes_leave_no_row_and_no_change,
    a_failed_audit_row_rolls_the_write_back,
    assigning_support_notifies_the_assignee,
    signing_notifies_the_sales_contact_and_management,
    changes_by_someone_else_notify_the_events_support,
    reminders_once_per_event_within_seven_days,
    unread_count_and_marking_read,
    archiving_a_client_takes_its_contracts_and_events,
    deactivating_sales_hands_over_their_clients,
    deactivating_support_hands_over_upcoming_events,
);
