//! Imports through the team server: a real server over HTTPS on 127.0.0.1, on
//! an SQLite file and on PostgreSQL, the sheet read here and its rows sent by
//! the real client. The brief's two events come back unchanged on the demo
//! data, a broken row stops the whole import (and is reported by its line)
//! unless `partial`, a dry run writes nothing, clients are created and then
//! unchanged, sales is refused, and only the import routes take large bodies.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::domain::time::to_local;
use epicevents::import::{read_clients, read_events};
use epicevents::server::ServerSettings;
use epicevents::services::import::{ImportOptions, ImportReport, Outcome};
use epicevents::session::Session;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::json;

const DEMO_PASSWORD: &str = "epic-demo-2023";
const MANAGER: &str = "mia.martin@epicevents.example";
const SALES: &str = "bill.boquet@epicevents.example";

/// Runs `test` with the demo data and a client of a server on `db`: the test
/// database's own server on PostgreSQL, one started here on SQLite.
fn served(db: TestDb, test: fn(&TestDb, &RemoteCrm)) {
    epicevents::demo::load(&db.crm, 0).expect("demo");
    if let Some(r) = db.remote_parts() {
        let client: Arc<RemoteCrm> = r.client.clone();
        test(&db, &client);
        return;
    }
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
    test(&db, &client);
}

fn login(c: &RemoteCrm, email: &str) -> Session {
    c.login(email, DEMO_PASSWORD)
        .expect("log in through the server")
}

/// The brief's sheet: one block per event, label and value in one cell.
fn briefs_sheet(dir: &Path) -> PathBuf {
    let lines = [
        "John Ouick Wedding",
        "Event ID 109",
        "Contract ID 652",
        "Client name John Ouick",
        "Client contact john.ouick@gmail.com +1 234 567 8901",
        "Event date start 4 Jun 2023 @ 1PM",
        "Event date end 5 Jun 2023 @ 2AM",
        "Support contact Kate Hastroff",
        "Location 53 Rue du Château, 41120 Candé-sur-Beuvron, France",
        "Attendees 75",
        "Notes Wedding starts at 3PM, by the river.",
        "Catering is organized, reception starts at 5PM.",
        "",
        "Lou Bouzin General Assembly",
        "Event ID 1023",
        "Contract ID 412",
        "Client name Lou Bouzin",
        "Client contact Jacky Blangier, jacky@loubouzin.grd, + 666 12345",
        "Event date start 5 May 2023 @ 3PM",
        "Event date end 5 May 2023 @ 5PM",
        "Support contact Aliénor Vichum",
        "Location Salle des fêtes de Mufflins",
        "Attendees 200",
        "Notes Shareholders' general assembly (~200 people).",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, l) in lines.iter().enumerate() {
        if !l.is_empty() {
            ws.write_string(i as u32, 0, *l).expect("write");
        }
    }
    let path = dir.join("events.xlsx");
    wb.save(&path).expect("save");
    path
}

/// Two new events for demo clients under a header row, dates as date cells,
/// and a third whose support does not exist (line 4).
fn sheet_with_a_broken_row(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "Event",
        "Event ID",
        "Client",
        "Start date",
        "End date",
        "Support contact",
        "Location",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let rows = [
        (
            "Kevin Casey Seminar",
            "2001",
            "Kevin Casey",
            (2023, 9, 12, 9),
            (2023, 9, 12, 17),
            "Kate Hastroff",
            "Tours",
        ),
        (
            "Lou Bouzin Summer Party",
            "2002",
            "Lou Bouzin",
            (2023, 7, 1, 19),
            (2023, 7, 2, 1),
            "alienor.vichum@epicevents.example",
            "Blois",
        ),
        (
            "John Ouick Anniversary",
            "2003",
            "John Ouick",
            (2023, 8, 1, 12),
            (2023, 8, 1, 18),
            "Nobody Atall",
            "Paris",
        ),
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let dt = |(y, m, d, h): (u16, u8, u8, u16)| {
            ExcelDateTime::from_ymd(y, m, d)
                .and_then(|x| x.and_hms(h, 0, 0))
                .expect("date")
        };
        ws.write_string(r, 0, row.0).expect("w");
        ws.write_string(r, 1, row.1).expect("w");
        ws.write_string(r, 2, row.2).expect("w");
        ws.write_datetime_with_format(r, 3, dt(row.3), &when)
            .expect("w");
        ws.write_datetime_with_format(r, 4, dt(row.4), &when)
            .expect("w");
        ws.write_string(r, 5, row.5).expect("w");
        ws.write_string(r, 6, row.6).expect("w");
    }
    let path = dir.join("new.xlsx");
    wb.save(&path).expect("save");
    path
}

fn event_count(db: &TestDb) -> usize {
    db.crm
        .list_events(
            &Default::default(),
            Default::default(),
            &epicevents::services::query::ListParams {
                include_archived: true,
                exact_count: true,
                ..Default::default()
            },
        )
        .expect("events")
        .total as usize
}

fn import(c: &RemoteCrm, who: &Session, path: &Path, opts: ImportOptions) -> ImportReport {
    let sheet = read_events(path).expect("read sheet");
    let mut told = Vec::new();
    let report = c
        .import_events(who, &sheet, opts, &mut |n| told.push(n))
        .expect("the import runs");
    assert_eq!(
        told,
        vec![sheet.len()],
        "progress: every row, when the answer came"
    );
    report
}

fn events_through_the_server(db: &TestDb, c: &RemoteCrm) {
    let mia = login(c, MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let before = event_count(db);

    // The brief's events are the demo's: unchanged, twice.
    let briefs = briefs_sheet(dir.path());
    for _ in 0..2 {
        let r = import(c, &mia, &briefs, ImportOptions::default());
        assert_eq!(r.counts(), (0, 0, 2, 0), "{:#?}", r.lines);
        assert_eq!((r.lines[0].line, r.lines[1].line), (1, 14));
        assert!(r.written);
    }
    assert_eq!(event_count(db), before);

    // A broken row: reported by its line, and nothing written.
    let broken = sheet_with_a_broken_row(dir.path());
    let r = import(c, &mia, &broken, ImportOptions::default());
    assert_eq!(
        (r.counts(), r.written),
        ((2, 0, 0, 1), false),
        "{:#?}",
        r.lines
    );
    assert_eq!(r.lines[2].line, 4, "the spreadsheet's row number");
    match &r.lines[2].outcome {
        Outcome::Error { reason } => assert!(reason.contains("Nobody Atall"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(event_count(db), before, "all or nothing");

    // A dry run checks everything and writes nothing.
    let dry = ImportOptions {
        dry_run: true,
        partial: true,
    };
    let r = import(c, &mia, &broken, dry);
    assert_eq!((r.counts(), r.written), ((2, 0, 0, 1), false));
    assert_eq!(event_count(db), before, "a dry run writes nothing");

    // Partial: the good rows are written, with the sheet's wall-clock times.
    let partial = ImportOptions {
        dry_run: false,
        partial: true,
    };
    let r = import(c, &mia, &broken, partial);
    assert_eq!((r.counts(), r.written), ((2, 0, 0, 1), true));
    assert_eq!(event_count(db), before + 2);
    let Outcome::Created { id } = r.lines[0].outcome else {
        panic!("{:?}", r.lines[0].outcome);
    };
    let d = db.crm.get_event(id).expect("event");
    assert_eq!(d.event.name, "Kevin Casey Seminar");
    assert_eq!(d.support_name.as_deref(), Some("Kate Hastroff"));
    assert_eq!(
        to_local(d.event.starts_at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        "2023-09-12 09:00"
    );
    // And again: the written rows are unchanged, the broken one still refused.
    let r = import(c, &mia, &broken, partial);
    assert_eq!(r.counts(), (0, 0, 2, 1), "{:#?}", r.lines);
}

fn clients_through_the_server(db: &TestDb, c: &RemoteCrm) {
    let mia = login(c, MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("clients.csv");
    std::fs::write(
        &path,
        "Courriel;Nom complet;Téléphone;Société;Premier contact;Contact commercial\r\n\
         zoe.durand@exemple.fr;Zoé Durand;+33 6 12 34 56 78;Durand & Fils;04/06/2023;Bill Boquet\r\n\
         MAX@Exemple.fr;Max Moreau;;Moreau SA;2024-01-15;anne.roy@epicevents.example\r\n\
         max@exemple.fr;Max Again;;;;\r\n",
    )
    .expect("write csv");
    let sheet = read_clients(&path).expect("read");

    // The repeated e-mail stops everything; partial writes the first two.
    let r = c
        .import_clients(&mia, &sheet, ImportOptions::default(), &mut |_| {})
        .expect("import");
    assert_eq!(
        (r.counts(), r.written),
        ((2, 0, 0, 1), false),
        "{:#?}",
        r.lines
    );
    assert_eq!(r.lines[2].line, 4);
    let partial = ImportOptions {
        dry_run: false,
        partial: true,
    };
    let r = c
        .import_clients(&mia, &sheet, partial, &mut |_| {})
        .expect("import");
    assert_eq!((r.counts(), r.written), ((2, 0, 0, 1), true));
    let Outcome::Created { id } = r.lines[0].outcome else {
        panic!("{:?}", r.lines[0].outcome);
    };
    let zoe = db.crm.get_client(id).expect("client");
    assert_eq!(zoe.client.full_name, "Zoé Durand");
    assert_eq!(zoe.client.first_contact, date(2023, 6, 4));

    let r = c
        .import_clients(&mia, &sheet[..2], ImportOptions::default(), &mut |_| {})
        .expect("import");
    assert_eq!(
        (r.counts(), r.written),
        ((0, 0, 2, 0), true),
        "{:#?}",
        r.lines
    );
}

fn sales_may_not_import(db: &TestDb, c: &RemoteCrm) {
    let bill = login(c, SALES);
    let dir = tempfile::tempdir().expect("dir");
    let sheet = read_events(&briefs_sheet(dir.path())).expect("read");
    let before = event_count(db);
    denied(c.import_events(&bill, &sheet, ImportOptions::default(), &mut |_| {}));
    let clients = vec![epicevents::import::SheetClient {
        line: 2,
        full_name: Some("Zoé Durand".into()),
        email: Some("zoe.durand@exemple.fr".into()),
        ..Default::default()
    }];
    denied(c.import_clients(&bill, &clients, ImportOptions::default(), &mut |_| {}));
    assert_eq!(event_count(db), before);

    // On the wire: 403 with the policy's reason.
    let t = c.tokens_of(bill.collaborator_id).expect("tokens");
    let (status, body) = c
        .raw(
            "POST",
            "/v1/import/events",
            Some(&json!({"rows": [], "dry_run": true})),
            Some(&t.access_token),
        )
        .expect("request");
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
}

fn only_imports_take_large_bodies(_db: &TestDb, c: &RemoteCrm) {
    let mia = login(c, MANAGER);
    let token = c
        .tokens_of(mia.collaborator_id)
        .expect("tokens")
        .access_token;
    let problem = |body: &[u8]| -> serde_json::Value {
        serde_json::from_slice(body).expect("a problem document")
    };

    // 3 000 clients (~500 KiB): far over 64 KiB, checked in a dry run.
    let rows: Vec<_> = (0..3000)
        .map(|i| {
            json!({"line": i + 2, "full_name": format!("Client Number {i}"),
                   "email": format!("client.{i}@bulk.example"), "company_name": "Bulk Imports"})
        })
        .collect();
    let body = json!({"rows": rows, "dry_run": true});
    assert!(body.to_string().len() > 256 * 1024);
    let (status, answer) = c
        .raw("POST", "/v1/import/clients", Some(&body), Some(&token))
        .expect("request");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let report: ImportReport = serde_json::from_slice(&answer).expect("a report");
    assert_eq!((report.counts(), report.written), ((3000, 0, 0, 0), false));

    // Past the import cap: 413.
    let huge = json!({"rows": [], "pad": "x".repeat(epicevents::server::IMPORT_BODY_LIMIT + 1024)});
    let (status, answer) = c
        .raw("POST", "/v1/import/events", Some(&huge), Some(&token))
        .expect("request");
    assert_eq!(status, 413);
    let p = problem(&answer);
    assert_eq!(p["code"], "payload_too_large");
    assert!(p["detail"].as_str().unwrap_or("").contains("32 MiB"), "{p}");

    // Every other route still stops at 64 KiB.
    let big = json!({"full_name": "x".repeat(70 * 1024), "email": "big@example.com"});
    let (status, answer) = c
        .raw("POST", "/v1/clients", Some(&big), Some(&token))
        .expect("request");
    assert_eq!(status, 413);
    let p = problem(&answer);
    assert_eq!(p["code"], "payload_too_large");
    assert!(p["detail"].as_str().unwrap_or("").contains("64 KiB"), "{p}");

    // A body that is not the rows: 422, as a problem document.
    let (status, answer) = c
        .raw(
            "POST",
            "/v1/import/events",
            Some(&json!({"rows": 3})),
            Some(&token),
        )
        .expect("request");
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(problem(&answer)["code"], "invalid_body");
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::served(super::TestDb::sqlite(), super::$name);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                #[cfg_attr(not(pg_tests), ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL")]
                fn $name() {
                    super::served(super::TestDb::remote(), super::$name);
                }
            )*
        }
    };
}

on_both!(
    events_through_the_server,
    clients_through_the_server,
    sales_may_not_import,
    only_imports_take_large_bodies,
);
