//! The payments ledger and signing: the amount due is the total minus the
//! payments, an overpayment is refused with what is still due, and a signature
//! records who and when, once.

mod common;

use common::*;
use epicevents::db::repo::audit::AuditFilter;
use epicevents::db::repo::ListParams;
use epicevents::domain::{Cents, PaymentKind};
use epicevents::Error;

fn audit_count(db: &TestDb, s: &Staff, contract: i64) -> i64 {
    db.api()
        .list_audit(
            &s.admin,
            &AuditFilter {
                record: Some(("contract".into(), contract)),
                actor: None,
            },
            &ListParams::default(),
        )
        .expect("audit")
        .total
}

#[track_caller]
fn rule<T: std::fmt::Debug>(r: epicevents::Result<T>) -> String {
    match r {
        Err(Error::Rule(m)) => m,
        other => panic!("expected a business rule refusal, got {other:?}"),
    }
}

fn due_is_total_minus_payments(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 1_000_000);
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.paid()),
        (1_000_000, 1_000_000, Cents(0))
    );

    let payments = [
        (&s.sales, 250_000, date(2023, 4, 1)),
        (&s.manager, 100_001, date(2023, 4, 20)),
        (&s.admin, 1, date(2023, 4, 10)),
    ];
    let mut paid = 0;
    for (who, amount, on) in payments {
        db.api()
            .record_payment(who, id, Cents(amount), on)
            .expect("payment");
        paid += amount;
        let c = db.api().get_contract(id).expect("get").contract;
        assert_eq!(c.due_cents, 1_000_000 - paid);
        assert_eq!(c.paid(), Cents(paid));
    }
    let detail = db.api().get_contract(id).expect("get");
    let ledger: Vec<(i64, chrono::NaiveDate, i64, String)> = detail
        .payments
        .iter()
        .map(|(p, who)| (p.amount_cents, p.received_on, p.recorded_by_id, who.clone()))
        .collect();
    assert_eq!(
        ledger,
        [
            (
                100_001,
                date(2023, 4, 20),
                s.manager.collaborator_id,
                "Mia Martin".to_string()
            ),
            (
                1,
                date(2023, 4, 10),
                s.admin.collaborator_id,
                "Paul Durand".to_string()
            ),
            (
                250_000,
                date(2023, 4, 1),
                s.sales.collaborator_id,
                "Bill Boquet".to_string()
            ),
        ],
        "newest first, with who recorded each"
    );
    let sum: i64 = detail.payments.iter().map(|(p, _)| p.amount_cents).sum();
    assert_eq!(detail.contract.due_cents, detail.contract.total_cents - sum);

    // The exact remainder settles it; then nothing more is accepted.
    db.api()
        .record_payment(&s.sales, id, Cents(649_998), date(2023, 5, 1))
        .expect("settle");
    assert_eq!(
        db.api().get_contract(id).expect("get").contract.due_cents,
        0
    );
    let msg = field_error(
        db.api()
            .record_payment(&s.sales, id, Cents(1), date(2023, 5, 1)),
        "amount",
    );
    assert!(msg.contains("0.00 €"), "{msg}");
}

fn overpayment_is_refused_with_what_is_due(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 1_000_000);
    db.api()
        .record_payment(&s.sales, id, Cents(350_002), date(2023, 4, 1))
        .expect("payment");
    let before = db.api().get_contract(id).expect("get").contract;
    let audits = audit_count(db, &s, id);
    for amount in [649_999, 1_000_000, i64::MAX] {
        let msg = field_error(
            db.api()
                .record_payment(&s.sales, id, Cents(amount), date(2023, 4, 2)),
            "amount",
        );
        assert!(msg.contains("overpayment"), "{msg}");
        assert!(msg.contains("6 499.98 €"), "says what is still due: {msg}");
    }
    let after = db.api().get_contract(id).expect("get");
    assert_eq!(after.contract, before, "nothing changed");
    assert_eq!(after.payments.len(), 1);
    assert_eq!(
        audit_count(db, &s, id),
        audits,
        "no audit row for a refusal"
    );
    // Exactly what is due is fine.
    db.api()
        .record_payment(&s.sales, id, Cents(649_998), date(2023, 4, 2))
        .expect("the exact remainder");
}

fn zero_and_negative_payments_are_refused(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 1_000_000);
    for amount in [0, -1, -500_000, i64::MIN] {
        let msg = field_error(
            db.api()
                .record_payment(&s.sales, id, Cents(amount), date(2023, 4, 2)),
            "amount",
        );
        assert!(msg.contains("more than zero"), "{msg}");
    }
    let c = db.api().get_contract(id).expect("get");
    assert_eq!(c.contract.due_cents, 1_000_000);
    assert!(c.payments.is_empty());
    // A negative or zero total is refused as well, through every way in.
    for total in [-1, 0] {
        let msg = field_error(
            db.api().create_contract(&s.manager, client, Cents(total)),
            "total",
        );
        assert!(msg.contains("more than 0.00"), "{msg}");
        field_error(
            db.api()
                .update_contract(&s.manager, id, db.contract_version(id), Cents(total)),
            "total",
        );
    }
}

fn total_cannot_drop_below_what_is_paid(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 1_000_000);
    db.api()
        .record_payment(&s.sales, id, Cents(300_000), date(2023, 4, 1))
        .expect("payment");
    let v = db.contract_version(id);
    let msg = field_error(
        db.api().update_contract(&s.manager, id, v, Cents(299_999)),
        "total",
    );
    assert!(msg.contains("3 000.00 €"), "says what is paid: {msg}");
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.version),
        (1_000_000, 700_000, v)
    );
    // Down to exactly what is paid: nothing due.
    db.api()
        .update_contract(&s.manager, id, v, Cents(300_000))
        .expect("total = paid");
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!((c.total_cents, c.due_cents), (300_000, 0));
    // Up again: the payments still count.
    db.api()
        .update_contract(&s.sales, id, c.version, Cents(500_000))
        .expect("raise");
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!(
        (c.total_cents, c.due_cents, c.paid()),
        (500_000, 200_000, Cents(300_000))
    );
}

fn archived_contracts_take_no_payment(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 1_000_000);
    db.api()
        .set_contract_archived(&s.manager, id, db.contract_version(id), true)
        .expect("archive");
    let msg = rule(
        db.api()
            .record_payment(&s.sales, id, Cents(100), date(2023, 4, 1)),
    );
    assert!(msg.contains("archived"), "{msg}");
    // Archived with its client: the same.
    db.api()
        .set_contract_archived(&s.manager, id, db.contract_version(id), false)
        .expect("restore");
    db.api()
        .set_client_archived(&s.manager, client, db.client_version(client), true)
        .expect("archive client");
    rule(
        db.api()
            .record_payment(&s.manager, id, Cents(100), date(2023, 4, 1)),
    );
    let c = db.api().get_contract(id).expect("get");
    assert_eq!((c.contract.due_cents, c.payments.len()), (1_000_000, 0));
    db.api()
        .set_client_archived(&s.manager, client, db.client_version(client), false)
        .expect("restore client");
    db.api()
        .record_payment(&s.sales, id, Cents(100), date(2023, 4, 1))
        .expect("restored, it takes payments again");
    // Nor is money taken back on an archived contract.
    db.api()
        .set_contract_archived(&s.manager, id, db.contract_version(id), true)
        .expect("archive again");
    let msg = rule(db.api().record_correction(
        &s.manager,
        id,
        PaymentKind::Refund,
        Cents(100),
        "refund",
        date(2023, 4, 2),
    ));
    assert!(msg.contains("archived"), "{msg}");
    let c = db.api().get_contract(id).expect("get");
    assert_eq!((c.contract.due_cents, c.payments.len()), (999_900, 1));
}

fn signing_records_who_and_when_once(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.contract(&s.manager, client, 1_000_000);
    let c = db.api().get_contract(id).expect("get");
    assert!(!c.contract.signed);
    assert_eq!(
        (c.contract.signed_at, c.contract.signed_by_id),
        (None, None)
    );
    assert_eq!(c.signed_by_name, None);

    db.set_now(at(2023, 5, 3, 14, 30));
    db.api()
        .sign_contract(&s.sales, id, c.contract.version)
        .expect("sign");
    let c = db.api().get_contract(id).expect("get");
    assert!(c.contract.signed);
    assert_eq!(c.contract.signed_at, Some(at(2023, 5, 3, 14, 30)));
    assert_eq!(c.contract.signed_by_id, Some(s.sales.collaborator_id));
    assert_eq!(c.signed_by_name.as_deref(), Some("Bill Boquet"));

    // Twice: refused, with the current version as well as a stale one.
    db.advance_minutes(60);
    let msg = rule(db.api().sign_contract(&s.manager, id, c.contract.version));
    assert!(msg.contains("already signed"), "{msg}");
    assert!(matches!(
        db.api()
            .sign_contract(&s.manager, id, c.contract.version - 1),
        Err(Error::Conflict { .. })
    ));
    let again = db.api().get_contract(id).expect("get");
    assert_eq!(again.contract, c.contract, "the first signature stands");

    // An archived contract is not signed.
    let other = db.contract(&s.manager, client, 100_000);
    db.api()
        .set_contract_archived(&s.manager, other, db.contract_version(other), true)
        .expect("archive");
    let msg = rule(
        db.api()
            .sign_contract(&s.manager, other, db.contract_version(other)),
    );
    assert!(msg.contains("archived"), "{msg}");
    assert!(!db.api().get_contract(other).expect("get").contract.signed);
}

/// A refund or a correction through the interface every caller uses (in
/// process, or over HTTPS to the team server): management takes back at most
/// what was paid, with a reason; sales may not; nothing else moves.
fn corrections_take_back_at_most_what_was_paid(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let id = db.signed_contract(&s.manager, client, 100_000);
    db.api()
        .record_payment(&s.sales, id, Cents(30_000), date(2023, 4, 1))
        .expect("payment");
    let audits = audit_count(db, &s, id);
    let day = date(2023, 4, 2);
    let correct = |who, kind, cents, reason: &str| {
        db.api()
            .record_correction(who, id, kind, Cents(cents), reason, day)
    };

    let why = denied(correct(
        &s.sales,
        PaymentKind::Refund,
        1_000,
        "double charge",
    ));
    assert!(why.contains("management"), "{why}");
    let msg = field_error(
        correct(&s.manager, PaymentKind::Refund, 30_001, "too much"),
        "amount",
    );
    assert!(msg.contains("300.00"), "{msg}");
    // An absurd amount is refused like any other, before the database sums it.
    field_error(
        correct(&s.manager, PaymentKind::Correction, i64::MAX, "absurd"),
        "amount",
    );
    field_error(
        correct(&s.manager, PaymentKind::Refund, 0, "nothing"),
        "amount",
    );
    field_error(
        correct(&s.manager, PaymentKind::Refund, 1_000, "  "),
        "reason",
    );
    field_error(
        correct(&s.manager, PaymentKind::Payment, 1_000, "x"),
        "kind",
    );
    let d = db.api().get_contract(id).expect("get");
    assert_eq!((d.contract.due_cents, d.payments.len()), (70_000, 1));
    assert_eq!(audit_count(db, &s, id), audits, "refusals leave no trace");

    let pid = correct(&s.manager, PaymentKind::Refund, 10_000, "event shortened").expect("refund");
    let d = db.api().get_contract(id).expect("get");
    assert_eq!(d.contract.due_cents, 80_000);
    let (row, by) = &d.payments[0];
    assert_eq!(
        (
            row.id,
            row.kind.as_str(),
            row.amount_cents,
            row.reason.as_str()
        ),
        (pid, "refund", -10_000, "event shortened")
    );
    assert_eq!(by, "Mia Martin");
    assert_eq!(audit_count(db, &s, id), audits + 1);

    // The rest of what was paid, and not a cent more.
    correct(
        &s.admin,
        PaymentKind::Correction,
        20_000,
        "typed 300 for 100",
    )
    .expect("correction");
    let c = db.api().get_contract(id).expect("get").contract;
    assert_eq!((c.due_cents, c.paid()), (100_000, Cents(0)));
    field_error(correct(&s.admin, PaymentKind::Refund, 1, "again"), "amount");
}

backend_tests!(
    corrections_take_back_at_most_what_was_paid,
    due_is_total_minus_payments,
    overpayment_is_refused_with_what_is_due,
    zero_and_negative_payments_are_refused,
    total_cannot_drop_below_what_is_paid,
    archived_contracts_take_no_payment,
    signing_records_who_and_when_once,
);
