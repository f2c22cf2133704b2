//! Runs each list query of `benches/lists.rs` N times on the bench database and
//! prints the median and 99th percentile in milliseconds, with the target beside
//! each row and misses marked:
//!
//! ```sh
//! cargo run --release --example bench_report -- 30
//! ```
//!
//! Targets: a keystroke, a scroll or a first page ≤ 30 ms median and ≤ 60 ms p99.
//! Jumps to an arbitrary deep offset and background work (the exact count,
//! logging in) are measured and shown without a target.
//!
//! The database is `target/bench-data/crm-1m.db` (made on first use) or
//! `EPICEVENTS_BENCH_DB`. An optional second argument keeps only the cases whose
//! name contains it. With `EPICEVENTS_TRACE_SQL=1` every statement is printed to
//! stderr with its time, to see where a list spends it.

use std::time::Instant;

#[path = "../benches/support/cases.rs"]
mod cases;

use cases::Goal;

const MEDIAN_TARGET_MS: f64 = 30.0;
const P99_TARGET_MS: f64 = 60.0;

/// Prints each statement and how long it took.
fn trace_sql() -> Option<Box<dyn diesel::connection::Instrumentation>> {
    use diesel::connection::InstrumentationEvent;
    let mut started = Instant::now();
    Some(Box::new(
        move |event: InstrumentationEvent<'_>| match event {
            InstrumentationEvent::StartQuery { .. } => started = Instant::now(),
            InstrumentationEvent::FinishQuery { query, .. } => {
                let sql = query.to_string();
                let sql: String = sql.chars().take(400).collect();
                eprintln!(
                    "{:>8.2} ms  {sql}",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            _ => {}
        },
    ))
}

/// The value at quantile `q` of sorted samples (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    if std::env::var_os("EPICEVENTS_TRACE_SQL").is_some() {
        diesel::connection::set_default_instrumentation(trace_sql).expect("instrumentation");
    }
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|s| s.parse().expect("N: a number of runs"))
        .unwrap_or(20)
        .max(1);
    let only = args.next();
    let crm = cases::open();
    println!("database: {}", cases::target().display_safe());
    println!("runs per query: {n}");
    println!(
        "| {:<40} | {:>7} | {:>9} | {:>9} | {:<14} |",
        "query", "rows", "median ms", "p99 ms", "target"
    );
    println!(
        "|{:-<42}|{:->9}|{:->11}|{:->11}|{:-<16}|",
        "", ":", ":", ":", ""
    );
    let mut misses = 0;
    for case in cases::cases(&crm) {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        // One untimed run warms the page cache and the statement cache.
        let rows = (case.run)(&crm);
        let mut ms: Vec<f64> = (0..n)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box((case.run)(&crm));
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        let median = quantile(&ms, 0.5);
        let p99 = quantile(&ms, 0.99);
        let target = match case.goal {
            Goal::Interactive if median <= MEDIAN_TARGET_MS && p99 <= P99_TARGET_MS => {
                "≤30 / ≤60 ok".to_string()
            }
            Goal::Interactive => {
                misses += 1;
                "≤30 / ≤60 MISS".to_string()
            }
            Goal::Jump => "jump (none)".to_string(),
            Goal::Background => "background".to_string(),
        };
        println!(
            "| {:<40} | {:>7} | {:>9.2} | {:>9.2} | {:<14} |",
            case.name, rows, median, p99, target
        );
    }
    println!("misses: {misses}");
}
