//! Filter keystroke to repainted table on a large database: on the Clients
//! screen, each key types or erases one letter of the filter, its query runs on
//! the app's worker as on the real screen, and the time is taken from the key
//! until the frame that shows the answer is drawn (120×40). Prints the median
//! and the 99th percentile.
//!
//! ```sh
//! cargo run --profile perf --example frame_report -- --keys 200
//! ```
//!
//! The database is `EPICEVENTS_BENCH_DB` or `target/bench-data/crm-1m.db` (100 000
//! clients, made by `bench_report` or `examples/generate`), which holds the demo staff.

use std::time::{Duration, Instant};

use clap::Parser;
use epicevents::app::{App, AppOptions};
use epicevents::config::CrmConfig;
use epicevents::db::{Db, Target};
use epicevents::domain::time::system_clock;
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use epicevents::Crm;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

#[derive(Parser, Debug)]
#[command(about = "Time a filter keystroke to its repainted table")]
struct Args {
    /// Keys to time (half typing a letter, half erasing it).
    #[arg(long, default_value_t = 200)]
    keys: usize,
    /// The letters typed in turn after the fixed prefix.
    #[arg(long, default_value = "aeiou")]
    letters: String,
    /// Typed once before the timed keys (the filter the letters extend).
    #[arg(long, default_value = "mar")]
    prefix: String,
}

const P99_TARGET_MS: f64 = 16.0;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn type_str(app: &mut App, s: &str) {
    for ch in s.chars() {
        app.handle_key(key(KeyCode::Char(ch)));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let target = match std::env::var("EPICEVENTS_BENCH_DB") {
        Ok(s) if !s.trim().is_empty() => Target::parse(&s)?,
        _ => Target::SqliteFile("target/bench-data/crm-1m.db".into()),
    };
    if let Target::SqliteFile(p) = &target {
        if !p.exists() {
            return Err(format!(
                "{} not found: run `cargo run --profile perf --example bench_report` first",
                p.display()
            )
            .into());
        }
    }
    let crm = Crm::new(Db::open(&target)?, CrmConfig::default(), system_clock());
    let mut app = App::new(
        crm,
        AppOptions::default(),
        Keymap::defaults(),
        Theme::colored(),
    );
    app.use_worker();
    app.size = (120, 40);
    let mut term = Terminal::new(TestBackend::new(120, 40))?;
    app.settle();
    type_str(&mut app, "mia.martin@epicevents.example");
    app.handle_key(key(KeyCode::Tab));
    type_str(&mut app, epicevents::demo::DEMO_PASSWORD);
    app.handle_key(key(KeyCode::Enter));
    app.settle();
    app.handle_key(key(KeyCode::Char('1')));
    app.settle();
    app.handle_key(key(KeyCode::Char('/')));
    type_str(&mut app, &args.prefix);
    app.settle();

    let letters: Vec<char> = args.letters.chars().collect();
    if letters.is_empty() {
        return Err("--letters is empty".into());
    }
    let mut times = Vec::with_capacity(args.keys);
    for i in 0..args.keys {
        let started = Instant::now();
        if i % 2 == 0 {
            app.handle_key(key(KeyCode::Char(letters[(i / 2) % letters.len()])));
        } else {
            app.handle_key(key(KeyCode::Backspace));
        }
        if !app.settle_within(Duration::from_secs(10)) {
            return Err("the query did not answer within 10 s".into());
        }
        term.draw(|f| epicevents::ui::screens::render(&app.view(), f))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let (median, p99) = (at(0.5), at(0.99));
    println!("database: {}", target.display_safe());
    println!(
        "filter key to repainted table, Clients, 120×40, {} keys after {:?}: \
         median {median:.2} ms, p99 {p99:.2} ms (target p99 ≤ {P99_TARGET_MS} ms: {})",
        times.len(),
        args.prefix,
        if p99 <= P99_TARGET_MS { "ok" } else { "MISS" }
    );
    Ok(())
}
