//! Optimistic concurrency: a stale version is refused with `Error::Conflict` and the
//! first writer's data stays; under real threads, payments never overdraw a
//! contract and simultaneous edits of one version let exactly one through.

mod common;

use std::sync::Barrier;

use common::*;
use epicevents::domain::{Cents, Role};
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::session::Session;
use epicevents::Error;

#[track_caller]
fn conflict<T: std::fmt::Debug>(r: epicevents::Result<T>, entity: &str, id: i64) {
    match r {
        Err(Error::Conflict { entity: e, id: i }) => {
            assert_eq!((e, i), (entity, id));
        }
        other => panic!("expected a conflict on {entity} #{id}, got {other:?}"),
    }
}

fn stale_client_update_is_refused(db: &TestDb) {
    let s = db.staff();
    let id = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let v = db.client_version(id);
    // Both the owner and an admin opened the form at version v.
    db.api()
        .update_client(
            &s.sales,
            id,
            v,
            &client_input("Kevin Casey (owner)", "kevin@startup.io"),
        )
        .expect("first writer");
    conflict(
        db.api().update_client(
            &s.admin,
            id,
            v,
            &client_input("Kevin Casey (admin)", "kevin@startup.io"),
        ),
        "client",
        id,
    );
    conflict(
        db.api()
            .reassign_client(&s.manager, id, v, s.sales2.collaborator_id),
        "client",
        id,
    );
    conflict(
        db.api().set_client_archived(&s.manager, id, v, true),
        "client",
        id,
    );
    let c = db.api().get_client(id).expect("get").client;
    assert_eq!(c.full_name, "Kevin Casey (owner)");
    assert_eq!(c.sales_contact_id, Some(s.sales.collaborator_id));
    assert!(c.archived_at.is_none());
    assert_eq!(c.version, v + 1);
    // Reloaded, the second writer succeeds.
    db.api()
        .update_client(
            &s.admin,
            id,
            c.version,
            &client_input("Kevin Casey (admin)", "kevin@startup.io"),
        )
        .expect("after reload");
}

fn stale_contract_update_is_refused(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.contract(&s.manager, client, 1_000_000);
    let v = db.contract_version(id);
    db.api()
        .update_contract(&s.manager, id, v, Cents(900_000))
        .expect("first writer");
    conflict(
        db.api().update_contract(&s.admin, id, v, Cents(1_200_000)),
        "contract",
        id,
    );
    conflict(db.api().sign_contract(&s.sales, id, v), "contract", id);
    conflict(
        db.api().set_contract_archived(&s.admin, id, v, true),
        "contract",
        id,
    );
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.signed, c.archived_at),
        (900_000, 900_000, false, None)
    );

    // A payment recorded meanwhile makes an edit based on the old version stale,
    // so the edit cannot silently ignore the money that came in.
    let v = c.version;
    db.api()
        .record_payment(&s.sales, id, Cents(300_000), date(2023, 5, 2))
        .expect("pay");
    conflict(
        db.api().update_contract(&s.manager, id, v, Cents(900_000)),
        "contract",
        id,
    );
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!((c.total_cents, c.due_cents), (900_000, 600_000));
}

fn stale_event_update_is_refused(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let id = db.event(
        &s.sales,
        contract,
        "John Ouick Wedding",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );
    db.api()
        .assign_support(
            &s.manager,
            id,
            db.event_version(id),
            Some(s.support.collaborator_id),
        )
        .expect("assign");
    let v = db.event_version(id);
    // The support and the manager both edit from version v.
    let mut by_support = event_input(
        "John Ouick Wedding",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );
    by_support.notes = "Reception moved to the orangery.".into();
    db.api()
        .update_event(&s.support, id, v, &by_support)
        .expect("first writer");
    let mut by_manager = by_support.clone();
    by_manager.notes = "Old notes".into();
    by_manager.attendees = 500;
    conflict(
        db.api().update_event(&s.manager, id, v, &by_manager),
        "event",
        id,
    );
    conflict(
        db.api()
            .assign_support(&s.manager, id, v, Some(s.support2.collaborator_id)),
        "event",
        id,
    );
    conflict(
        db.api().set_event_archived(&s.admin, id, v, true),
        "event",
        id,
    );
    let e = db.api().get_event(id).expect("get").event;
    assert_eq!(e.notes, "Reception moved to the orangery.");
    assert_eq!(e.attendees, 75);
    assert_eq!(e.support_id, Some(s.support.collaborator_id));
    assert!(e.archived_at.is_none());
}

fn stale_collaborator_update_is_refused(db: &TestDb) {
    let s = db.staff();
    let id = s.support.collaborator_id;
    let v = db.collaborator_version(id);
    let form = |name: &str, role| CollaboratorInput {
        full_name: name.into(),
        email: "kate.hastroff@epicevents.example".into(),
        phone: None,
        role,
    };
    db.api()
        .update_collaborator(&s.admin, id, v, &form("Kate Hastroff-Blanc", Role::Support))
        .expect("first writer");
    conflict(
        db.api()
            .update_collaborator(&s.manager, id, v, &form("Kate H.", Role::Management)),
        "collaborator",
        id,
    );
    conflict(
        db.api()
            .set_collaborator_active(&s.manager, id, v, false, Handover::default()),
        "collaborator",
        id,
    );
    let k = db.api().get_collaborator(id).expect("get");
    assert_eq!(
        (k.full_name.as_str(), k.role(), k.active, k.version),
        ("Kate Hastroff-Blanc", Role::Support, true, v + 1)
    );
}

/// Runs `f(i)` on `n` threads released together; returns the results in order.
fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let gate = Barrier::new(n);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (gate, f) = (&gate, &f);
                scope.spawn(move || {
                    gate.wait();
                    f(i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    })
}

fn concurrent_payments_never_overdraw(db: &TestDb) {
    const THREADS: usize = 12;
    const TOTAL: i64 = 100_000;
    const AMOUNT: i64 = 15_000;
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, TOTAL);
    // Sales, management and admin all record at once.
    let who: [&Session; 3] = [&s.sales, &s.manager, &s.admin];
    let results = at_once(THREADS, |i| {
        db.api()
            .record_payment(who[i % 3], id, Cents(AMOUNT), date(2023, 5, 2))
    });
    let mut accepted = 0;
    let mut refused = 0;
    for r in results {
        match r {
            Ok(_) => accepted += 1,
            Err(Error::Validation(v)) if v.iter().any(|f| f.field == "amount") => {
                let msg = &v[0].message;
                assert!(msg.contains("overpayment"), "{msg}");
                refused += 1;
            }
            Err(e) => panic!("a payment failed for another reason: {e:?}"),
        }
    }
    assert_eq!(accepted + refused, THREADS);
    let detail = db.api().get_contract(id).expect("get");
    let paid: i64 = detail.payments.iter().map(|(p, _)| p.amount_cents).sum();
    assert_eq!(
        detail.payments.len(),
        accepted,
        "one ledger row per accepted"
    );
    assert!(paid <= TOTAL, "paid {paid} > total {TOTAL}");
    assert!(detail.contract.due_cents >= 0);
    assert_eq!(
        detail.contract.due_cents,
        TOTAL - paid,
        "due = total - ledger"
    );
    // Every payment that could fit did: refused ones came once too little was due.
    assert_eq!(accepted as i64, TOTAL / AMOUNT);
    assert!(detail.contract.due_cents < AMOUNT);
}

fn concurrent_exact_payments_fill_the_contract_once(db: &TestDb) {
    // Eight payments of the whole amount at once: exactly one goes through.
    const THREADS: usize = 8;
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 250_000);
    let results = at_once(THREADS, |_| {
        db.api()
            .record_payment(&s.sales, id, Cents(250_000), date(2023, 5, 2))
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    for r in &results {
        if let Err(e) = r {
            assert!(
                matches!(e, Error::Validation(_)),
                "refused as an overpayment, not {e:?}"
            );
        }
    }
    assert_eq!(ok, 1);
    let c = db.api().get_contract(id).expect("get");
    assert_eq!((c.contract.due_cents, c.payments.len()), (0, 1));
}

/// Runs `THREADS` writers of one version at once: exactly one wins, the others get
/// a conflict, and the winner's value is what is stored.
fn one_winner<T: std::fmt::Debug>(results: Vec<epicevents::Result<T>>, entity: &str) -> usize {
    let mut winner = None;
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(_) => {
                assert!(winner.is_none(), "two writers of one version succeeded");
                winner = Some(i);
            }
            Err(Error::Conflict { entity: e, .. }) => assert_eq!(e, entity),
            Err(e) => panic!("a writer failed for another reason: {e:?}"),
        }
    }
    winner.expect("one writer succeeded")
}

fn simultaneous_edits_of_one_version_let_one_through(db: &TestDb) {
    const THREADS: usize = 8;
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let event = db.event(
        &s.sales,
        contract,
        "Launch Party",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );

    // Clients: the owner and an admin, alternately.
    let v = db.client_version(client);
    let who = [&s.sales, &s.admin];
    let w = one_winner(
        at_once(THREADS, |i| {
            db.api().update_client(
                who[i % 2],
                client,
                v,
                &client_input(&format!("Kevin Casey {i}"), "kevin@startup.io"),
            )
        }),
        "client",
    );
    let c = db.api().get_client(client).expect("get").client;
    assert_eq!(
        (c.full_name, c.version),
        (format!("Kevin Casey {w}"), v + 1)
    );

    // Contracts.
    let v = db.contract_version(contract);
    let w = one_winner(
        at_once(THREADS, |i| {
            db.api()
                .update_contract(&s.manager, contract, v, Cents(900_000 + i as i64))
        }),
        "contract",
    );
    let c = db.api().get_contract(contract).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.version),
        (900_000 + w as i64, 900_000 + w as i64, v + 1)
    );

    // Events.
    let v = db.event_version(event);
    let w = one_winner(
        at_once(THREADS, |i| {
            let mut input =
                event_input("Launch Party", at(2023, 6, 4, 13, 0), at(2023, 6, 5, 2, 0));
            input.attendees = 100 + i as i32;
            db.api().update_event(&s.manager, event, v, &input)
        }),
        "event",
    );
    let e = db.api().get_event(event).expect("get").event;
    assert_eq!((e.attendees, e.version), (100 + w as i32, v + 1));

    // Collaborators.
    let kate = s.support.collaborator_id;
    let v = db.collaborator_version(kate);
    let w = one_winner(
        at_once(THREADS, |i| {
            db.api().update_collaborator(
                &s.admin,
                kate,
                v,
                &CollaboratorInput {
                    full_name: format!("Kate {i}"),
                    email: "kate.hastroff@epicevents.example".into(),
                    phone: None,
                    role: Role::Support,
                },
            )
        }),
        "collaborator",
    );
    assert_eq!(
        db.api().get_collaborator(kate).expect("get").full_name,
        format!("Kate {w}")
    );

    // Signing: one signature, one set of notifications.
    let unsigned = db.contract(&s.manager, client, 100_000);
    let v = db.contract_version(unsigned);
    let who = [&s.sales, &s.manager, &s.admin];
    one_winner(
        at_once(THREADS, |i| db.api().sign_contract(who[i % 3], unsigned, v)),
        "contract",
    );
    let c = db.api().get_contract(unsigned).expect("get").contract;
    assert!(c.signed);
    assert_eq!(c.version, v + 1);
}

backend_tests!(
    stale_client_update_is_refused,
    stale_contract_update_is_refused,
    stale_event_update_is_refused,
    stale_collaborator_update_is_refused,
    concurrent_payments_never_overdraw,
    concurrent_exact_payments_fill_the_contract_once,
    simultaneous_edits_of_one_version_let_one_through,
);
