//! Hostile text in every text field: stored and read back exactly, or refused with
//! a validation error at that field; never a database error. Searching with
//! hostile terms returns normally.

mod common;

use common::*;
use epicevents::db::repo::audit::AuditFilter;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::collaborators::{CollaboratorFilter, CollaboratorSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort};
use epicevents::db::repo::ListParams;
use epicevents::domain::Role;
use epicevents::services::clients::ClientInput;
use epicevents::services::collaborators::CollaboratorInput;
use epicevents::services::events::EventInput;
use epicevents::Error;

/// Text that is allowed, however odd: it must come back byte for byte.
fn odd_but_fine() -> Vec<(&'static str, String)> {
    vec![
        (
            "quotes",
            r#"O'Brien "Big" `tick` ‘curly’ «guillemets»"#.into(),
        ),
        ("sql", "'; DROP TABLE clients; --".into()),
        ("sql 2", "Robert'); DELETE FROM events WHERE ('1'='1".into()),
        ("like", r"100% _under_ \back\slash".into()),
        ("rtl mark", "Ali\u{200F} 12\u{200E}".into()),
        ("emoji", "🎉 Fête 👨‍👩‍👧‍👦 🇫🇷".into()),
        (
            "combining",
            "Cande\u{0301}-sur-Beuvron A\u{030A}ngstro\u{0308}m".into(),
        ),
        ("html", "<script>alert(1)</script>".into()),
        ("zero width", "Ka\u{200B}te\u{200D}".into()),
        ("cjk", "北京 東京".into()),
        ("fts syntax", "NEAR(a b) OR \"x\" * ^col: {c d}".into()),
        ("100 emoji", "😀".repeat(100)),
    ]
}

/// Characters a terminal obeys: refused in every text field (newline and tab
/// are fine in the notes only).
fn controls() -> Vec<(&'static str, String)> {
    vec![
        ("rtl override", "\u{202E}gnp.exe\u{202C}".into()),
        ("terminal escape", "\u{1b}[31mred\u{1b}[0m".into()),
        ("osc title", "\u{1b}]0;pwned\u{7}".into()),
        ("8-bit csi", "\u{9b}2J".into()),
        ("tab", "a\tb".into()),
        ("newline", "a\nb".into()),
    ]
}

/// Text that must be refused in every text field.
fn nul() -> String {
    "before\0after".into()
}

/// 10 kB: too long for every field but the notes.
fn ten_kb() -> String {
    "x".repeat(10 * 1024)
}

/// Stored (Some) or refused at `field` (None); anything else fails the test.
#[track_caller]
fn stored_or_refused<T: std::fmt::Debug>(
    r: epicevents::Result<T>,
    field: &str,
    what: &str,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(Error::Validation(errors)) => {
            assert!(
                errors
                    .iter()
                    .any(|e| e.field == field && !e.message.is_empty()),
                "{what}: refused, but not at {field}: {errors:?}"
            );
            None
        }
        Err(e) => panic!("{what}: neither stored nor refused at {field}: {e:?}"),
    }
}

#[track_caller]
fn refused<T: std::fmt::Debug>(r: epicevents::Result<T>, field: &str, what: &str) {
    assert!(
        stored_or_refused(r, field, what).is_none(),
        "{what}: must be refused at {field}"
    );
}

fn base_client(i: usize) -> ClientInput {
    client_input("Kevin Casey", &format!("client{i}@startup.example"))
}

fn with_client_field(mut input: ClientInput, field: &str, value: &str) -> ClientInput {
    match field {
        "full_name" => input.full_name = value.into(),
        "email" => input.email = value.into(),
        "phone" => input.phone = value.into(),
        "company_name" => input.company_name = value.into(),
        _ => unreachable!(),
    }
    input
}

fn client_field(db: &TestDb, id: i64, field: &str) -> String {
    let c = db.api().get_client(id).expect("get").client;
    match field {
        "full_name" => c.full_name,
        "email" => c.email,
        "phone" => c.phone,
        "company_name" => c.company_name,
        _ => unreachable!(),
    }
}

fn client_fields(db: &TestDb) {
    let s = db.staff();
    let existing = db.client(&s.sales, "Lou Bouzin", "lou@bouzin.example");
    let mut i = 0;
    for field in ["full_name", "company_name", "phone", "email"] {
        for (label, value) in odd_but_fine() {
            i += 1;
            let what = format!("client {field} {label}");
            let input = with_client_field(base_client(i), field, &value);
            if let Some(id) =
                stored_or_refused(db.api().create_client(&s.sales, &input), field, &what)
            {
                let expected = if field == "email" {
                    value.trim().to_lowercase()
                } else {
                    value.clone()
                };
                assert_eq!(client_field(db, id, field), expected, "{what}");
            }
            // The same through an edit.
            let v = db.client_version(existing);
            let input = with_client_field(
                client_input("Lou Bouzin", "lou@bouzin.example"),
                field,
                &value,
            );
            if stored_or_refused(
                db.api().update_client(&s.sales, existing, v, &input),
                field,
                &format!("{what} (edit)"),
            )
            .is_some()
                && field != "email"
            {
                assert_eq!(client_field(db, existing, field), value, "{what} (edit)");
            }
        }
        let mut bad = vec![("NUL", nul()), ("10 kB", ten_kb())];
        bad.extend(controls());
        for (label, value) in bad {
            i += 1;
            let what = format!("client {field} {label}");
            let input = with_client_field(base_client(i), field, &value);
            refused(db.api().create_client(&s.sales, &input), field, &what);
            let v = db.client_version(existing);
            let input = with_client_field(
                client_input("Lou Bouzin", "lou@bouzin.example"),
                field,
                &value,
            );
            refused(
                db.api().update_client(&s.sales, existing, v, &input),
                field,
                &format!("{what} (edit)"),
            );
        }
    }
    // The names that were stored are found by themselves.
    for (label, value) in odd_but_fine() {
        let p = ListParams {
            include_archived: true,
            ..ListParams::default().with_filter(&value)
        };
        if p.terms.is_empty() {
            continue;
        }
        let page = db
            .api()
            .list_clients(&ClientFilter::default(), ClientSort::Name, &p)
            .unwrap_or_else(|e| panic!("search {label}: {e}"));
        assert!(
            page.rows.iter().any(|r| r.client.full_name == value),
            "{label}: {value:?} not found by itself ({:?})",
            p.terms
        );
    }
}

fn event_fields(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "John Ouick", "john@ouick.example");
    let contract = db.signed_contract(&s.manager, client, 800_000);
    let (start, end) = (at(2023, 6, 4, 13, 0), at(2023, 6, 5, 2, 0));
    let existing = db.event(&s.sales, contract, "John Ouick Wedding", start, end);
    let set = |field: &str, value: &str| {
        let mut input = event_input("John Ouick Wedding", start, end);
        match field {
            "name" => input.name = value.into(),
            "location" => input.location = value.into(),
            "notes" => input.notes = value.into(),
            _ => unreachable!(),
        }
        input
    };
    let get = |id: i64, field: &str| {
        let e = db.api().get_event(id).expect("get").event;
        match field {
            "name" => e.name,
            "location" => e.location,
            "notes" => e.notes,
            _ => unreachable!(),
        }
    };
    let mut fine = odd_but_fine();
    fine.push((
        "multi-line",
        "Line one\nLine two\r\n\tindented\n\n  trailing spaces  ".into(),
    ));
    for field in ["name", "location", "notes"] {
        for (label, value) in &fine {
            let what = format!("event {field} {label}");
            let input: EventInput = set(field, value);
            // Leading and trailing blanks of a name or a place are trimmed.
            let expected = if field == "notes" {
                value.clone()
            } else {
                value.trim().to_string()
            };
            if let Some(id) = stored_or_refused(
                db.api().create_event(&s.sales, contract, &input),
                field,
                &what,
            ) {
                assert_eq!(get(id, field), expected, "{what}");
            }
            if stored_or_refused(
                db.api()
                    .update_event(&s.manager, existing, db.event_version(existing), &input),
                field,
                &format!("{what} (edit)"),
            )
            .is_some()
            {
                assert_eq!(get(existing, field), expected, "{what} (edit)");
            }
        }
        for (label, value) in controls() {
            let what = format!("event {field} {label}");
            let r = db
                .api()
                .create_event(&s.sales, contract, &set(field, &value));
            if field == "notes" && matches!(label, "tab" | "newline") {
                let id = r.expect("notes take tabs and newlines");
                assert_eq!(get(id, field), value, "{what}");
            } else {
                refused(r, field, &what);
            }
        }
        let what = format!("event {field} NUL");
        refused(
            db.api()
                .create_event(&s.sales, contract, &set(field, &nul())),
            field,
            &what,
        );
        refused(
            db.api().update_event(
                &s.manager,
                existing,
                db.event_version(existing),
                &set(field, &nul()),
            ),
            field,
            &what,
        );
        let what = format!("event {field} 10 kB");
        let r = db
            .api()
            .create_event(&s.sales, contract, &set(field, &ten_kb()));
        if field == "notes" {
            let id = r.expect("10 kB of notes are fine");
            assert_eq!(get(id, field), ten_kb());
            refused(
                db.api()
                    .create_event(&s.sales, contract, &set(field, &"x".repeat(20_001))),
                field,
                "event notes over 20 000 characters",
            );
        } else {
            refused(r, field, &what);
        }
    }
}

fn collaborator_names(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    let form = |name: &str, email: &str| CollaboratorInput {
        full_name: name.into(),
        email: email.into(),
        phone: None,
        role: Role::Support,
    };
    for (i, (label, value)) in odd_but_fine().into_iter().enumerate() {
        let what = format!("collaborator name {label}");
        let email = format!("hostile{i}@epicevents.example");
        if let Some(id) = stored_or_refused(
            db.api()
                .create_collaborator(&s.admin, &form(&value, &email), PASSWORD),
            "full_name",
            &what,
        ) {
            assert_eq!(db.api().get_collaborator(id).expect("get").full_name, value);
        }
        if stored_or_refused(
            db.api().update_collaborator(
                &s.manager,
                kate,
                db.collaborator_version(kate),
                &form(&value, "kate.hastroff@epicevents.example"),
            ),
            "full_name",
            &format!("{what} (edit)"),
        )
        .is_some()
        {
            assert_eq!(
                db.api().get_collaborator(kate).expect("get").full_name,
                value
            );
        }
    }
    for (label, value) in [("NUL", nul()), ("10 kB", ten_kb())] {
        let what = format!("collaborator name {label}");
        refused(
            db.api().create_collaborator(
                &s.admin,
                &form(&value, "nul@epicevents.example"),
                PASSWORD,
            ),
            "full_name",
            &what,
        );
        refused(
            db.api().update_collaborator(
                &s.manager,
                kate,
                db.collaborator_version(kate),
                &form(&value, "kate.hastroff@epicevents.example"),
            ),
            "full_name",
            &what,
        );
        refused(
            db.api().create_collaborator(
                &s.admin,
                &form("Jacky Blangier", &format!("jacky{value}@x.example")),
                PASSWORD,
            ),
            "email",
            &format!("collaborator email {label}"),
        );
    }
    // Logging in with hostile text is just a failed login.
    for (_, value) in odd_but_fine()
        .into_iter()
        .chain([("nul", nul()), ("10 kB", ten_kb())])
    {
        assert!(matches!(
            db.api().login(&value, &value),
            Err(Error::InvalidCredentials)
        ));
    }
}

fn hostile_search_terms_return_normally(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "'; DROP TABLE clients; --", "drop@x.example");
    let contract = db.signed_contract(&s.manager, client, 100_000);
    db.event(
        &s.sales,
        contract,
        "🎉 Launch \"Party\"",
        at(2023, 6, 4, 13, 0),
        at(2023, 6, 5, 2, 0),
    );
    let mut terms: Vec<String> = odd_but_fine().into_iter().map(|(_, v)| v).collect();
    terms.extend(
        [
            "\0",
            "a\0b",
            "%",
            "_",
            "'",
            "\"",
            "\\",
            "*",
            "(",
            ")",
            "\"\"\"",
            "NEAR",
            "AND OR NOT",
            "^",
            "-",
            ":",
            "col:x",
            "{a b}",
            "a\"b",
            "'; DROP TABLE events; --",
            "\u{202E}",
            "\u{FEFF}",
            "\u{FFFF}",
            "\u{10FFFF}",
        ]
        .map(String::from),
    );
    terms.push(ten_kb());
    terms.push("é".repeat(3000));
    for text in &terms {
        let p = ListParams::default().with_filter(text);
        let what = format!("search {:?}", text.chars().take(40).collect::<String>());
        db.api()
            .list_clients(&ClientFilter::default(), ClientSort::Name, &p)
            .unwrap_or_else(|e| panic!("{what} clients: {e:?}"));
        db.api()
            .list_contracts(&ContractFilter::default(), ContractSort::Id, &p)
            .unwrap_or_else(|e| panic!("{what} contracts: {e:?}"));
        db.api()
            .list_events(&EventFilter::default(), EventSort::Start, &p)
            .unwrap_or_else(|e| panic!("{what} events: {e:?}"));
        db.api()
            .list_collaborators(&CollaboratorFilter::default(), CollaboratorSort::Name, &p)
            .unwrap_or_else(|e| panic!("{what} collaborators: {e:?}"));
        db.api()
            .list_notifications(&s.sales, false, &p)
            .unwrap_or_else(|e| panic!("{what} notifications: {e:?}"));
        db.api()
            .list_audit(&s.admin, &AuditFilter::default(), &p)
            .unwrap_or_else(|e| panic!("{what} audit: {e:?}"));
    }
    // The tables are all still there, and what is hostile is found literally.
    let found = |text: &str| {
        db.api()
            .list_clients(
                &ClientFilter::default(),
                ClientSort::Name,
                &ListParams::default().with_filter(text),
            )
            .expect("list")
            .total
    };
    assert_eq!(found("drop table"), 1);
    assert_eq!(found("'; drop"), 1);
    assert_eq!(found("--"), 1);
    assert_eq!(found("table events"), 0);
    let events = |text: &str| {
        db.api()
            .list_events(
                &EventFilter::default(),
                EventSort::Start,
                &ListParams::default().with_filter(text),
            )
            .expect("list")
            .total
    };
    assert_eq!(events("\"party\""), 1);
    assert_eq!(events("🎉"), 1);
    assert_eq!(events("launch 🎉"), 1);
    assert_eq!(events("\"party"), 1);
    assert_eq!(
        db.api()
            .list_contracts(
                &ContractFilter::default(),
                ContractSort::Id,
                &ListParams::default()
            )
            .expect("list")
            .total,
        1
    );
}

backend_tests!(
    client_fields,
    event_fields,
    collaborator_names,
    hostile_search_terms_return_normally,
);
