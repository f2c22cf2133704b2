//! Times an import of the support team's sheet at scale: a CSV of N events (one
//! row each, header layout) for the demo clients, into a fresh SQLite database
//! (or `--database`), then the same file again (every row "unchanged").
//!
//! ```sh
//! cargo run --release --example import_bench -- --rows 100000
//! ```

use std::io::Write;
use std::time::Instant;

use clap::Parser;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::import::read_events;
use epicevents::services::import::ImportOptions;
use epicevents::Crm;

#[derive(Parser, Debug)]
#[command(about = "Time importing a sheet of events")]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// SQLite file path or postgres:// URL (default: a new file in a temp dir).
    #[arg(long)]
    database: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let target = match &args.database {
        Some(d) => Target::parse(d)?,
        None => Target::SqliteFile(dir.path().join("import.db")),
    };
    let crm = Crm::open(&target, CrmConfig::default())?;
    epicevents::demo::load(&crm, 0)?;
    let who = crm.login("mia.martin@epicevents.example", "epic-demo-2023")?;

    let path = dir.path().join("events.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        f,
        "Event;Event ID;Client contact;Start;End;Support;Location;Attendees;Notes"
    )?;
    let clients = [
        ("kevin@startup.io", "Kevin"),
        ("john.ouick@gmail.com", "John"),
        ("jacky@loubouzin.grd", "Lou"),
    ];
    let supports = ["Kate Hastroff", "Aliénor Vichum", ""];
    for i in 0..args.rows {
        let (email, who) = clients[i % 3];
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        writeln!(
            f,
            "{who} event {i};X{i};{email};{day:02}/{month:02}/2024 18:00;{day:02}/{month:02}/2024 23:00;{};Hall {};{};Row {i}",
            supports[i % 3],
            i % 50,
            i % 300
        )?;
    }
    f.flush()?;
    drop(f);

    for pass in ["first import", "second import (unchanged)"] {
        let t = Instant::now();
        let sheet = read_events(&path)?;
        let read = t.elapsed();
        let report = crm.import_events(&who, &sheet, ImportOptions::default(), &mut |_| {})?;
        let total = t.elapsed();
        let (c, u, same, e) = report.counts();
        println!(
            "{pass}: {} rows, read {:.2} s, total {:.2} s ({:.0} rows/s): \
             {c} created, {u} updated, {same} unchanged, {e} errors",
            sheet.len(),
            read.as_secs_f64(),
            total.as_secs_f64(),
            sheet.len() as f64 / total.as_secs_f64()
        );
    }
    Ok(())
}
