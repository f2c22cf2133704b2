//! Importing the support team's sheet into a real database: the brief's own two
//! events come back "unchanged" on the demo data, new events land on the right
//! contract with the right support and dates, a broken row is reported by its line
//! and stops the whole import, and a second import changes nothing.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use epicevents::domain::time::to_local;
use epicevents::import::read_events;
use epicevents::services::import::{ImportOptions, ImportReport, Outcome};
use epicevents::session::Session;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const DEMO_PASSWORD: &str = "epic-demo-2023";

/// Write the good rows even when others are refused.
const PARTIAL: ImportOptions = ImportOptions {
    dry_run: false,
    partial: true,
};

/// Check every row, write nothing.
const DRY_RUN: ImportOptions = ImportOptions {
    dry_run: true,
    partial: true,
};

fn demo(db: &TestDb) -> Session {
    epicevents::demo::load(&db.crm, 0).expect("demo");
    db.crm
        .login("mia.martin@epicevents.example", DEMO_PASSWORD)
        .expect("management login")
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

/// New events for the demo clients under French headers, dates as real date
/// cells; `bad` adds a row whose support does not exist.
fn new_events_sheet(dir: &Path, bad: bool) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "Événement",
        "ID événement",
        "Client",
        "Contact client",
        "Date de début",
        "Date de fin",
        "Contact support",
        "Lieu",
        "Participants",
        "Remarques",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let mut rows = vec![
        (
            "Kevin Casey Seminar",
            "2001",
            "Kevin Casey",
            "kevin@startup.io",
            (2023, 9, 12, 9),
            (2023, 9, 12, 17),
            "Kate Hastroff",
            "Tours",
            "40",
            "Projector needed",
        ),
        (
            "Lou Bouzin Summer Party",
            "2002",
            "Lou Bouzin",
            "",
            (2023, 7, 1, 19),
            (2023, 7, 2, 1),
            "alienor.vichum@epicevents.example",
            "Blois",
            "",
            "",
        ),
    ];
    if bad {
        rows.push((
            "John Ouick Anniversary",
            "2003",
            "John Ouick",
            "john.ouick@gmail.com",
            (2023, 8, 1, 12),
            (2023, 8, 1, 18),
            "Nobody Atall",
            "Paris",
            "10",
            "",
        ));
    }
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
        ws.write_string(r, 3, row.3).expect("w");
        ws.write_datetime_with_format(r, 4, dt(row.4), &when)
            .expect("w");
        ws.write_datetime_with_format(r, 5, dt(row.5), &when)
            .expect("w");
        ws.write_string(r, 6, row.6).expect("w");
        ws.write_string(r, 7, row.7).expect("w");
        if !row.8.is_empty() {
            ws.write_number(r, 8, row.8.parse::<f64>().expect("n"))
                .expect("w");
        }
        ws.write_string(r, 9, row.9).expect("w");
    }
    let path = dir.join("new.xlsx");
    wb.save(&path).expect("save");
    path
}

fn import(db: &TestDb, who: &Session, path: &Path, opts: ImportOptions) -> ImportReport {
    let sheet = read_events(path).expect("read sheet");
    db.crm
        .import_events(who, &sheet, opts, &mut |_| {})
        .expect("import runs")
}

fn event_count(db: &TestDb) -> i64 {
    use diesel::prelude::*;
    use epicevents::db::schema::events;
    events::table
        .count()
        .get_result(&mut db.crm.db().conn().expect("conn"))
        .expect("count")
}

fn briefs_events_are_unchanged_on_the_demo(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = briefs_sheet(dir.path());
    let before = event_count(db);
    for _ in 0..2 {
        let report = import(db, &mia, &path, ImportOptions::default());
        let outcomes: Vec<_> = report
            .lines
            .iter()
            .map(|l| (l.line, l.name.as_str(), &l.outcome))
            .collect();
        assert_eq!(report.counts(), (0, 0, 2, 0), "{outcomes:#?}");
        assert_eq!((outcomes[0].0, outcomes[1].0), (1, 14));
        assert!(report.written);
    }
    assert_eq!(event_count(db), before);
}

fn new_events_land_on_the_right_records(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = new_events_sheet(dir.path(), false);
    let report = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(report.counts(), (2, 0, 0, 0), "{:#?}", report.lines);
    let id = match report.lines[0].outcome {
        Outcome::Created { id } => id,
        ref other => panic!("{other:?}"),
    };
    let d = db.crm.get_event(id).expect("event");
    assert_eq!(d.client.full_name, "Kevin Casey");
    assert!(d.contract.signed, "Kevin's only signed contract");
    assert_eq!(d.support_name.as_deref(), Some("Kate Hastroff"));
    assert_eq!(
        to_local(d.event.starts_at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        "2023-09-12 09:00"
    );
    assert_eq!(
        (d.event.attendees, d.event.notes.as_str()),
        (40, "Projector needed")
    );
    assert_eq!(d.event.external_ref.as_deref(), Some("2001"));
    let second = match report.lines[1].outcome {
        Outcome::Created { id } => db.crm.get_event(id).expect("event"),
        ref other => panic!("{other:?}"),
    };
    assert_eq!(second.support_name.as_deref(), Some("Aliénor Vichum"));
    assert_eq!(second.client.full_name, "Lou Bouzin");

    // Again: nothing changes. Then one edited cell is an update of that field.
    let again = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(again.counts(), (0, 0, 2, 0), "{:#?}", again.lines);
    let mut sheet = read_events(&path).expect("read");
    sheet[0].location = "Orléans".into();
    let r = db
        .crm
        .import_events(&mia, &sheet, ImportOptions::default(), &mut |_| {})
        .expect("import");
    assert_eq!(
        r.lines[0].outcome,
        Outcome::Updated {
            id,
            fields: vec!["location".into()]
        }
    );
    assert_eq!(
        db.crm.get_event(id).expect("event").event.location,
        "Orléans"
    );
}

fn a_broken_row_stops_everything_unless_partial(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = new_events_sheet(dir.path(), true);
    let before = event_count(db);

    let report = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(report.counts(), (2, 0, 0, 1));
    assert!(!report.written);
    let bad = &report.lines[2];
    assert_eq!(bad.line, 4, "the spreadsheet's row number");
    match &bad.outcome {
        Outcome::Error { reason } => assert!(reason.contains("Nobody Atall"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(event_count(db), before, "all or nothing");

    let dry = import(db, &mia, &path, DRY_RUN);
    assert_eq!((dry.counts(), dry.written), ((2, 0, 0, 1), false));
    assert_eq!(event_count(db), before, "a dry run writes nothing");

    let partial = import(db, &mia, &path, PARTIAL);
    assert_eq!((partial.counts(), partial.written), ((2, 0, 0, 1), true));
    assert_eq!(event_count(db), before + 2);
}

fn rules_still_hold(db: &TestDb) {
    let mia = demo(db);
    let mut sheet =
        read_events(&briefs_sheet(tempfile::tempdir().expect("d").path())).expect("read");
    // Kevin Casey: one signed and one unsigned contract; naming the unsigned one
    // through a client with no signed contract is refused, as is end before start.
    sheet[0].external_ref = Some("3001".into());
    sheet[0].contract_ref = None;
    sheet[0].client_email = Some("nobody@nowhere.example".into());
    sheet[0].client_name = Some("Nobody Known".into());
    sheet[1].external_ref = Some("3002".into());
    let e = &mut sheet[1];
    std::mem::swap(&mut e.starts_at, &mut e.ends_at);
    let r = db
        .crm
        .import_events(&mia, &sheet, ImportOptions::default(), &mut |_| {})
        .expect("import");
    let reasons: Vec<String> = r
        .lines
        .iter()
        .map(|l| match &l.outcome {
            Outcome::Error { reason } => reason.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert!(
        reasons[0].contains("no client named \"Nobody Known\""),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("ends_at"), "{reasons:?}");

    // Sales and support may not import.
    let bill = db
        .crm
        .login("bill.boquet@epicevents.example", DEMO_PASSWORD)
        .expect("login");
    denied(
        db.crm
            .import_events(&bill, &sheet, ImportOptions::default(), &mut |_| {}),
    );
}

fn csv_in_windows_1252_with_semicolons(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("events.csv");
    let mut bytes =
        b"Evenement;ID evenement;Client;Date de debut;Date de fin;Lieu;Participants\r\n".to_vec();
    bytes.extend_from_slice(b"Kevin Casey F");
    bytes.push(0xEA); // ê in Windows-1252
    bytes.extend_from_slice(b"te;4001;Kevin Casey;05/10/2023 18:00;05/10/2023 23:30;Salle des f");
    bytes.push(0xEA);
    bytes.extend_from_slice(b"tes;1 200\r\n");
    std::fs::write(&path, bytes).expect("write");
    let r = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(r.counts(), (1, 0, 0, 0), "{:#?}", r.lines);
    let Outcome::Created { id } = r.lines[0].outcome else {
        panic!("{:?}", r.lines[0].outcome);
    };
    let d = db.crm.get_event(id).expect("event");
    assert_eq!(
        (d.event.name.as_str(), d.event.location.as_str()),
        ("Kevin Casey Fête", "Salle des fêtes")
    );
    assert_eq!(d.event.attendees, 1200);
}

/// New events are found by search once imported (their full-text entries are
/// written at the end of the import), a dry run leaves the search upkeep as it
/// was, and a sheet naming one event twice is refused on the second line.
fn imported_events_are_searchable_and_named_once(db: &TestDb) {
    use epicevents::services::query::{EventFilter, EventSort, ListParams};
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("events.csv");
    std::fs::write(
        &path,
        "Event;Event ID;Client contact;Start;End;Support;Location;Attendees\n\
         Zebulon Gala;5001;kevin@startup.io;05/10/2024 18:00;05/10/2024 23:00;Kate Hastroff;Hall A;40\n\
         Zebulon Brunch;5002;kevin@startup.io;06/10/2024 10:00;06/10/2024 12:00;;Hall B;20\n\
         Zebulon Gala again;5001;kevin@startup.io;05/10/2024 18:00;05/10/2024 23:00;;Hall C;40\n",
    )
    .expect("write");
    let before = event_count(db);
    let dry = import(db, &mia, &path, DRY_RUN);
    assert_eq!(dry.counts(), (2, 0, 0, 1), "{:#?}", dry.lines);
    let Outcome::Error { reason } = &dry.lines[2].outcome else {
        panic!("{:?}", dry.lines[2].outcome);
    };
    assert!(reason.contains("line 2"), "{reason}");
    assert_eq!(event_count(db), before, "a dry run writes nothing");

    let r = import(db, &mia, &path, PARTIAL);
    assert_eq!(r.counts(), (2, 0, 0, 1), "{:#?}", r.lines);
    assert_eq!(event_count(db), before + 2);
    for term in ["zebulon", "zeb", "zebulon brunch", "hall b"] {
        let found = db
            .crm
            .list_events(
                &EventFilter::default(),
                EventSort::Start,
                &ListParams::default().with_filter(term),
            )
            .expect("search");
        let names: Vec<&str> = found.rows.iter().map(|r| r.event.name.as_str()).collect();
        let want = if term.contains("brunch") || term.contains("hall b") {
            vec!["Zebulon Brunch"]
        } else {
            vec!["Zebulon Gala", "Zebulon Brunch"]
        };
        assert_eq!(names, want, "search {term:?}");
    }
    // On SQLite the full-text indexes agree with their tables.
    if let epicevents::db::DbConnection::Sqlite(c) = &mut *db.crm.db().conn().expect("conn") {
        use diesel::connection::SimpleConnection;
        c.batch_execute(
            "INSERT INTO events_fts(events_fts) VALUES ('integrity-check'); \
             INSERT INTO events_words(events_words) VALUES ('integrity-check');",
        )
        .expect("full-text indexes intact");
    }
}

/// A CSV of new events for the demo's Kevin Casey, one per name, with their
/// sheet ids when `ids` is set.
fn kevin_sheet(dir: &Path, names: &[&str], ids: bool) -> PathBuf {
    let mut csv = String::from("Event;Event ID;Client contact;Start;End;Support;Location\n");
    for (i, name) in names.iter().enumerate() {
        let id = if ids { format!("K{i}") } else { String::new() };
        let day = 1 + i % 28;
        let support = if i % 2 == 0 { "Kate Hastroff" } else { "" };
        csv.push_str(&format!(
            "{name};{id};kevin@startup.io;{day:02}/11/2027 18:00;{day:02}/11/2027 23:00;{support};Hall {i}\n"
        ));
    }
    let path = dir.join("kevin.csv");
    std::fs::write(&path, csv).expect("write");
    path
}

fn count_where(db: &TestDb, sql: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(&mut *db.crm.db().conn().expect("conn"))
        .expect("count")
        .n
}

/// New events are written in batches: more than a batch lands whole, each with
/// its audit entry and its support's notification.
fn many_new_events_land_with_their_audit_and_notifications(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let names: Vec<String> = (0..1_203).map(|i| format!("Batch event {i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let path = kevin_sheet(dir.path(), &names, true);
    let before = event_count(db);
    let r = import(db, &mia, &path, ImportOptions::default());
    assert_eq!((r.counts(), r.written), ((1_203, 0, 0, 0), true));
    assert_eq!(event_count(db), before + 1_203);
    assert_eq!(
        count_where(
            db,
            "SELECT COUNT(*) AS n FROM audit_entries WHERE entity = 'event' \
             AND action = 'import' AND record_id IN \
             (SELECT id FROM events WHERE name LIKE 'Batch event %')"
        ),
        1_203
    );
    assert_eq!(
        count_where(
            db,
            "SELECT COUNT(*) AS n FROM notifications WHERE message LIKE '%Batch event %'"
        ),
        602,
        "every other event has Kate as its support"
    );
    let again = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(
        again.counts(),
        (0, 0, 1_203, 0),
        "a second import changes nothing"
    );
    // The same rows and two more: now the sheet names at least as many ids as
    // the database holds (the demo's two and these), which reads them at once.
    let mut more = names.clone();
    more.extend(["Batch event extra 1", "Batch event extra 2"]);
    let path = kevin_sheet(dir.path(), &more, true);
    let third = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(third.counts(), (2, 0, 1_203, 0), "{:?}", &third.lines[..3]);
    assert_eq!(event_count(db), before + 1_205);
}

/// A row the database itself refuses (here a rule added to it for the test) is
/// reported at its line; the rows around it are written with `--partial` only.
fn a_row_the_database_refuses_is_reported_at_its_line(db: &TestDb) {
    use diesel::connection::SimpleConnection;
    let mia = demo(db);
    let refuse = match db.crm.db().backend() {
        epicevents::db::Backend::Sqlite => {
            "CREATE TRIGGER test_refuse BEFORE INSERT ON events \
             WHEN NEW.name = 'Refused by the database' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
        epicevents::db::Backend::Postgres => {
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN IF NEW.name = 'Refused by the database' THEN \
             RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$; \
             CREATE TRIGGER test_refuse BEFORE INSERT ON events \
             FOR EACH ROW EXECUTE FUNCTION test_refuse();"
        }
    };
    db.crm
        .db()
        .conn()
        .expect("conn")
        .batch_execute(refuse)
        .expect("add the rule");
    let dir = tempfile::tempdir().expect("dir");
    let path = kevin_sheet(
        dir.path(),
        &["Accepted one", "Refused by the database", "Accepted two"],
        true,
    );
    let before = event_count(db);
    let all = import(db, &mia, &path, ImportOptions::default());
    assert_eq!((all.counts(), all.written), ((2, 0, 0, 1), false));
    assert_eq!(all.lines[1].line, 3);
    assert!(matches!(all.lines[1].outcome, Outcome::Error { .. }));
    assert_eq!(event_count(db), before, "all or nothing");

    let partial = import(db, &mia, &path, PARTIAL);
    assert_eq!((partial.counts(), partial.written), ((2, 0, 0, 1), true));
    assert!(matches!(partial.lines[1].outcome, Outcome::Error { .. }));
    assert_eq!(event_count(db), before + 2);
    assert_eq!(
        count_where(
            db,
            "SELECT COUNT(*) AS n FROM audit_entries WHERE entity = 'event' AND record_id IN \
             (SELECT id FROM events WHERE name LIKE 'Accepted %')"
        ),
        2,
        "the written rows have their audit entries"
    );
    assert_eq!(
        count_where(
            db,
            "SELECT COUNT(*) AS n FROM notifications WHERE message LIKE '%Refused by%'"
        ),
        0,
        "the refused row left no notification"
    );

    // A row that also gives its contract a sheet id is written at once with
    // that id: refused, it leaves the contract as it was.
    let path = dir.path().join("with-contract.csv");
    let row = |name: &str| {
        format!("{name};C77;kevin@startup.io;07/11/2027 18:00;07/11/2027 23:00;Hall Z\n")
    };
    let header = "Event;Contract ID;Client contact;Start;End;Location\n";
    std::fs::write(&path, format!("{header}{}", row("Refused by the database"))).expect("write");
    let refused = import(db, &mia, &path, PARTIAL);
    assert_eq!(refused.counts(), (0, 0, 0, 1), "{:#?}", refused.lines);
    let with_ref = "SELECT COUNT(*) AS n FROM contracts WHERE external_ref = 'C77'";
    assert_eq!(count_where(db, with_ref), 0, "no trace of the refused row");
    std::fs::write(&path, format!("{header}{}", row("Accepted three"))).expect("write");
    let accepted = import(db, &mia, &path, ImportOptions::default());
    assert_eq!(accepted.counts(), (1, 0, 0, 0), "{:#?}", accepted.lines);
    assert_eq!(
        count_where(db, with_ref),
        1,
        "the contract takes the sheet id"
    );
}

/// Without sheet ids, an event is found by name, contract and start: a sheet
/// naming the same one twice is told so, even before either is written.
fn an_event_named_twice_without_ids_is_told_so(db: &TestDb) {
    let mia = demo(db);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("twice.csv");
    std::fs::write(
        &path,
        "Event;Client contact;Start;End;Location\n\
         Twice Gala;kevin@startup.io;05/10/2027 18:00;05/10/2027 23:00;Hall A\n\
         Twice Gala;kevin@startup.io;05/10/2027 18:00;05/10/2027 23:00;Hall B\n",
    )
    .expect("write");
    let before = event_count(db);
    let r = import(db, &mia, &path, PARTIAL);
    assert_eq!(r.counts(), (1, 0, 0, 1), "{:#?}", r.lines);
    let Outcome::Error { reason } = &r.lines[1].outcome else {
        panic!("{:?}", r.lines[1].outcome);
    };
    assert!(reason.contains("line 2"), "{reason}");
    assert_eq!(event_count(db), before + 1);
}

backend_tests!(
    many_new_events_land_with_their_audit_and_notifications,
    a_row_the_database_refuses_is_reported_at_its_line,
    an_event_named_twice_without_ids_is_told_so,
    briefs_events_are_unchanged_on_the_demo,
    new_events_land_on_the_right_records,
    a_broken_row_stops_everything_unless_partial,
    rules_still_hold,
    csv_in_windows_1252_with_semicolons,
    imported_events_are_searchable_and_named_once,
);
