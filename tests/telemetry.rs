//! What goes to Sentry: secrets and personal data are scrubbed by the
//! `before_send` hook, and the business messages of SPEC §4 are sent once each,
//! with ids only. The capturing hub is thread-local: service calls run inside
//! the closure, on this thread.

mod common;

use std::collections::BTreeMap;

use common::*;
use epicevents::domain::Role;
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::telemetry::{scrub, sentry_options};
use sentry::protocol::{Breadcrumb, Event, Exception, Level, User, Value};

const HASH: &str = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
const SECRETS: &[&str] = &[
    "hunter2",
    "Tangerine-Orbit",
    "$2b$",
    "R9h/cIPz0gi",
    "tok_live_9f8e7d",
    "kate.hastroff@epicevents.example",
    "kate.hastroff",
    "s3cr3t-pg",
    "dsn-secret-key",
];

fn hostile_event() -> Event<'static> {
    let mut extra = BTreeMap::new();
    extra.insert("password".to_string(), Value::from("hunter2"));
    extra.insert("password_hash".to_string(), Value::from(HASH));
    extra.insert("api_token".to_string(), Value::from("tok_live_9f8e7d"));
    extra.insert(
        "database".to_string(),
        Value::from("postgres://epic:s3cr3t-pg@db.internal:5432/crm"),
    );
    extra.insert(
        "note".to_string(),
        Value::from("login kate.hastroff@epicevents.example with password=hunter2"),
    );
    extra.insert(
        "nested".to_string(),
        serde_json::json!({
            "user": {"email": "kate.hastroff@epicevents.example", "secret": "hunter2"},
            "list": [HASH, "token=tok_live_9f8e7d", "ok value"],
            "count": 3
        }),
    );
    let mut tags = BTreeMap::new();
    tags.insert("token".to_string(), "tok_live_9f8e7d".to_string());
    tags.insert(
        "who".to_string(),
        "kate.hastroff@epicevents.example".to_string(),
    );
    tags.insert(
        "db".to_string(),
        "postgres://epic:s3cr3t-pg@db.internal/crm".to_string(),
    );
    tags.insert("screen".to_string(), "contracts".to_string());
    let mut crumb_data = BTreeMap::new();
    crumb_data.insert("password".to_string(), Value::from("hunter2"));
    crumb_data.insert("hash".to_string(), Value::from(HASH));
    crumb_data.insert(
        "query".to_string(),
        Value::from("SELECT 1 -- as kate.hastroff@epicevents.example"),
    );
    let crumb = Breadcrumb {
        message: Some(format!(
            "login kate.hastroff@epicevents.example password: hunter2 hash {HASH} \
             token=tok_live_9f8e7d via postgres://epic:s3cr3t-pg@db.internal/crm"
        )),
        data: crumb_data,
        ..Default::default()
    };
    Event {
        message: Some(format!(
            "login failed for kate.hastroff@epicevents.example (password=hunter2, \
             hash {HASH}, token=tok_live_9f8e7d, dsn=https://dsn-secret-key@sentry.example/1) \
             on postgres://epic:s3cr3t-pg@db.internal:5432/crm"
        )),
        level: Level::Error,
        extra,
        tags,
        breadcrumbs: vec![crumb].into(),
        exception: vec![Exception {
            ty: "Error".into(),
            value: Some(format!(
                "cannot verify password: \"hunter2\" against {HASH} for <kate.hastroff@epicevents.example>"
            )),
            ..Default::default()
        }]
        .into(),
        user: Some(User {
            email: Some("kate.hastroff@epicevents.example".into()),
            username: Some("kate.hastroff".into()),
            ip_address: None,
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[track_caller]
fn assert_clean(event: &Event<'static>) -> String {
    let json = serde_json::to_string(event).expect("serialise");
    for s in SECRETS {
        assert!(!json.contains(s), "{s:?} leaked: {json}");
    }
    json
}

#[test]
fn before_send_scrubs_secrets_and_personal_data() {
    let events = sentry::test::with_captured_events_options(
        || {
            sentry::add_breadcrumb(hostile_event().breadcrumbs.values[0].clone());
            sentry::capture_event(hostile_event());
        },
        sentry_options(None),
    );
    assert_eq!(events.len(), 1);
    let json = assert_clean(&events[0]);
    // What is useful stays.
    let e = &events[0];
    let message = e.message.as_deref().expect("message");
    assert!(message.starts_with("login failed for"), "{message}");
    assert!(
        message.contains("postgres://epic:***@db.internal:5432/crm"),
        "{message}"
    );
    assert_eq!(e.tags.get("screen").map(String::as_str), Some("contracts"));
    assert!(json.contains("ok value"));
    assert!(json.contains("db.internal"));
    assert_eq!(e.level, Level::Error);
    // Both breadcrumbs (the one added to the scope, the one on the event) are clean.
    assert!(!e.breadcrumbs.values.is_empty());
    for b in &e.breadcrumbs.values {
        assert!(b.message.as_deref().unwrap_or("").starts_with("login"));
    }
}

#[test]
fn scrub_event_alone_cleans_every_part() {
    let e = scrub::scrub_event(hostile_event());
    assert_clean(&e);
    assert_eq!(e.user.as_ref().and_then(|u| u.email.clone()), None);
    assert_eq!(
        e.extra.get("password"),
        Some(&Value::from("[redacted]")),
        "a secret key's value goes whole"
    );
    assert_eq!(
        scrub::mask_url_password("postgresql://app:p%40ss@h:5432/db?sslmode=require"),
        "postgresql://app:***@h:5432/db?sslmode=require"
    );
    assert_eq!(
        scrub::scrub_text("nothing secret here: 42 contracts"),
        "nothing secret here: 42 contracts"
    );
}

/// The business messages captured while `f` runs, with sentry configured as the
/// binary configures it.
fn captured(f: impl FnOnce()) -> Vec<Event<'static>> {
    sentry::test::with_captured_events_options(f, sentry_options(None))
}

#[track_caller]
fn only_ids(e: &Event<'static>, forbidden: &[&str]) {
    let json = serde_json::to_string(e).expect("serialise");
    for f in forbidden {
        assert!(
            !json.to_lowercase().contains(&f.to_lowercase()),
            "{f:?} sent: {json}"
        );
    }
    assert!(e.user.is_none());
    for (k, v) in &e.tags {
        assert!(k.ends_with("_id"), "tag {k}");
        assert!(v.parse::<i64>().is_ok(), "tag {k}={v} is an id");
    }
}

fn collaborator_messages_are_sent_once_with_ids_only(db: &TestDb) {
    let s = db.staff();
    let input = CollaboratorInput {
        full_name: "Jacky Blangier".into(),
        email: "jacky.blangier@loubouzin.example".into(),
        phone: Some("+33 6 66 12 34 50".into()),
        role: Role::Sales,
    };
    let private = [
        "Jacky",
        "Blangier",
        "loubouzin",
        "66 12",
        PASSWORD,
        "Mia Martin",
        "mia.martin",
    ];
    let mut id = 0;
    let events = captured(|| {
        id = db
            .crm
            .create_collaborator(&s.manager, &input, PASSWORD)
            .expect("create");
    });
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e.message.as_deref(), Some("collaborator created"));
    assert_eq!(e.level, Level::Info);
    assert_eq!(
        e.tags.get("collaborator_id").map(String::as_str),
        Some(id.to_string().as_str())
    );
    assert_eq!(
        e.tags.get("actor_id").map(String::as_str),
        Some(s.manager.collaborator_id.to_string().as_str())
    );
    only_ids(e, &private);

    let events = captured(|| {
        db.crm
            .update_collaborator(
                &s.manager,
                id,
                db.collaborator_version(id),
                &CollaboratorInput {
                    role: Role::Support,
                    ..input.clone()
                },
            )
            .expect("update");
    });
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].message.as_deref(), Some("collaborator updated"));
    assert_eq!(
        events[0].tags.get("collaborator_id").map(String::as_str),
        Some(id.to_string().as_str())
    );
    only_ids(&events[0], &private);

    // Deactivation is an update too.
    let events = captured(|| {
        db.crm
            .set_collaborator_active(
                &s.manager,
                id,
                db.collaborator_version(id),
                false,
                Handover::default(),
            )
            .expect("deactivate");
    });
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].message.as_deref(), Some("collaborator updated"));

    // Nothing is sent for a refusal or an edit that changes nothing.
    let events = captured(|| {
        let refused = db.crm.create_collaborator(
            &s.sales,
            &CollaboratorInput {
                email: "other@x.example".into(),
                ..input.clone()
            },
            PASSWORD,
        );
        assert!(refused.is_err());
        let duplicate = db.crm.create_collaborator(&s.manager, &input, PASSWORD);
        assert!(duplicate.is_err());
        let k = s.support2.collaborator_id;
        let same = db.crm.get_collaborator(k).expect("get");
        db.crm
            .update_collaborator(
                &s.admin,
                k,
                same.version,
                &CollaboratorInput {
                    full_name: same.full_name.clone(),
                    email: same.email.clone(),
                    phone: same.phone.clone(),
                    role: Role::Support,
                },
            )
            .expect("no-op");
        let stale = db.crm.update_collaborator(
            &s.admin,
            k,
            same.version - 1,
            &CollaboratorInput {
                full_name: "Someone".into(),
                email: same.email.clone(),
                phone: None,
                role: Role::Support,
            },
        );
        assert!(stale.is_err());
    });
    assert!(events.is_empty(), "{events:?}");
}

fn contract_signed_is_sent_once_with_ids_only(db: &TestDb) {
    let s = db.staff();
    let client = db.client(&s.sales, "Kevin Casey", "kevin@startup.io");
    let contract = db.contract(&s.manager, client, 1_000_000);
    let events = captured(|| {
        db.crm
            .sign_contract(&s.sales, contract, db.contract_version(contract))
            .expect("sign");
        // Signing again is refused and sends nothing more.
        assert!(db
            .crm
            .sign_contract(&s.sales, contract, db.contract_version(contract))
            .is_err());
        // Other writes send nothing.
        db.crm
            .record_payment(
                &s.sales,
                contract,
                epicevents::domain::Cents(100),
                date(2023, 5, 1),
            )
            .expect("pay");
    });
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e.message.as_deref(), Some("contract signed"));
    assert_eq!(
        e.tags.get("contract_id").map(String::as_str),
        Some(contract.to_string().as_str())
    );
    assert_eq!(
        e.tags.get("actor_id").map(String::as_str),
        Some(s.sales.collaborator_id.to_string().as_str())
    );
    only_ids(
        e,
        &["Kevin", "Casey", "startup.io", "Bill", "Boquet", "10 000"],
    );
}

backend_tests!(
    collaborator_messages_are_sent_once_with_ids_only,
    contract_signed_is_sent_once_with_ids_only,
);
