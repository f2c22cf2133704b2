//! The list queries the screens make, on a 100 000-client / 1 000 000-event SQLite
//! database, shared by `benches/lists.rs` (criterion) and
//! `examples/bench_report.rs` (a printed table).
//!
//! The database is made once and kept: `target/bench-data/crm-1m.db`, or the path
//! (or `postgres://` URL) in `EPICEVENTS_BENCH_DB`.

use std::path::PathBuf;
use std::time::Instant;

use epicevents::config::CrmConfig;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort, TimeWindow};
use epicevents::db::repo::{At, Cursor, ListParams};
use epicevents::db::Target;
use epicevents::demo::{DEMO_PASSWORD, DEMO_STAFF};
use epicevents::Crm;

pub const CLIENTS: usize = 100_000;
pub const EVENTS: usize = 1_000_000;
pub const SEED: u64 = 42;
/// The window of rows the list screens load (`controllers::list::WINDOW`).
pub const WINDOW: i64 = 200;

/// Where the bench database is.
pub fn target() -> Target {
    match std::env::var("EPICEVENTS_BENCH_DB") {
        Ok(s) if !s.trim().is_empty() => Target::parse(&s).expect("EPICEVENTS_BENCH_DB"),
        _ => {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
            std::fs::create_dir_all(&dir).expect("create target/bench-data");
            Target::SqliteFile(dir.join("crm-1m.db"))
        }
    }
}

/// The bench database, generated on first use (a minute or two).
pub fn open() -> Crm {
    let target = target();
    let crm = Crm::open(&target, CrmConfig::default()).expect("open the bench database");
    if crm.needs_first_admin().expect("read the database") {
        eprintln!(
            "generating {CLIENTS} clients and {EVENTS} events into {} (once)",
            target.display_safe()
        );
        let t = Instant::now();
        epicevents::demo::load(&crm, 0).expect("load the demo staff");
        epicevents::demo::bulk::generate(crm.db(), CLIENTS, EVENTS, SEED, |what, done, n| {
            if done == n {
                eprintln!("{what}: {done}/{n} ({:.0} s)", t.elapsed().as_secs_f64());
            }
        })
        .expect("generate the bulk data");
    }
    crm
}

/// A demo account's id (index into `DEMO_STAFF`): Kate Hastroff (support) for
/// "assigned to", Bill Boquet (sales) for "my clients".
pub fn staff(crm: &Crm, i: usize) -> i64 {
    crm.db()
        .read(|c| epicevents::db::repo::collaborators::find_by_email(c, DEMO_STAFF[i].1))
        .expect("read")
        .expect("a demo account")
        .id
}

/// What a row of the report is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// A keystroke, a scroll or a first page: ≤ 30 ms median, ≤ 60 ms p99.
    Interactive,
    /// A jump to an arbitrary deep offset (dragging to 50 %): measured, allowed
    /// to cost more.
    Jump,
    /// Work a background worker does while the screen stays live (the exact
    /// count, logging in).
    Background,
}

/// One measured query: its name and a closure returning how many rows it loaded.
pub struct Case {
    pub name: &'static str,
    pub goal: Goal,
    pub run: Box<dyn Fn(&Crm) -> usize>,
}

/// The cursor of the last row of the window at `offset` (set-up, not measured).
fn cursor_at(crm: &Crm, f: &EventFilter, sort: EventSort, filter: &str, offset: i64) -> Cursor {
    crm.list_events(f, sort, &params(filter, offset))
        .expect("list events")
        .last
        .expect("a row at that offset")
}

/// The window after a cursor: scrolling on from deep in the list.
fn events_after(
    name: &'static str,
    f: EventFilter,
    sort: EventSort,
    filter: &'static str,
    cursor: Cursor,
) -> Case {
    Case {
        name,
        goal: Goal::Interactive,
        run: Box::new(move |crm| {
            let p = params(filter, 0);
            crm.list_events(&f, sort, p.at(At::After(cursor.clone())))
                .expect("list events")
                .rows
                .len()
        }),
    }
}

fn params(filter: &str, offset: i64) -> ListParams {
    ListParams {
        offset,
        limit: WINDOW,
        ..ListParams::default()
    }
    .with_filter(filter)
}

fn events(name: &'static str, f: EventFilter, sort: EventSort, filter: &'static str) -> Case {
    events_at(name, f, sort, filter, 0)
}

fn events_at(
    name: &'static str,
    f: EventFilter,
    sort: EventSort,
    filter: &'static str,
    offset: i64,
) -> Case {
    Case {
        name,
        goal: if offset > 0 {
            Goal::Jump
        } else {
            Goal::Interactive
        },
        run: Box::new(move |crm| {
            crm.list_events(&f, sort, &params(filter, offset))
                .expect("list events")
                .rows
                .len()
        }),
    }
}

/// Every query of the report, the criterion bench's among them.
pub fn cases(crm: &Crm) -> Vec<Case> {
    let kate = staff(crm, 4);
    let bill = staff(crm, 2);
    let none = EventFilter::default;
    vec![
        events("events: first page", none(), EventSort::Start, ""),
        events("events: 'mufflins'", none(), EventSort::Start, "mufflins"),
        events("events: 'casey' (rare)", none(), EventSort::Start, "casey"),
        events(
            "events: 'mufflins gala'",
            none(),
            EventSort::Start,
            "mufflins gala",
        ),
        events("events: 'ly' (2 chars)", none(), EventSort::Start, "ly"),
        events("events: 'q' (1 char)", none(), EventSort::Start, "q"),
        events(
            "events: 'a' (1 char, common)",
            none(),
            EventSort::Start,
            "a",
        ),
        events(
            "events: without support",
            EventFilter {
                without_support: true,
                ..none()
            },
            EventSort::Start,
            "",
        ),
        events(
            "events: assigned to Kate",
            EventFilter {
                support: Some(kate),
                ..none()
            },
            EventSort::Start,
            "",
        ),
        events(
            "events: upcoming",
            EventFilter {
                window: TimeWindow::Upcoming,
                ..none()
            },
            EventSort::Start,
            "",
        ),
        events_at(
            "events: offset 500 000",
            none(),
            EventSort::Start,
            "",
            500_000,
        ),
        events_at(
            "events: last window (999 800)",
            none(),
            EventSort::Start,
            "",
            999_800,
        ),
        events_at(
            "events: by client, offset 100 000",
            none(),
            EventSort::Client,
            "",
            100_000,
        ),
        events(
            "events: ongoing",
            EventFilter {
                window: TimeWindow::Ongoing,
                ..none()
            },
            EventSort::Start,
            "",
        ),
        events_after(
            "events: next window after row 500 000",
            none(),
            EventSort::Start,
            "",
            cursor_at(crm, &none(), EventSort::Start, "", 500_000),
        ),
        Case {
            name: "events: last window (from the end)",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                let p = params("", 0);
                crm.list_events(&EventFilter::default(), EventSort::Start, p.at(At::FromEnd))
                    .expect("list events")
                    .rows
                    .len()
            }),
        },
        events_after(
            "events: by client, after row 100 000",
            none(),
            EventSort::Client,
            "",
            cursor_at(crm, &none(), EventSort::Client, "", 100_000),
        ),
        events_after(
            "events: 'mufflins', after row 5 000",
            none(),
            EventSort::Start,
            "mufflins",
            cursor_at(crm, &none(), EventSort::Start, "mufflins", 5_000),
        ),
        Case {
            name: "events: exact count (all)",
            goal: Goal::Background,
            run: Box::new(|crm| {
                let p = ListParams::default().count_only();
                crm.list_events(&EventFilter::default(), EventSort::Start, &p)
                    .expect("count events")
                    .total as usize
            }),
        },
        Case {
            name: "events: exact count 'q'",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                let p = ListParams::default().with_filter("q").count_only();
                crm.list_events(&EventFilter::default(), EventSort::Start, &p)
                    .expect("count events")
                    .total as usize
            }),
        },
        Case {
            name: "events: past, newest first",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                let p = ListParams {
                    descending: true,
                    ..params("", 0)
                };
                let f = EventFilter {
                    window: TimeWindow::Past,
                    ..EventFilter::default()
                };
                crm.list_events(&f, EventSort::Start, &p)
                    .expect("list events")
                    .rows
                    .len()
            }),
        },
        events("events: by client", none(), EventSort::Client, ""),
        events("events: by name 'gala'", none(), EventSort::Name, "gala"),
        events_at(
            "events: 'mufflins' offset 5 000",
            none(),
            EventSort::Start,
            "mufflins",
            5_000,
        ),
        Case {
            name: "clients: 'martin'",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                crm.list_clients(
                    &ClientFilter::default(),
                    ClientSort::Name,
                    &params("martin", 0),
                )
                .expect("list clients")
                .rows
                .len()
            }),
        },
        Case {
            name: "clients: 'q' (1 char)",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                crm.list_clients(&ClientFilter::default(), ClientSort::Name, &params("q", 0))
                    .expect("list clients")
                    .rows
                    .len()
            }),
        },
        Case {
            name: "clients: my clients",
            goal: Goal::Interactive,
            run: Box::new(move |crm| {
                crm.list_clients(
                    &ClientFilter {
                        sales_contact: Some(bill),
                    },
                    ClientSort::Name,
                    &params("", 0),
                )
                .expect("list clients")
                .rows
                .len()
            }),
        },
        Case {
            name: "contracts: 'martin'",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                crm.list_contracts(
                    &ContractFilter::default(),
                    ContractSort::Id,
                    &params("martin", 0),
                )
                .expect("list contracts")
                .rows
                .len()
            }),
        },
        Case {
            name: "contracts: unsigned + due",
            goal: Goal::Interactive,
            run: Box::new(|crm| {
                crm.list_contracts(
                    &ContractFilter {
                        unsigned: true,
                        balance_due: true,
                        ..ContractFilter::default()
                    },
                    ContractSort::Id,
                    &params("", 0),
                )
                .expect("list contracts")
                .rows
                .len()
            }),
        },
        Case {
            name: "login (bcrypt cost 12)",
            goal: Goal::Background,
            run: Box::new(|crm| {
                crm.login(DEMO_STAFF[4].1, DEMO_PASSWORD)
                    .map(|_| 1)
                    .expect("log in")
            }),
        },
    ]
}
