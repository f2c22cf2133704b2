//! The list screens' queries at scale (100 000 clients, 1 000 000 events, SQLite):
//! `cargo bench --bench lists`. The database is generated once and cached; see
//! `benches/support/cases.rs`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cases.rs"]
mod cases;

fn lists(c: &mut Criterion) {
    let crm = cases::open();
    let mut group = c.benchmark_group("lists");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for case in cases::cases(&crm) {
        let name = format!("{} ({:?})", case.name, case.goal);
        group.bench_function(name, |b| b.iter(|| (case.run)(&crm)));
    }
    group.finish();
}

criterion_group!(benches, lists);
criterion_main!(benches);
