//! The OpenAPI document a real server serves (over HTTPS on 127.0.0.1, on an
//! SQLite database) describes every operation exactly: each route the client
//! calls is in it, each documented operation is routed, and each has its
//! parameters, request and answer schemas, problem answers and security.

mod common;

use std::collections::BTreeSet;

use common::*;
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::server::{self, ServerSettings};
use serde_json::Value;

/// A server on a fresh SQLite database, its client, and the document it serves.
fn serve() -> (TestDb, server::Running, RemoteCrm, Value, tempfile::TempDir) {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().expect("server dir");
    let running = common::start_server(
        db.crm.clone(),
        "127.0.0.1:0",
        &dir.path().join("server"),
        ServerSettings::default(),
    );
    let client = RemoteCrm::connect(
        &format!("https://{}", running.addr),
        &Trust::Fingerprint(running.fingerprint.clone()),
    )
    .expect("client");
    let (status, body) = client
        .raw("GET", "/v1/openapi.json", None, None)
        .expect("request");
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_slice(&body).expect("a JSON document");
    (db, running, client, doc, dir)
}

/// Every `$ref` anywhere under `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The `/v1/...` paths the remote client's source names, `{…}` as in the router.
fn client_paths() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for file in ["src/api/remote/mod.rs", "src/api/remote/operations.rs"] {
        let src = std::fs::read_to_string(file).expect("client source");
        for piece in src.split('"').skip(1).step_by(2) {
            if piece.starts_with("/v1/") && !piece.contains("{verb}") {
                found.insert(piece.to_string());
            }
        }
    }
    assert!(found.len() > 20, "the client names its routes: {found:?}");
    found
}

/// `/v1/clients/{client_id}` and `/v1/clients/{id}` are the same route.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn every_route_is_documented_with_its_schemas() {
    let (_db, _running, client, doc, _dir) = serve();
    let paths = doc["paths"].as_object().expect("paths");
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer",
        "{:#}",
        doc["components"]
    );

    // Every reference resolves to a component.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(schemas.contains_key(name), "{r} does not resolve");
    }

    // Every route the client uses is documented.
    let documented: BTreeSet<String> = paths.keys().map(|p| shape(p)).collect();
    for p in client_paths() {
        assert!(documented.contains(&shape(&p)), "{p} is not documented");
    }

    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            let what = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{what}: no operationId");
            assert!(op["summary"].is_string(), "{what}: no summary");

            // Path parameters are declared, as integers.
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                let p = op["parameters"]
                    .as_array()
                    .and_then(|ps| ps.iter().find(|p| p["name"] == name))
                    .unwrap_or_else(|| panic!("{what}: parameter {name} undeclared"));
                assert_eq!(p["in"], "path", "{what}");
                assert_eq!(p["schema"]["type"], "integer", "{what}");
            }

            // A write takes a JSON body with a schema, unless it has nothing to say.
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if method == "patch" {
                assert!(body.is_object(), "{what}: no request schema");
                assert_eq!(op["requestBody"]["required"], true, "{what}");
            }

            // Exactly one success answer; with a schema unless it is 204.
            let responses = op["responses"].as_object().expect("responses");
            let ok: Vec<_> = responses.keys().filter(|s| s.starts_with('2')).collect();
            assert_eq!(ok.len(), 1, "{what}: {ok:?}");
            if ok[0] != "204" {
                let content = responses[ok[0]]["content"].as_object().expect("content");
                let schema = content.values().next().expect("a media type")["schema"].clone();
                assert!(schema.is_object(), "{what}: no answer schema");
            }

            // Failures are problem documents, the default included.
            for (status, r) in responses.iter().filter(|(s, _)| !s.starts_with('2')) {
                assert_eq!(
                    r["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{what} {status}"
                );
            }
            assert!(responses.contains_key("default"), "{what}");

            // The token is asked for exactly where the server asks for it.
            let concrete = path.replace("{id}", "1");
            let method_up = method.to_uppercase();
            let (status, answer) = client
                .raw(&method_up, &concrete, None, None)
                .expect("request");
            let problem: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
            assert_ne!(problem["code"], "no_route", "{what} is not routed");
            assert_ne!(status, 405, "{what} is not routed");
            let secured = op["security"].is_array();
            if status == 401 && problem["code"] == "unauthenticated" {
                assert!(secured, "{what} needs a token but does not say so");
                assert!(responses.contains_key("401"), "{what}");
            }
            if secured {
                assert_eq!(status, 401, "{what} says it needs a token but did not");
            }
        }
    }
    assert!(operations >= 45, "{operations} operations");

    // The list parameters: filters, sort (an enumeration of its names) and window.
    let events = &paths["/v1/events"]["get"]["parameters"];
    let names: BTreeSet<&str> = events
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for n in [
        "q",
        "sort",
        "without_support",
        "window",
        "offset",
        "limit",
        "include_archived",
    ] {
        assert!(names.contains(n), "events: no {n} parameter in {names:?}");
    }

    // Bodies and answers name their fields: the version a patch carries, a
    // page's rows, a problem's stable code.
    let patch =
        &paths["/v1/clients/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"];
    // With the schemas it refers to (a patch is the form's fields and a version).
    let mut text = patch.to_string();
    let mut inner = Vec::new();
    refs(patch, &mut inner);
    for r in inner {
        let name = r.trim_start_matches("#/components/schemas/");
        text.push_str(&schemas[name].to_string());
    }
    for f in ["version", "full_name", "email"] {
        assert!(text.contains(f), "client patch lacks {f}: {text}");
    }
    let page = paths["/v1/clients"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]
        .to_string();
    assert!(
        page.contains("rows") && page.contains("ClientRow"),
        "{page}"
    );
    let problem = schemas["Problem"].to_string();
    assert!(
        problem.contains("code") && problem.contains("current_version"),
        "{problem}"
    );
}

#[test]
fn documented_answers_match_what_the_server_sends() {
    let (db, _running, client, doc, _dir) = serve();
    let admin = db.admin();
    let sales = db.hire(&admin, "Sam Sales", epicevents::domain::Role::Sales);
    db.client(&sales, "Kevin Casey", "kevin@startup.io");
    let tokens = client
        .raw(
            "POST",
            "/v1/session",
            Some(&serde_json::json!({"email": admin.email, "password": PASSWORD})),
            None,
        )
        .expect("login");
    assert_eq!(tokens.0, 200);
    let t: Value = serde_json::from_slice(&tokens.1).expect("tokens");
    let access = t["access_token"].as_str().expect("token");

    // The fields a real answer has are the fields its schema declares.
    let schemas = &doc["components"]["schemas"];
    let (status, body) = client
        .raw("GET", "/v1/clients", None, Some(access))
        .expect("list");
    assert_eq!(status, 200);
    let page: Value = serde_json::from_slice(&body).expect("page");
    let row = &page["rows"][0];
    let declared = |name: &str| -> BTreeSet<String> {
        schemas[name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} has no properties"))
            .keys()
            .cloned()
            .collect()
    };
    let sent = |v: &Value| -> BTreeSet<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    assert_eq!(sent(row), declared("ClientRow"));
    assert_eq!(sent(&row["client"]), declared("Client"));

    let (status, body) = client
        .raw("GET", "/v1/collaborators?limit=5", None, Some(access))
        .expect("list");
    assert_eq!(status, 200);
    let page: Value = serde_json::from_slice(&body).expect("page");
    assert_eq!(sent(&page["rows"][0]), declared("Collaborator"));
    assert!(
        !declared("Collaborator").contains("password_hash"),
        "the hash never leaves the server, so the document does not promise it"
    );
}
