//! Guards of the team server, over real HTTPS against a server on an SQLite
//! database: a collaborator whose password must be changed can do nothing
//! else first, the first admin can only be created from the server's own
//! machine, and "may I?" gets the same answer through the server as in
//! process.

mod common;

use std::net::{IpAddr, SocketAddr};

use common::*;
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::wire::{Problem, Tokens};
use epicevents::api::CrmApi;
use epicevents::domain::Role;
use epicevents::server::{Running, ServerSettings};
use epicevents::services::collaborators::CollaboratorInput;
use serde_json::json;

fn start(db: &TestDb, listen: &str, dir: &tempfile::TempDir) -> Running {
    common::start_server(
        db.crm.clone(),
        listen,
        &dir.path().join("server"),
        ServerSettings::default(),
    )
}

fn client(running: &Running, addr: SocketAddr) -> RemoteCrm {
    RemoteCrm::connect(
        &format!("https://{addr}"),
        &Trust::Fingerprint(running.fingerprint.clone()),
    )
    .expect("client")
}

fn problem(body: &[u8]) -> Problem {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not a problem ({e}): {}", String::from_utf8_lossy(body)))
}

fn login(c: &RemoteCrm, email: &str, password: &str) -> Tokens {
    let (status, body) = c
        .raw(
            "POST",
            "/v1/session",
            Some(&json!({"email": email, "password": password})),
            None,
        )
        .expect("request");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).expect("tokens")
}

#[test]
fn a_password_that_must_be_changed_is_changed_before_anything_else() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("dir");
    let running = start(&db, "127.0.0.1:0", &dir);
    let c = client(&running, running.addr);
    let admin = db.admin();
    // A new account's password was set by the admin: it must be changed.
    db.crm
        .create_collaborator(
            &admin,
            &CollaboratorInput {
                full_name: "Nina New".into(),
                email: "nina@epicevents.example".into(),
                phone: None,
                role: Role::Sales,
            },
            PASSWORD,
        )
        .expect("hire");

    let t = login(&c, "nina@epicevents.example", PASSWORD);
    assert!(t.session.must_change_password);
    let token = t.access_token.as_str();

    // Everything but the change itself is refused, with a code that says why.
    for (method, path, body) in [
        ("GET", "/v1/clients", None),
        ("GET", "/v1/notifications/unread", None),
        ("POST", "/v1/notifications/reminders", None),
        (
            "POST",
            "/v1/clients",
            Some(
                json!({"full_name": "X", "email": "x@example.com", "phone": "",
                "company_name": "", "first_contact": "2023-05-01", "last_contact": "2023-05-01"}),
            ),
        ),
    ] {
        let (status, answer) = c
            .raw(method, path, body.as_ref(), Some(token))
            .expect("request");
        assert_eq!(status, 403, "{method} {path}");
        let p = problem(&answer);
        assert_eq!(p.code, "must_change_password", "{method} {path}");
        assert!(p.detail.contains("change your password"), "{}", p.detail);
    }
    // Nothing was created meanwhile.
    let clients = db
        .crm
        .list_clients(&Default::default(), Default::default(), &Default::default())
        .expect("list");
    assert_eq!(clients.total, 0);

    // Who they are is readable (the terminal shows the form with it).
    let (status, _) = c.raw("GET", "/v1/me", None, Some(token)).expect("me");
    assert_eq!(status, 200);

    // The change is accepted; the new password then opens a normal session.
    let new_password = "Saffron-Lantern-2024!";
    let (status, body) = c
        .raw(
            "POST",
            "/v1/me/password",
            Some(&json!({"current_password": PASSWORD, "new_password": new_password})),
            Some(token),
        )
        .expect("change");
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    let t = login(&c, "nina@epicevents.example", new_password);
    assert!(!t.session.must_change_password);
    let (status, _) = c
        .raw("GET", "/v1/clients", None, Some(&t.access_token))
        .expect("list");
    assert_eq!(status, 200);

    // Through the client library the refusal is a denial with the reason.
    let fresh = client(&running, running.addr);
    let admin_reset = db
        .crm
        .reset_password(&admin, t.session.collaborator_id, PASSWORD);
    admin_reset.expect("reset");
    let s = fresh
        .login("nina@epicevents.example", PASSWORD)
        .expect("login");
    assert!(s.must_change_password);
    let refused = fresh.list_clients(&Default::default(), Default::default(), &Default::default());
    let msg = denied(refused);
    assert!(msg.contains("change your password"), "{msg}");
}

/// An address of this machine other than loopback: the one it would use to
/// reach the outside (no packet is sent by a UDP `connect`).
fn outward_address() -> IpAddr {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").expect("udp socket");
    s.connect("192.0.2.1:9")
        .or_else(|_| s.connect("10.255.255.255:9"))
        .expect("this machine has a route off loopback");
    let ip = s.local_addr().expect("local address").ip();
    assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
    ip
}

#[test]
fn the_first_admin_is_created_only_from_the_servers_machine() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("dir");
    let running = start(&db, "0.0.0.0:0", &dir);
    let port = running.addr.port();
    let account = json!({
        "full_name": "Paula Admin",
        "email": "paula@epicevents.example",
        "phone": null,
        "password": PASSWORD,
    });

    // From the network: refused, and the database still waits for its admin.
    let remote = client(&running, SocketAddr::new(outward_address(), port));
    let (status, body) = remote
        .raw("POST", "/v1/setup", Some(&account), None)
        .expect("request");
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    let p = problem(&body);
    assert_eq!(p.code, "denied");
    assert!(p.detail.contains("server's own machine"), "{}", p.detail);
    assert!(db.crm.needs_first_admin().expect("state"));

    // From 127.0.0.1: created, with a session.
    let local = client(&running, SocketAddr::from(([127, 0, 0, 1], port)));
    let (status, body) = local
        .raw("POST", "/v1/setup", Some(&account), None)
        .expect("request");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let t: Tokens = serde_json::from_slice(&body).expect("tokens");
    assert_eq!(t.session.role, Role::Admin);
    assert!(!db.crm.needs_first_admin().expect("state"));
}

#[test]
fn may_i_is_answered_the_same_through_the_server_as_in_process() {
    use epicevents::policy::Action;
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("dir");
    let running = start(&db, "127.0.0.1:0", &dir);
    let admin = db.admin();
    let sales = db.hire(&admin, "Sam Sales", Role::Sales);
    let support = db.hire(&admin, "Sue Support", Role::Support);
    // Past their first password change (before it, the server refuses all else).
    db.set_must_change_password(sales.collaborator_id, false);
    db.set_must_change_password(support.collaborator_id, false);
    let c = client(&running, running.addr);
    let remote_sales = c.login(&sales.email, PASSWORD).expect("login");
    let other = client(&running, running.addr);
    let remote_support = other.login(&support.email, PASSWORD).expect("login");

    let me = Some(sales.collaborator_id);
    let someone = Some(admin.collaborator_id);
    let actions = [
        Action::CreateClient,
        Action::UpdateClientDetails { owner: me },
        Action::UpdateClientDetails { owner: someone },
        Action::SignContract { owner: me },
        Action::CreateEvent {
            owner: me,
            contract_signed: true,
        },
        Action::CreateEvent {
            owner: me,
            contract_signed: false,
        },
        Action::UpdateEvent {
            support: Some(support.collaborator_id),
        },
        Action::AssignSupport,
        Action::ViewAudit,
        Action::CreateCollaborator { role: Role::Admin },
    ];
    let mut yes = 0;
    for a in &actions {
        let here = db.crm.allows(&sales, a);
        assert_eq!(c.allows(&remote_sales, a), here, "sales: {a:?}");
        yes += usize::from(here);
        let here = db.crm.allows(&support, a);
        assert_eq!(other.allows(&remote_support, a), here, "support: {a:?}");
    }
    // Both answers occur: the comparison is not of two constant falses.
    assert!(yes > 0 && yes < actions.len(), "{yes}");
    assert!(other.allows(
        &remote_support,
        &Action::UpdateEvent {
            support: Some(support.collaborator_id)
        }
    ));

    // A deactivated collaborator is refused at once, through the server too.
    db.crm
        .set_collaborator_active(
            &admin,
            sales.collaborator_id,
            db.collaborator_version(sales.collaborator_id),
            false,
            epicevents::services::collaborators::Handover {
                leave_unassigned: true,
                ..Default::default()
            },
        )
        .expect("deactivate");
    assert!(!c.allows(&remote_sales, &Action::CreateClient));
}

#[test]
fn corrections_over_http_are_for_management_and_refuse_bad_bodies_with_problems() {
    use epicevents::domain::Cents;
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("dir");
    let running = start(&db, "127.0.0.1:0", &dir);
    let admin = db.admin();
    let sales = db.hire(&admin, "Sam Sales", Role::Sales);
    let manager = db.hire(&admin, "Mia Martin", Role::Management);
    db.set_must_change_password(sales.collaborator_id, false);
    db.set_must_change_password(manager.collaborator_id, false);
    let client_id = db.client(&sales, "Kevin Casey", "kevin@startup.io");
    let k = db.signed_contract(&admin, client_id, 100_000);
    db.crm
        .record_payment(&sales, k, Cents(25_000), date(2023, 4, 1))
        .expect("payment");
    let c = client(&running, running.addr);
    let path = format!("/v1/contracts/{k}/corrections");
    let post = |token: &str, body: serde_json::Value| {
        c.raw("POST", &path, Some(&body), Some(token))
            .expect("request")
    };
    let valid = json!({"kind": "refund", "amount_cents": 5_000,
        "reason": "double charge", "received_on": "2023-04-02"});

    // Sales recorded the payment but may not take it back: 403, a problem.
    let s = login(&c, &sales.email, PASSWORD);
    let (status, body) = post(&s.access_token, valid.clone());
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert_eq!(problem(&body).code, "denied");

    let m = login(&c, &manager.email, PASSWORD);
    let bad = [
        json!({"kind": "payment", "amount_cents": 5_000, "reason": "x", "received_on": "2023-04-02"}),
        json!({"kind": "refund", "amount_cents": i64::MAX, "reason": "x", "received_on": "2023-04-02"}),
        json!({"kind": "refund", "amount_cents": -5, "reason": "x", "received_on": "2023-04-02"}),
        json!({"kind": "refund", "amount_cents": 5_000, "reason": "", "received_on": "2023-04-02"}),
        json!({"kind": "refund", "amount_cents": 5_000, "reason": "x\u{0}y", "received_on": "2023-04-02"}),
        json!({"kind": "refund", "amount_cents": 5_000, "received_on": "2023-04-02"}),
        json!({"kind": "correction", "amount_cents": 25_001, "reason": "x", "received_on": "2023-04-02"}),
    ];
    for b in bad {
        let (status, body) = post(&m.access_token, b.clone());
        assert_eq!(status, 422, "{b}: {}", String::from_utf8_lossy(&body));
        problem(&body);
    }
    let (status, body) = c
        .raw(
            "POST",
            "/v1/contracts/999999/corrections",
            Some(&valid),
            Some(&m.access_token),
        )
        .expect("request");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        db.crm.get_contract(k).expect("get").contract.due_cents,
        75_000
    );

    let (status, body) = post(&m.access_token, valid);
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let created: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let d = db.crm.get_contract(k).expect("get");
    assert_eq!(d.contract.due_cents, 80_000);
    assert_eq!(created["id"], d.payments[0].0.id);
    assert_eq!(d.payments[0].0.kind, "refund");
}
