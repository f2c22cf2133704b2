//! Exports of real lists: the events written as a workbook or CSV import back as
//! "unchanged", the workbook holds real dates and numbers, JSON keys are stable,
//! and the files are private.

mod common;

use calamine::{open_workbook_auto, Data, Reader};
use common::*;
use epicevents::export::{self, ExportFormat};
use epicevents::import::read_events;
use epicevents::services::import::ImportOptions;
use epicevents::services::query::{
    ContractFilter, ContractSort, EventFilter, EventSort, ListParams, TimeWindow,
};

fn all() -> ListParams {
    ListParams {
        limit: 100_000,
        ..ListParams::default()
    }
}

fn exported_events_import_back_unchanged(db: &TestDb) {
    epicevents::demo::load(&db.crm, 20).expect("demo");
    let mia = db
        .crm
        .login("mia.martin@epicevents.example", "epic-demo-2023")
        .expect("login");
    let f = EventFilter {
        window: TimeWindow::All,
        ..EventFilter::default()
    };
    let rows = db
        .crm
        .list_events(&f, EventSort::default(), &all())
        .expect("events")
        .rows;
    assert!(rows.len() > 10, "{}", rows.len());
    let sheet = export::events(&rows);
    let dir = tempfile::tempdir().expect("dir");
    for format in [ExportFormat::Xlsx, ExportFormat::Csv] {
        let path = dir.path().join(format!("events.{format}"));
        export::write_file(&sheet, format, &path).expect("export");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{format}");
        }
        let events = read_events(&path).expect("read back");
        assert_eq!(events.len(), rows.len(), "{format}");
        let report = db
            .crm
            .import_events(&mia, &events, ImportOptions::default(), &mut |_| {})
            .expect("import");
        assert_eq!(
            report.counts(),
            (0, 0, rows.len(), 0),
            "{format}: {:#?}",
            report
                .lines
                .iter()
                .filter(|l| !matches!(
                    l.outcome,
                    epicevents::services::import::Outcome::Unchanged { .. }
                ))
                .collect::<Vec<_>>()
        );
    }
}

fn workbook_holds_dates_and_money(db: &TestDb) {
    epicevents::demo::load(&db.crm, 0).expect("demo");
    let rows = db
        .crm
        .list_contracts(&ContractFilter::default(), ContractSort::default(), &all())
        .expect("contracts")
        .rows;
    let sheet = export::contracts(&rows);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("contracts.xlsx");
    export::write_file(&sheet, ExportFormat::Xlsx, &path).expect("xlsx");
    let mut book = open_workbook_auto(&path).expect("open");
    let range = book.worksheet_range_at(0).expect("sheet").expect("range");
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(header[0], "Contract ID");
    assert_eq!(header[4], "Total (€)");
    let ten_thousand = range
        .rows()
        .skip(1)
        .find(|r| r[1] == "Kevin Casey" && r[4] == Data::Float(10_000.0))
        .expect("Kevin's 10 000 € contract as a number");
    assert_eq!(ten_thousand[5], Data::Float(7_500.0), "due");
    assert!(
        matches!(ten_thousand[8], Data::DateTime(_)),
        "{:?}",
        ten_thousand[8]
    );

    let mut json = Vec::new();
    export::write_json(&sheet, &mut json).expect("json");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("parse");
    let first = &v[0];
    for key in [
        "id",
        "client",
        "client_email",
        "sales_contact",
        "total",
        "due",
        "signed",
        "signed_at",
        "created_at",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert!(v
        .as_array()
        .expect("array")
        .iter()
        .any(|c| c["total"] == "10000.00" && c["due"] == "7500.00"));
}

backend_tests!(
    exported_events_import_back_unchanged,
    workbook_holds_dates_and_money
);
