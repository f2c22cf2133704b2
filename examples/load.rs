//! N simulated collaborators against one team server over PostgreSQL, for T
//! seconds, each a thread with its own session through the real HTTPS client:
//!
//! ```sh
//! EPICEVENTS_LOAD_PG_URL=postgres://user:pass@127.0.0.1:5432/postgres \
//!   cargo run --profile perf --example load -- --collaborators 50 --seconds 30
//! ```
//!
//! By default it makes a fresh database beside the one the URL names (the role
//! needs CREATEDB), loads the demo data with `--demo-clients` generated clients,
//! starts the server on 127.0.0.1 and drops the database at the end. With
//! `--existing` it works on the database the URL names as it is (for example the
//! 1 000 000-event set `examples/generate` makes), which must hold the demo
//! staff; its few shared records get real edits.
//!
//! Every collaborator logs in before the clock starts (a login is a bcrypt
//! hash, not what the measurement is about), then works: between two actions a
//! person reads the screen, so each waits a random think time (exponential, mean
//! `--think-ms`; 0 makes every thread fire back to back, which measures what the
//! machine can take rather than what a team asks of it).
//!
//! The mix: 70 % lists (a page of clients or events, some filtered or
//! searched), 20 % opening a record, 10 % edits of a few shared records, so
//! that colleagues' edits conflict (the expected 409s). Printed: requests per
//! second, p50/p99 per operation, errors by kind, the most PostgreSQL
//! connections seen in use, and two checks after the run: no lost update (each
//! edited record's version rose by exactly its successful edits) and the ledger
//! (every contract's due is its total minus its payments).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use epicevents::api::pin::Trust;
use epicevents::api::remote::RemoteCrm;
use epicevents::api::CrmApi;
use epicevents::config::CrmConfig;
use epicevents::db::Target;
use epicevents::demo::{DEMO_PASSWORD, DEMO_STAFF};
use epicevents::domain::Role;
use epicevents::server::{self, ServerOptions, ServerSettings};
use epicevents::services::clients::ClientInput;
use epicevents::services::events::EventInput;
use epicevents::services::query::*;
use epicevents::session::Session;
use epicevents::{Crm, Error};

/// Records every simulated collaborator edits: few, so that edits collide.
const HOT: usize = 5;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What one thread measured.
#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<f64>>,
    errors: BTreeMap<String, usize>,
    /// Successful edits per (entity, id).
    edits: BTreeMap<(&'static str, i64), i64>,
}

impl Tally {
    fn time<T>(
        &mut self,
        op: &'static str,
        f: impl FnOnce() -> epicevents::Result<T>,
    ) -> Option<T> {
        let started = Instant::now();
        let r = f();
        self.times
            .entry(op)
            .or_default()
            .push(started.elapsed().as_secs_f64() * 1000.0);
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                *self.errors.entry(kind(&e)).or_default() += 1;
                None
            }
        }
    }
}

fn kind(e: &Error) -> String {
    match e {
        Error::Conflict { .. } => "409 conflict (expected)".into(),
        Error::Denied(_) => "403 denied".into(),
        Error::NotFound { .. } => "404 not found".into(),
        Error::Validation(_) => "422 validation".into(),
        Error::Throttled { .. } => "429 throttled".into(),
        Error::SessionEnded(_) => "401 session ended".into(),
        Error::Connection(m) => format!("connection: {}", m.chars().take(60).collect::<String>()),
        other => format!("{:?}", other).chars().take(60).collect(),
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A small, dependency-free random stream (xorshift), one per thread.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: [&str; 6] = ["gala", "party", "sarl", "marie", "conf", "lou"];

/// What every simulated collaborator shares.
struct Team {
    url: String,
    trust: Trust,
    hot_events: Vec<i64>,
    hot_clients: Vec<i64>,
    think: Duration,
    /// Opens when everyone has logged in.
    start: Barrier,
    stop: AtomicBool,
}

/// One simulated collaborator until `team.stop`.
fn collaborator(team: &Team, who: usize) -> Tally {
    let (hot_events, hot_clients, think) = (&team.hot_events, &team.hot_clients, team.think);
    let (start, stop) = (&team.start, &team.stop);
    let mut t = Tally::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((who as u64 + 1) * 0x1000_0001));
    let (_, email, role) = DEMO_STAFF[who % DEMO_STAFF.len()];
    let api = RemoteCrm::connect(&team.url, &team.trust);
    if api.is_err() {
        *t.errors.entry("connect".into()).or_default() += 1;
    }
    let session = api
        .as_ref()
        .ok()
        .and_then(|api| t.time("login", || api.login(email, DEMO_PASSWORD)));
    // Everyone waits here, logged in or not, so that the barrier always opens.
    start.wait();
    let (Ok(api), Some(session)) = (api, session) else {
        return t;
    };
    // Not everyone starts on the same instant, as people do not.
    pause(&mut rng, think, stop);
    let page = |limit| ListParams {
        limit,
        ..Default::default()
    };
    while !stop.load(Ordering::Relaxed) {
        let roll = rng.below(100);
        if roll < 70 {
            match rng.below(4) {
                0 => {
                    t.time("list clients", || {
                        api.list_clients(&ClientFilter::default(), ClientSort::Name, &page(50))
                    });
                }
                1 => {
                    let p = page(50).with_filter(WORDS[rng.below(WORDS.len())]);
                    t.time("search clients", || {
                        api.list_clients(&ClientFilter::default(), ClientSort::Name, &p)
                    });
                }
                2 => {
                    t.time("list events", || {
                        api.list_events(&EventFilter::default(), EventSort::Start, &page(50))
                    });
                }
                _ => {
                    let f = EventFilter {
                        without_support: true,
                        window: TimeWindow::Upcoming,
                        ..Default::default()
                    };
                    t.time("filter events", || {
                        api.list_events(&f, EventSort::Start, &page(50))
                    });
                }
            }
        } else if roll < 90 {
            if rng.below(2) == 0 {
                let id = hot_clients[rng.below(hot_clients.len())];
                t.time("open client", || api.get_client(id));
            } else {
                let id = hot_events[rng.below(hot_events.len())];
                t.time("open event", || api.get_event(id));
            }
        } else {
            edit(
                &api,
                &session,
                role,
                &mut rng,
                &mut t,
                hot_events,
                hot_clients,
            );
        }
        pause(&mut rng, think, stop);
    }
    let _ = api.logout(&session);
    t
}

/// A person's pause between two actions: exponential around `mean`, cut at ten
/// times it, and cut short when the run ends.
fn pause(rng: &mut Rng, mean: Duration, stop: &AtomicBool) {
    if mean.is_zero() {
        return;
    }
    // A uniform draw in (0, 1], then -ln(u) is exponential with mean 1.
    let u = ((rng.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let wait = mean.mul_f64((-u.ln()).min(10.0));
    let until = Instant::now() + wait;
    while !stop.load(Ordering::Relaxed) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// Reads a shared record, then saves a change with the version read: a
/// colleague who saved in between makes it a 409, as in the terminal.
fn edit(
    api: &RemoteCrm,
    s: &Session,
    role: Role,
    rng: &mut Rng,
    t: &mut Tally,
    hot_events: &[i64],
    hot_clients: &[i64],
) {
    let n = rng.next() % 1000;
    if matches!(role, Role::Sales) {
        let id = hot_clients[rng.below(hot_clients.len())];
        let Some(d) = t.time("open client", || api.get_client(id)) else {
            return;
        };
        if d.client.sales_contact_id != Some(s.collaborator_id) {
            return; // only their own clients: nothing to edit here
        }
        let c = &d.client;
        // A real change: saving the same value again is not an edit.
        let mut phone = format!("+33 1 00 00 0{n:03}");
        if phone == c.phone {
            phone = format!("+33 1 00 00 0{:03}", (n + 1) % 1000);
        }
        let input = ClientInput {
            full_name: c.full_name.clone(),
            email: c.email.clone(),
            phone,
            company_name: c.company_name.clone(),
            first_contact: c.first_contact,
            last_contact: c.last_contact,
        };
        if t.time("edit client", || {
            api.update_client(s, id, c.version, &input)
        })
        .is_some()
        {
            *t.edits.entry(("client", id)).or_default() += 1;
        }
    } else {
        let id = hot_events[rng.below(hot_events.len())];
        let Some(d) = t.time("open event", || api.get_event(id)) else {
            return;
        };
        if role == Role::Support && d.event.support_id != Some(s.collaborator_id) {
            return;
        }
        let e = &d.event;
        let mut location = format!("Room {n}");
        if location == e.location {
            location = format!("Room {}", n + 1000);
        }
        let input = EventInput {
            name: e.name.clone(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            location,
            attendees: e.attendees,
            notes: e.notes.clone(),
        };
        if t.time("edit event", || api.update_event(s, id, e.version, &input))
            .is_some()
        {
            *t.edits.entry(("event", id)).or_default() += 1;
        }
    }
}

#[derive(Parser, Debug)]
#[command(about = "Simulated collaborators against one team server over PostgreSQL")]
struct Args {
    /// Collaborators working at once, each a thread with its own session.
    #[arg(long, default_value_t = 10)]
    collaborators: usize,
    /// How long they work, after all have logged in.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Mean pause between two actions of one person (0: back to back).
    #[arg(long, default_value_t = 1000)]
    think_ms: u64,
    /// Generated clients of the fresh demo database.
    #[arg(long, default_value_t = 1000)]
    demo_clients: usize,
    /// Work on the database the URL names, as it is, instead of a fresh one.
    #[arg(long)]
    existing: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let base = std::env::var("EPICEVENTS_LOAD_PG_URL")
        .or_else(|_| std::env::var("EPICEVENTS_TEST_PG_URL"))
        .map_err(|_| "set EPICEVENTS_LOAD_PG_URL to a postgres:// URL (CREATEDB)")?;
    epicevents::db::init_tls();
    if args.existing {
        let name = base
            .rsplit('/')
            .next()
            .and_then(|n| n.split('?').next())
            .filter(|n| !n.is_empty())
            .ok_or("the URL names no database")?
            .to_string();
        return run(&base, &name, &args);
    }
    let name = format!("epic_load_{}", std::process::id());
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => return Err("the URL names no database".into()),
    };
    let mut admin = diesel::PgConnection::establish(&base)?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let result = run(&url, &name, &args);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    result
}

fn run(url: &str, name: &str, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let (n, secs) = (args.collaborators, args.seconds);
    let think = Duration::from_millis(args.think_ms);
    let cfg = CrmConfig {
        bcrypt_cost: 4,
        ..CrmConfig::from_env()?
    };
    let crm = Crm::open(&Target::parse(url)?, cfg)?;
    if !args.existing {
        epicevents::demo::load(&crm, args.demo_clients)?;
    }
    let sizes = sizes(url)?;
    let hot_events: Vec<i64> = crm
        .list_events(
            &EventFilter::default(),
            EventSort::Id,
            &ListParams::default(),
        )?
        .rows
        .iter()
        .take(HOT)
        .map(|r| r.event.id)
        .collect();
    // Clients of the demo's sales staff, so that their edits are allowed.
    let hot_clients: Vec<i64> = crm
        .list_clients(
            &ClientFilter::default(),
            ClientSort::Id,
            &ListParams::default(),
        )?
        .rows
        .iter()
        .filter(|r| r.client.sales_contact_id.is_some())
        .take(HOT)
        .map(|r| r.client.id)
        .collect();
    let versions_before = versions(&crm, &hot_events, &hot_clients)?;

    let dir = tempfile::tempdir()?;
    let running = server::start(
        crm.clone(),
        ServerOptions {
            listen: "127.0.0.1:0".parse()?,
            data_dir: dir.path().join("server"),
            tls_cert: None,
            tls_key: None,
            settings: ServerSettings {
                login_failures_per_address: 1_000_000,
                ..ServerSettings::from_env()?
            },
        },
        false,
    )?;
    let server_url = format!("https://{}", running.addr);
    let trust = Trust::Fingerprint(running.fingerprint.clone());
    println!(
        "load: {n} collaborators for {secs} s against {server_url} over PostgreSQL \
         ({} clients, {} contracts, {} events; server pool 8 connections)",
        sizes[0], sizes[1], sizes[2]
    );

    let tallies = Arc::new(Mutex::new(Vec::new()));
    let team = Arc::new(Team {
        url: server_url.clone(),
        trust,
        hot_events,
        hot_clients,
        think,
        // Everyone logs in first; the clock starts when the last one has.
        start: Barrier::new(n + 1),
        stop: AtomicBool::new(false),
    });
    // PostgreSQL connections to this database, sampled while the load runs.
    let most = Arc::new(AtomicUsize::new(0));
    let most_active = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (team, most, most_active) = (team.clone(), most.clone(), most_active.clone());
        let (url, name) = (url.to_string(), name.to_string());
        std::thread::spawn(move || -> Result<(), String> {
            let mut c = diesel::PgConnection::establish(&url).map_err(|e| e.to_string())?;
            while !team.stop.load(Ordering::Relaxed) {
                for (state, slot) in [("", &most), ("active", &most_active)] {
                    let sql = format!(
                        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = '{name}' \
                         AND pid <> pg_backend_pid(){}",
                        if state.is_empty() {
                            String::new()
                        } else {
                            format!(" AND state = '{state}'")
                        }
                    );
                    let got: Count = diesel::sql_query(sql)
                        .get_result(&mut c)
                        .map_err(|e| e.to_string())?;
                    slot.fetch_max(got.n as usize, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(())
        })
    };

    let workers: Vec<_> = (0..n)
        .map(|who| {
            let (team, tallies) = (team.clone(), tallies.clone());
            std::thread::spawn(move || {
                let t = collaborator(&team, who);
                if let Ok(mut all) = tallies.lock() {
                    all.push(t);
                }
            })
        })
        .collect();
    let logging_in = Instant::now();
    team.start.wait();
    println!(
        "load: {n} logged in in {:.1} s; working for {secs} s, mean think time {} ms",
        logging_in.elapsed().as_secs_f64(),
        think.as_millis()
    );
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    team.stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Ok(Err(e)) = sampler.join() {
        eprintln!("load: could not sample pg_stat_activity: {e}");
    }
    running.stop(Duration::from_secs(5))?;

    let mut all = Tally::default();
    for t in tallies.lock().map_err(|_| "a worker panicked")?.drain(..) {
        for (op, v) in t.times {
            all.times.entry(op).or_default().extend(v);
        }
        for (k, v) in t.errors {
            *all.errors.entry(k).or_default() += v;
        }
        for (k, v) in t.edits {
            *all.edits.entry(k).or_default() += v;
        }
    }
    // Logins came before the clock started.
    let total: usize = all
        .times
        .iter()
        .filter(|(op, _)| **op != "login")
        .map(|(_, v)| v.len())
        .sum();
    println!(
        "requests: {total} in {elapsed:.1} s = {:.0} requests/s",
        total as f64 / elapsed
    );
    println!(
        "{:<16} {:>8} {:>9} {:>9}",
        "operation", "count", "p50 ms", "p99 ms"
    );
    for (op, v) in all.times.iter_mut() {
        v.sort_by(f64::total_cmp);
        println!(
            "{op:<16} {:>8} {:>9.1} {:>9.1}",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.99)
        );
    }
    if all.errors.is_empty() {
        println!("errors: none");
    }
    for (k, v) in &all.errors {
        println!("errors: {v} × {k}");
    }
    println!(
        "PostgreSQL connections to the database: at most {} open, {} running a query at once",
        most.load(Ordering::Relaxed),
        most_active.load(Ordering::Relaxed)
    );

    // No lost update: each edited record's version rose by its successful edits.
    let after = versions(&crm, &team.hot_events, &team.hot_clients)?;
    let mut lost = 0;
    for (key, before) in &versions_before {
        let done = all.edits.get(key).copied().unwrap_or(0);
        let rose = i64::from(after[key] - before);
        if rose != done {
            lost += 1;
            println!("lost update: {key:?} version rose by {rose}, {done} edits succeeded");
        }
    }
    let edits: i64 = all.edits.values().sum();
    println!(
        "edits: {edits} saved, versions agree on {} of {} records",
        versions_before.len() - lost,
        versions_before.len()
    );
    let mut c = diesel::PgConnection::establish(url)?;
    let off: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM contracts c WHERE c.due_cents <> c.total_cents - \
         COALESCE((SELECT sum(p.amount_cents) FROM payments p WHERE p.contract_id = c.id), 0)",
    )
    .get_result(&mut c)?;
    println!(
        "ledger: {} contracts whose due is not total minus payments",
        off.n
    );
    drop(c);
    drop(crm);
    if lost > 0 || off.n > 0 {
        return Err("the checks after the run failed".into());
    }
    Ok(())
}

/// How many clients, contracts and events the database holds.
fn sizes(url: &str) -> Result<[i64; 3], Box<dyn std::error::Error>> {
    let mut c = diesel::PgConnection::establish(url)?;
    let mut out = [0; 3];
    for (slot, table) in out.iter_mut().zip(["clients", "contracts", "events"]) {
        let got: Count =
            diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result(&mut c)?;
        *slot = got.n;
    }
    Ok(out)
}

type Versions = BTreeMap<(&'static str, i64), i32>;

fn versions(crm: &Crm, events: &[i64], clients: &[i64]) -> epicevents::Result<Versions> {
    let mut v = Versions::new();
    for &id in events {
        v.insert(("event", id), crm.get_event(id)?.event.version);
    }
    for &id in clients {
        v.insert(("client", id), crm.get_client(id)?.client.version);
    }
    Ok(v)
}
