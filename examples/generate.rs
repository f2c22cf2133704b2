//! Fills a database with bulk data for benchmarks and for trying the screens at
//! scale:
//!
//! ```sh
//! cargo run --release --example generate -- --database target/bench-data/crm-1m.db \
//!     --clients 100000 --events 1000000 --seed 42
//! ```
//!
//! The demo staff is loaded first when the database is empty (the bulk rows need
//! sales and support collaborators to belong to).

use std::io::Write;
use std::time::Instant;

use clap::Parser;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::Crm;

#[derive(Parser, Debug)]
#[command(about = "Generate bulk clients, contracts and events")]
struct Args {
    /// SQLite file path or postgres:// URL.
    #[arg(long)]
    database: String,
    #[arg(long, default_value_t = 100_000)]
    clients: usize,
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let target = Target::parse(&args.database)?;
    let crm = Crm::open(&target, CrmConfig::default())?;
    let started = Instant::now();
    if crm.needs_first_admin()? {
        eprintln!("empty database: loading the demo staff");
        epicevents::demo::load(&crm, 0)?;
    }
    let mut last = Instant::now();
    let mut last_what = String::new();
    epicevents::demo::bulk::generate(
        crm.db(),
        args.clients,
        args.events,
        args.seed,
        |what, done, total| {
            // Each index step on a line of its own, with the time it started.
            let new_step = what != last_what;
            if new_step || done == total || last.elapsed().as_millis() >= 500 {
                if new_step && !last_what.is_empty() {
                    eprintln!();
                }
                last = Instant::now();
                last_what = what.to_string();
                eprint!(
                    "\r{what}: {done}/{total} ({:.1} s)   ",
                    started.elapsed().as_secs_f64()
                );
                let _ = std::io::stderr().flush();
            }
        },
    )?;
    eprintln!();
    println!(
        "generated {} clients and {} events in {:.1} s into {}",
        args.clients,
        args.events,
        started.elapsed().as_secs_f64(),
        target.display_safe()
    );
    Ok(())
}
