//! `import events FILE` and `export …` as scripts run them: the report, the exit
//! code, nothing written on a broken row, a second import unchanged, exported
//! files private.

mod cli_common;

use std::path::{Path, PathBuf};

use cli_common::*;

/// Two new events for demo clients under English headers; `bad` adds a row whose
/// end comes before its start.
fn sheet(dir: &Path, bad: bool) -> PathBuf {
    let mut s = String::from(
        "Event,Event ID,Client,Client contact,Event date start,Event date end,Support contact,Location,Attendees,Notes\n\
         Kevin Casey Seminar,5001,Kevin Casey,kevin@startup.io,12/09/2027 09:00,12/09/2027 17:00,Kate Hastroff,Tours,40,Projector needed\n\
         Kevin Casey Dinner,5002,Kevin Casey,kevin@startup.io,13/09/2027 19:00,13/09/2027 23:00,,Blois,25,\n",
    );
    if bad {
        s.push_str(
            "Broken Evening,5003,Kevin Casey,kevin@startup.io,14/09/2027 19:00,14/09/2027 18:00,,Blois,10,\n",
        );
    }
    let path = dir.join(if bad { "bad.csv" } else { "events.csv" });
    std::fs::write(&path, s).expect("write sheet");
    path
}

fn event_count(cli: &Cli) -> usize {
    cli.json(&["events", "list", "--format", "json", "--archived"])
        .as_array()
        .expect("array")
        .len()
}

#[test]
fn import_reports_each_row_and_a_second_import_changes_nothing() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let good = sheet(dir.path(), false);
    let before = event_count(&cli);

    // A dry run writes nothing.
    let o = cli.run(&[
        "import",
        "events",
        good.to_str().expect("path"),
        "--dry-run",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        stderr(&o)
            .contains("2 created, 0 updated, 0 unchanged, 0 in error; a dry run: nothing written"),
        "{}",
        text(&o)
    );
    assert_eq!(event_count(&cli), before);

    let o = cli.run(&[
        "import",
        "events",
        good.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let lines = report["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["outcome"] == "created"), "{report}");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(event_count(&cli), before + 2);
    let created = cli.json(&[
        "events",
        "show",
        &lines[0]["id"].to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(created["support"], "Kate Hastroff");
    assert_eq!(created["external_ref"], "5001");
    assert_eq!(created["starts_at"], "2027-09-12T09:00:00");

    let o = cli.run(&["import", "events", good.to_str().expect("path")]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let table = stdout(&o);
    assert_eq!(table.matches("unchanged").count(), 2, "{table}");
    assert!(
        stderr(&o).contains("2 unchanged, 0 in error; written"),
        "{}",
        text(&o)
    );
    assert_eq!(event_count(&cli), before + 2);
}

#[test]
fn a_broken_row_is_reported_with_its_line_and_nothing_is_written() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let bad = sheet(dir.path(), true);
    let before = event_count(&cli);
    let o = cli.run(&["import", "events", bad.to_str().expect("path")]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let report = stdout(&o);
    let line = report
        .lines()
        .find(|l| l.contains("error"))
        .expect("an error line");
    assert!(line.trim_start().starts_with("4 "), "{line}");
    assert!(
        stderr(&o).contains("1 in error; nothing written"),
        "{}",
        text(&o)
    );
    assert!(stderr(&o).contains("nothing was written"), "{}", text(&o));
    assert_eq!(event_count(&cli), before);
    // --partial writes the good ones, and still exits 1.
    let o = cli.run(&["import", "events", bad.to_str().expect("path"), "--partial"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(event_count(&cli), before + 2);
}

#[test]
fn importing_is_for_management() {
    let cli = Cli::demo();
    cli.login(SALES);
    let dir = tempfile::tempdir().expect("dir");
    let good = sheet(dir.path(), false);
    let o = cli.run(&["import", "events", good.to_str().expect("path")]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    let o = cli.run(&["import", "events", "/no/such/file.csv"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
}

#[test]
fn exports_are_private_files_or_standard_output_and_reimport_unchanged() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let dir = tempfile::tempdir().expect("dir");
    let unsigned = cli.json(&["contracts", "list", "--unsigned", "--format", "json"]);
    let n = unsigned.as_array().expect("array").len();

    let csv_path = dir.path().join("unsigned.csv");
    let o = cli.run(&[
        "export",
        "contracts",
        "--unsigned",
        "--format",
        "csv",
        "--output",
        csv_path.to_str().expect("path"),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(mode(&csv_path), 0o600);
    let mut r = csv::Reader::from_path(&csv_path).expect("csv");
    assert_eq!(r.records().count(), n);

    let o = cli.run(&["export", "clients", "--mine", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v.is_array());

    let o = cli.run(&["export", "events", "--format", "xlsx"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let xlsx = dir.path().join("events.xlsx");
    let o = cli.run(&[
        "export",
        "events",
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().expect("path"),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(mode(&xlsx), 0o600);

    // The exported events import back as "unchanged", every time.
    let reimport = || {
        let o = cli.run(&[
            "import",
            "events",
            xlsx.to_str().expect("path"),
            "--format",
            "json",
        ]);
        assert_eq!(code(&o), 0, "{}", text(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("JSON report")
    };
    for _ in 0..2 {
        let report = reimport();
        let lines = report["lines"].as_array().expect("lines");
        assert!(!lines.is_empty());
        assert!(
            lines.iter().all(|l| l["outcome"] == "unchanged"),
            "{report}"
        );
    }
}
