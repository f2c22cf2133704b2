//! `import clients FILE` as scripts run it, on a demo SQLite file: a CSV with
//! French headers and an `.xlsx` workbook made here; new clients created with
//! their sales contact, a known e-mail updated, a second import unchanged, a
//! broken row reported with its line and nothing written, the policy holding.

mod cli_common;

use std::path::{Path, PathBuf};

use cli_common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Clients by e-mail, archived ones included.
fn client(cli: &Cli, email: &str) -> Option<serde_json::Value> {
    cli.json(&["clients", "list", "--archived", "--format", "json"])
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["email"] == email)
        .cloned()
}

fn count(cli: &Cli) -> usize {
    cli.json(&["clients", "list", "--archived", "--format", "json"])
        .as_array()
        .expect("array")
        .len()
}

/// Semicolons, French headers in another order, Windows line endings.
fn csv(dir: &Path) -> PathBuf {
    let path = dir.join("clients.csv");
    std::fs::write(
        &path,
        "Courriel;Nom complet;Téléphone;Société;Premier contact;Contact commercial\r\n\
         zoe.durand@exemple.fr;Zoé Durand;+33 6 12 34 56 78;Durand & Fils;04/06/2023;Bill Boquet\r\n\
         MAX@Exemple.fr;Max Moreau;;Moreau SA;2024-01-15;anne.roy@epicevents.example\r\n\
         kevin@startup.io;Kevin Casey;;Cool Startup Europe;;\r\n",
    )
    .expect("write csv");
    path
}

#[test]
fn a_csv_creates_and_updates_by_email_and_a_second_import_changes_nothing() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let sheet = csv(dir.path());
    let before = count(&cli);
    let kevin_before = client(&cli, "kevin@startup.io").expect("kevin");

    let o = cli.run(&["import", "clients", p(&sheet), "--dry-run"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(count(&cli), before, "a dry run writes nothing");

    let o = cli.run(&["import", "clients", p(&sheet), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    let lines = report["lines"].as_array().expect("lines");
    let outcomes: Vec<(i64, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["line"].as_i64().expect("line"),
                l["outcome"].as_str().expect("outcome"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [(2, "created"), (3, "created"), (4, "updated")],
        "{report}"
    );
    assert_eq!(report["written"], true);
    assert_eq!(count(&cli), before + 2);

    let zoe = client(&cli, "zoe.durand@exemple.fr").expect("Zoé");
    assert_eq!(zoe["full_name"], "Zoé Durand");
    assert_eq!(zoe["company_name"], "Durand & Fils");
    assert_eq!(zoe["sales_contact"], "Bill Boquet");
    let max = client(&cli, "max@exemple.fr").expect("the e-mail is kept in lower case");
    assert_eq!(max["sales_contact"], "Anne Roy");
    let kevin = client(&cli, "kevin@startup.io").expect("kevin");
    assert_eq!(kevin["company_name"], "Cool Startup Europe");
    assert_eq!(kevin["id"], kevin_before["id"], "matched, not duplicated");
    assert_eq!(
        kevin["sales_contact"], kevin_before["sales_contact"],
        "an empty cell keeps what the CRM has"
    );
    let shown = cli.json(&[
        "clients",
        "show",
        &zoe["id"].to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(shown["first_contact"], "2023-06-04");

    // The audit says who imported what.
    let audit = cli.json(&["audit", "list", "--format", "json"]);
    assert!(
        audit
            .as_array()
            .expect("array")
            .iter()
            .any(|a| a["action"] == "import" && a["entity"] == "client"),
        "{audit}"
    );

    // Again: nothing changes.
    let o = cli.run(&["import", "clients", p(&sheet)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let table = stdout(&o);
    assert_eq!(table.matches("unchanged").count(), 3, "{table}");
    assert_eq!(count(&cli), before + 2);
}

/// A workbook as a spreadsheet tool saves it: English headers, a date cell, a
/// sales contact unknown on row 3 and an e-mail repeated on row 4.
fn workbook(dir: &Path, broken: bool) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (col, h) in [
        "Full name",
        "E-mail",
        "Phone",
        "Company",
        "First contact",
        "Sales contact",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, col as u16, *h).expect("header");
    }
    let mut rows = vec![
        (
            "Ada Lovelace",
            "ada@engines.example",
            "Analytical Engines",
            "Bill Boquet",
        ),
        (
            "Grace Hopper",
            "grace@cobol.example",
            "Compilers Inc",
            "BILL.BOQUET@epicevents.example",
        ),
    ];
    if broken {
        rows.push((
            "Alan Turing",
            "alan@bletchley.example",
            "Bletchley",
            "Nobody Known",
        ));
        rows.push(("Ada Again", "ADA@engines.example", "Copy", "Bill Boquet"));
    }
    for (i, (name, email, company, sales)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *name).expect("name");
        ws.write_string(r, 1, *email).expect("email");
        ws.write_string(r, 3, *company).expect("company");
        let d = ExcelDateTime::from_ymd(2024, 3, 1 + i as u8).expect("date");
        ws.write_datetime_with_format(r, 4, &d, &date)
            .expect("date");
        ws.write_string(r, 5, *sales).expect("sales");
    }
    let path = dir.join(if broken {
        "broken.xlsx"
    } else {
        "clients.xlsx"
    });
    wb.save(&path).expect("save workbook");
    path
}

#[test]
fn an_xlsx_with_broken_rows_writes_nothing_unless_partial() {
    let cli = Cli::demo();
    cli.login(ADMIN);
    let dir = tempfile::tempdir().expect("dir");
    let before = count(&cli);

    let broken = workbook(dir.path(), true);
    let o = cli.run(&["import", "clients", p(&broken)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let report = stdout(&o);
    let line = |n: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(n))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("4").contains("error") && line("4").contains("Nobody Known"),
        "{report}"
    );
    assert!(
        line("5").contains("error") && line("5").contains("line 2"),
        "{report}"
    );
    assert!(line("2").contains("created"), "{report}");
    assert!(text(&o).contains("nothing was written"), "{}", text(&o));
    assert_eq!(count(&cli), before, "all or nothing");

    let o = cli.run(&["import", "clients", p(&broken), "--partial"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(count(&cli), before + 2, "the good rows are written");
    let ada = client(&cli, "ada@engines.example").expect("Ada");
    assert_eq!(ada["sales_contact"], "Bill Boquet");
    assert_eq!(ada["company_name"], "Analytical Engines");
    let grace = client(&cli, "grace@cobol.example").expect("Grace");
    assert_eq!(grace["sales_contact"], "Bill Boquet", "found by e-mail");

    let good = workbook(dir.path(), false);
    let o = cli.run(&["import", "clients", p(&good), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        report["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .all(|l| l["outcome"] == "unchanged"),
        "{report}"
    );
}

#[test]
fn importing_clients_is_for_management_and_admins() {
    let cli = Cli::demo();
    cli.login(SALES);
    let dir = tempfile::tempdir().expect("dir");
    let sheet = csv(dir.path());
    let before = count(&cli);
    let o = cli.run(&["import", "clients", p(&sheet)]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert_eq!(count(&cli), before);
    let o = cli.run(&["import", "clients", "/no/such/clients.csv"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let no_header = dir.path().join("plain.csv");
    std::fs::write(&no_header, "a;b\n1;2\n").expect("write");
    let o = cli.run(&["import", "clients", p(&no_header)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("header"), "{}", text(&o));
}
