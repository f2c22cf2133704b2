//! Amounts and dates typed into forms, through the running app: one
//! unambiguous way to write an amount, a question before money is recorded or
//! a signed total lowered, every field error at once, and dates that make no
//! business sense asked about (or refused, for a payment in the future).

mod common;
mod tui_support;

use epicevents::app::App;
use epicevents::state::Overlay;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

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

fn question(app: &App) -> Option<String> {
    match ws(app).top() {
        Some(Overlay::Confirm(c)) => Some(c.dialog.message().to_string()),
        _ => None,
    }
}

/// Empties the focused field (Ctrl-U clears to the start, from its end).
fn clear_field(app: &mut App) {
    press(app, KeyCode::End);
    press_ctrl(app, 'u');
}

fn focus(app: &mut App, field: &str) {
    for _ in 0..10 {
        if ws(app).form().and_then(|f| f.form.focused()) == Some(field) {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no field {field}");
}

fn due(db: &common::TestDb, id: i64) -> i64 {
    db.crm
        .get_contract(id)
        .expect("contract")
        .contract
        .due_cents
}

#[test]
fn an_amount_reads_one_way_and_a_payment_is_confirmed_first() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, '2');
    select_where(&mut a, |r| r[0] == "#1");
    let before = due(&db, 1);
    ch(&mut a, 'p');
    assert!(ws(&a).form().is_some(), "payment form");
    for typed in ["12.345", "1.000", "1,234.56"] {
        clear_field(&mut a);
        type_text(&mut a, typed);
        press_ctrl(&mut a, 's');
        let err = field_error(&a, "amount").unwrap_or_default();
        assert!(
            err.contains("12 345") && err.contains("12.34"),
            "{typed}: {err}"
        );
        assert!(question(&a).is_none(), "{typed} is not asked about");
    }
    assert_eq!(due(&db, 1), before, "nothing recorded");

    clear_field(&mut a);
    type_text(&mut a, "12.34");
    press_ctrl(&mut a, 's');
    assert_eq!(
        question(&a).as_deref(),
        Some("Record 12.34 € on contract #1 (Kevin Casey)?")
    );
    ch(&mut a, 'n');
    assert_eq!(due(&db, 1), before, "No records nothing");
    assert!(ws(&a).form().is_some(), "the form stays");
    press_ctrl(&mut a, 's');
    assert!(question(&a).is_some(), "asked again");
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none(), "saved");
    assert_eq!(due(&db, 1), before - 1234);

    // Thousands with a space (or a no-break space) are thousands.
    ch(&mut a, 'p');
    type_text(&mut a, "1\u{a0}000,5");
    press_ctrl(&mut a, 's');
    assert_eq!(
        question(&a).as_deref(),
        Some("Record 1 000.50 € on contract #1 (Kevin Casey)?")
    );
    ch(&mut a, 'y');
    assert_eq!(due(&db, 1), before - 1234 - 100_050);
}

#[test]
fn a_payment_dated_in_the_future_is_refused_at_its_field() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, '2');
    select_where(&mut a, |r| r[0] == "#1");
    let before = due(&db, 1);
    ch(&mut a, 'p');
    type_text(&mut a, "100");
    focus(&mut a, "received_on");
    clear_field(&mut a);
    // The test clock says 2023-05-01.
    type_text(&mut a, "2023-05-02");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "received_on").unwrap_or_default();
    assert!(
        err.contains("future") && err.contains("2023-05-01"),
        "{err}"
    );
    assert!(question(&a).is_none());
    clear_field(&mut a);
    type_text(&mut a, "2023-04-30");
    press_ctrl(&mut a, 's');
    ch(&mut a, 'y');
    assert_eq!(due(&db, 1), before - 10_000);
}

#[test]
fn a_zero_total_is_refused_and_lowering_a_signed_total_asks() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, '2');
    // #1: 10 000.00 €, signed, 2 500.00 € paid.
    select_where(&mut a, |r| r[0] == "#1");
    ch(&mut a, 'e');
    clear_field(&mut a);
    type_text(&mut a, "0");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "total").unwrap_or_default();
    assert!(err.contains("0.00 €"), "{err}");
    clear_field(&mut a);
    type_text(&mut a, "2 000");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "total").unwrap_or_default();
    assert!(
        err.contains("2 500.00 €") && err.contains("paid"),
        "below what is paid: {err}"
    );
    assert!(question(&a).is_none());
    clear_field(&mut a);
    type_text(&mut a, "9 000");
    press_ctrl(&mut a, 's');
    assert_eq!(
        question(&a).as_deref(),
        Some("Lower the total of signed contract #1 from 10 000.00 € to 9 000.00 €?")
    );
    ch(&mut a, 'n');
    let total = |db: &common::TestDb| db.crm.get_contract(1).expect("c").contract.total_cents;
    assert_eq!(total(&db), 1_000_000);
    press_ctrl(&mut a, 's');
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none());
    assert_eq!(total(&db), 900_000);
    // Raising it asks nothing.
    ch(&mut a, 'e');
    clear_field(&mut a);
    type_text(&mut a, "9500");
    press_ctrl(&mut a, 's');
    assert!(question(&a).is_none() && ws(&a).form().is_none());
    assert_eq!(total(&db), 950_000);
}

#[test]
fn every_field_error_shows_at_once_and_says_what_is_wrong() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    // Name left empty, a bad phone and an impossible date.
    focus(&mut a, "phone");
    type_text(&mut a, "call me");
    focus(&mut a, "first_contact");
    clear_field(&mut a);
    type_text(&mut a, "2026-02-30");
    press_ctrl(&mut a, 's');
    assert_eq!(
        field_error(&a, "first_contact").as_deref(),
        Some("no such date: 2026-02-30")
    );
    assert!(field_error(&a, "phone").is_some(), "the phone too");
    assert!(field_error(&a, "full_name").is_some(), "the name too");
    assert!(field_error(&a, "email").is_some(), "the e-mail too");
    press(&mut a, KeyCode::Esc);
    ch(&mut a, 'y');

    // An event: a huge attendance says the maximum, with the other errors.
    ch(&mut a, '3');
    ch(&mut a, 'n');
    focus(&mut a, "attendees");
    type_text(&mut a, "99999999999");
    focus(&mut a, "starts_at");
    clear_field(&mut a);
    type_text(&mut a, "soon");
    press_ctrl(&mut a, 's');
    assert_eq!(
        field_error(&a, "attendees").as_deref(),
        Some("at most 1 000 000")
    );
    assert!(field_error(&a, "starts_at").is_some());
    assert!(field_error(&a, "name").is_some(), "the name too");
}

fn pick_contract(a: &mut App, label: &str) {
    focus(a, "contract");
    press(a, KeyCode::Enter);
    type_text(a, label);
    press(a, KeyCode::Enter);
}

#[test]
fn an_event_before_its_contract_or_in_the_past_is_asked_about() {
    let db = demo_db();
    let mut a = logged_in(&db, BILL);
    let events = |db: &common::TestDb| db.crm.get_contract(1).expect("c").events.len();
    let before = events(&db);
    ch(&mut a, '3');
    ch(&mut a, 'n');
    pick_contract(&mut a, "#1");
    focus(&mut a, "name");
    type_text(&mut a, "Kick-off");
    focus(&mut a, "starts_at");
    clear_field(&mut a);
    // The contract was made on 2023-05-01 09:00 (the test clock).
    type_text(&mut a, "2023-04-20 10:00");
    focus(&mut a, "ends_at");
    clear_field(&mut a);
    type_text(&mut a, "2023-04-20 12:00");
    press_ctrl(&mut a, 's');
    let q = question(&a).unwrap_or_default();
    assert!(
        q.contains("before contract #1") && q.contains("in the past"),
        "{q}"
    );
    ch(&mut a, 'n');
    assert_eq!(events(&db), before, "No saves nothing");
    press_ctrl(&mut a, 's');
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none(), "saved on purpose");
    assert_eq!(events(&db), before + 1);

    // Next week: nothing to ask.
    ch(&mut a, '3');
    ch(&mut a, 'n');
    pick_contract(&mut a, "#1");
    focus(&mut a, "name");
    type_text(&mut a, "Debrief");
    focus(&mut a, "starts_at");
    clear_field(&mut a);
    type_text(&mut a, "2023-05-08 10:00");
    focus(&mut a, "ends_at");
    clear_field(&mut a);
    type_text(&mut a, "2023-05-08 12:00");
    press_ctrl(&mut a, 's');
    assert!(question(&a).is_none());
    assert_eq!(events(&db), before + 2);
}

#[test]
fn management_takes_money_back_with_a_reason_after_a_question() {
    let db = demo_db();
    // Sales recorded the payment on #1 but may not take it back: the key says why.
    let mut b = logged_in(&db, BILL);
    ch(&mut b, '2');
    select_where(&mut b, |r| r[0] == "#1");
    assert!(!offers(&b, "P"));
    ch(&mut b, 'P');
    assert!(ws(&b).form().is_none());
    assert!(toast(&b).contains("management"), "{}", toast(&b));

    let mut a = logged_in(&db, MIA);
    ch(&mut a, '2');
    // A contract with nothing paid has nothing to take back.
    select_where(&mut a, |r| r[2] == r[3]);
    assert!(!offers(&a, "P"));
    ch(&mut a, 'P');
    assert!(ws(&a).form().is_none());
    assert!(toast(&a).contains("Nothing has been paid"), "{}", toast(&a));

    // #1: 10 000.00 €, 2 500.00 € paid.
    select_where(&mut a, |r| r[0] == "#1");
    assert!(offers(&a, "P"), "offered: {:?}", a.hints());
    let before = due(&db, 1);
    ch(&mut a, 'P');
    assert!(ws(&a).form().is_some(), "correction form");
    // More than was paid, a date to come and no reason: each at its field.
    focus(&mut a, "amount");
    type_text(&mut a, "2 500.01");
    focus(&mut a, "received_on");
    clear_field(&mut a);
    type_text(&mut a, "2023-05-02");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "received_on").unwrap_or_default();
    assert!(err.contains("future"), "{err}");
    assert!(field_error(&a, "reason").is_some());
    assert!(question(&a).is_none());
    clear_field(&mut a);
    type_text(&mut a, "2023-04-30");
    focus(&mut a, "reason");
    type_text(&mut a, "charged twice");
    press_ctrl(&mut a, 's');
    let err = field_error(&a, "amount").unwrap_or_default();
    assert!(err.contains("2 500.00"), "{err}");
    focus(&mut a, "amount");
    clear_field(&mut a);
    type_text(&mut a, "12.34");
    press_ctrl(&mut a, 's');
    assert_eq!(
        question(&a).as_deref(),
        Some("Take back 12.34 € from contract #1 (Kevin Casey) as a refund?")
    );
    ch(&mut a, 'n');
    assert_eq!(due(&db, 1), before, "No takes nothing back");
    press_ctrl(&mut a, 's');
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none(), "saved");
    assert_eq!(due(&db, 1), before + 1234);
    let d = db.crm.get_contract(1).expect("contract");
    let (row, _) = &d.payments[0];
    assert_eq!(
        (row.kind.as_str(), row.amount_cents, row.reason.as_str()),
        ("refund", -1234, "charged twice")
    );

    // From the contract's detail, as a correction chosen in the kind picker.
    press(&mut a, KeyCode::Enter);
    assert!(ws(&a).detail().is_some(), "detail view");
    assert!(offers(&a, "P"));
    ch(&mut a, 'P');
    focus(&mut a, "kind");
    press(&mut a, KeyCode::Enter);
    assert!(
        matches!(ws(&a).top(), Some(Overlay::Picker(_))),
        "kind picker"
    );
    type_text(&mut a, "corr");
    press(&mut a, KeyCode::Enter);
    focus(&mut a, "amount");
    type_text(&mut a, "100");
    focus(&mut a, "reason");
    type_text(&mut a, "typed 2 600 for 2 500");
    press_ctrl(&mut a, 's');
    assert_eq!(
        question(&a).as_deref(),
        Some("Take back 100.00 € from contract #1 (Kevin Casey) as a correction?")
    );
    ch(&mut a, 'y');
    assert!(ws(&a).form().is_none(), "saved");
    assert_eq!(due(&db, 1), before + 1234 + 10_000);
    let d = db.crm.get_contract(1).expect("contract");
    assert_eq!(d.payments[0].0.kind, "correction");
}
