//! Whole-process timings of the scripting commands, side by side with the
//! figures of the Python peer: a set shaped like its measurement (10 000 clients,
//! 20 000 contracts of which half unsigned, 20 000 events of which half without
//! support) and the plain demo data; each command run as a new process, output
//! to a pipe, table format, all rows; the median of 10 runs.
//!
//! ```sh
//! cargo build --release --bin epicevents
//! cargo run --release --example cli_bench
//! ```
//!
//! The databases and a private home directory are made under
//! `target/bench-data/cli` (kept between runs; `--fresh` rebuilds them).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::Crm;

#[derive(Parser, Debug)]
#[command(about = "Time the scripting commands as whole processes")]
struct Args {
    /// The binary to time.
    #[arg(long, default_value = "target/release/epicevents")]
    bin: PathBuf,
    /// Where the databases and the home directory go.
    #[arg(long, default_value = "target/bench-data/cli")]
    dir: PathBuf,
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Rebuild the databases.
    #[arg(long)]
    fresh: bool,
}

const MANAGER: &str = "mia.martin@epicevents.example";

const COMMANDS: &[&[&str]] = &[
    &["contracts", "list", "--unsigned"],
    &["events", "list", "--without-support"],
    &["clients", "list"],
    &["events", "list"],
    &["whoami"],
    &["--help"],
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if !args.bin.exists() {
        return Err(format!(
            "{} not found: cargo build --release --bin epicevents",
            args.bin.display()
        )
        .into());
    }
    if args.fresh {
        let _ = std::fs::remove_dir_all(&args.dir);
    }
    epicevents::files::private_dir(&args.dir)?;
    // Absolute: XDG directories given as relative paths are ignored.
    let dir = std::fs::canonicalize(&args.dir)?;
    let home = dir.join("home");
    epicevents::files::private_dir(&home)?;
    let demo = dir.join("demo.db");
    let peer = dir.join("peer.db");
    if !demo.exists() {
        eprintln!("loading the demo data");
        let crm = Crm::open(&Target::SqliteFile(demo.clone()), CrmConfig::default())?;
        epicevents::demo::load(&crm, 100)?;
    }
    if !peer.exists() {
        eprintln!("generating the peer-shaped set");
        peer_shaped(&peer)?;
    }
    let mut results = Vec::new();
    for db in [&demo, &peer] {
        login(&args.bin, &home, db)?;
        let mut row = Vec::new();
        for cmd in COMMANDS {
            row.push(time(&args.bin, &home, db, cmd, args.runs)?);
        }
        results.push(row);
    }
    println!("| command | demo data: median | rows | peer-shaped set: median | rows |");
    println!("|---|---:|---:|---:|---:|");
    for (i, cmd) in COMMANDS.iter().enumerate() {
        let (d, p) = (&results[0][i], &results[1][i]);
        println!(
            "| `epicevents {}` | {:.1} ms | {} | {:.1} ms | {} |",
            cmd.join(" "),
            ms(d.0),
            d.1,
            ms(p.0),
            p.1
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The demo staff, 10 000 clients with one contract each and 20 000 events (the
/// bulk generator), then 10 000 more contracts so that half of the 20 000 are
/// unsigned, and half of the events without support. Written straight to the file
/// like the generator (an operator's tool, no policy or audit); the full-text
/// indexes follow through their triggers.
fn peer_shaped(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let crm = Crm::open(
        &Target::SqliteFile(path.to_path_buf()),
        CrmConfig::default(),
    )?;
    epicevents::demo::load(&crm, 0)?;
    epicevents::demo::bulk::generate(crm.db(), 10_000, 20_000, 42, |_, _, _| {})?;
    drop(crm);
    let mut c = diesel::SqliteConnection::establish(&path.display().to_string())?;
    c.batch_execute(
        "BEGIN;
         INSERT INTO contracts (client_id, total_cents, due_cents, signed, signed_at,
             signed_by_id, search, created_at, updated_at, version)
           SELECT client_id, total_cents, total_cents, 0, NULL, NULL, search, created_at,
             updated_at, 1 FROM contracts ORDER BY id LIMIT 10000;
         UPDATE contracts SET signed = 1, signed_at = created_at,
             signed_by_id = (SELECT id FROM collaborators WHERE role = 'management' LIMIT 1)
           WHERE id IN (SELECT c.id FROM contracts c WHERE c.signed = 0
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.contract_id = c.id)
             ORDER BY c.id DESC
             LIMIT max(0, (SELECT count(*) FROM contracts WHERE signed = 0)
                        - (SELECT count(*) FROM contracts) / 2));
         UPDATE events SET support_id = NULL WHERE id % 2 = 0;
         UPDATE events SET support_id = (SELECT id FROM collaborators
             WHERE role = 'support' AND active LIMIT 1)
           WHERE id % 2 = 1 AND support_id IS NULL;
         COMMIT;
         ANALYZE;",
    )?;
    Ok(())
}

fn cmd(bin: &Path, home: &Path, db: &Path) -> Command {
    let mut c = Command::new(bin);
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("DATABASE_URL", db)
        .env_remove("SENTRY_DSN")
        .stderr(Stdio::null());
    c
}

fn login(bin: &Path, home: &Path, db: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut child = cmd(bin, home, db)
        .args(["login", "--email", MANAGER, "--password-stdin"])
        .stdin(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(format!("{}\n", epicevents::demo::DEMO_PASSWORD).as_bytes())?;
    if !child.wait()?.success() {
        return Err(format!("login on {} failed", db.display()).into());
    }
    Ok(())
}

/// The median wall time of `runs` processes, and the rows the last one printed
/// (lines after the header).
fn time(
    bin: &Path,
    home: &Path,
    db: &Path,
    args: &[&str],
    runs: usize,
) -> Result<(Duration, usize), Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(runs);
    let mut lines = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = cmd(bin, home, db)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut out = Vec::new();
        child
            .stdout
            .take()
            .ok_or("no stdout")?
            .read_to_end(&mut out)?;
        let status = child.wait()?;
        times.push(started.elapsed());
        if !status.success() {
            return Err(format!("{args:?} on {} failed: {status}", db.display()).into());
        }
        lines = out.iter().filter(|b| **b == b'\n').count();
    }
    times.sort();
    let rows = if args.first() == Some(&"--help") || args == ["whoami"] {
        0
    } else {
        lines.saturating_sub(1)
    };
    Ok((times[times.len() / 2], rows))
}
