//! Runs each list query of `benches/lists.rs` N times on the bench database and
//! prints the median and 95th percentile in milliseconds:
//!
//! ```sh
//! cargo run --release --example bench_report -- 30
//! ```
//!
//! The database is `target/bench-data/crm-1m.db` (made on first use) or
//! `EPICEVENTS_BENCH_DB`. An optional second argument keeps only the cases whose
//! name contains it. With `EPICEVENTS_TRACE_SQL=1` every statement is printed to
//! stderr with its time, to see where a list spends it.

use std::time::Instant;

#[path = "../benches/support/cases.rs"]
mod cases;

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
    println!(
        "{:<36} {:>6} {:>10} {:>10}",
        "query", "rows", "median ms", "p95 ms"
    );
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
        let median = ms[ms.len() / 2];
        let p95 = ms[((ms.len() * 95).div_ceil(100)).min(ms.len()) - 1];
        println!(
            "{:<36} {:>6} {:>10.2} {:>10.2}",
            case.name, rows, median, p95
        );
    }
}
