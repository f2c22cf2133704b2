//! A seeded generator of large volumes (100 000 clients, 1 000 000 events) for
//! benchmarks and for trying the screens at scale.
//!
//! It writes rows directly in large batches, like a data import: it is an
//! operator's tool run from `examples/generate.rs`, not a user action, so it does not
//! go through the policy and writes no audit rows.

use crate::domain::text::fold;
use chrono::{Duration, NaiveDate};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::models::{Client, NewClient, NewContract, NewEvent};
use crate::db::repo::{
    clients as clients_repo, contracts as contracts_repo, events as events_repo,
};
use crate::db::schema::{clients, collaborators, contracts, events};
use crate::db::{Backend, Db, DbConnection};
use crate::domain::Role;
use crate::error::{Error, Result};

mod deferred;

/// Rows per INSERT statement.
const BATCH: usize = 1000;
/// INSERT statements per transaction.
const BATCHES_PER_TX: usize = 20;

// On SQLite, rows are staged in TEMP tables (no index, no trigger) and moved with
// one INSERT … SELECT per transaction: FTS5 flushes its pending terms at every
// statement of a transaction, so 1 000-row INSERTs straight into the tables spend
// most of their time merging small index segments.
diesel::table! {
    bulk_events (id) {
        id -> BigInt,
        name -> Text,
        contract_id -> BigInt,
        support_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        location -> Text,
        attendees -> Integer,
        search -> Text,
        sort_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bulk_clients (id) {
        id -> BigInt,
        full_name -> Text,
        email -> Text,
        phone -> Text,
        company_name -> Text,
        first_contact -> Date,
        last_contact -> Date,
        sales_contact_id -> Nullable<BigInt>,
        search -> Text,
        sort_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bulk_contracts (id) {
        id -> BigInt,
        client_id -> BigInt,
        total_cents -> BigInt,
        due_cents -> BigInt,
        signed -> Bool,
        signed_at -> Nullable<Timestamp>,
        signed_by_id -> Nullable<BigInt>,
        search -> Text,
        created_at -> Timestamp,
    }
}

const CREATE_STAGED_CLIENTS: &str = "CREATE TEMP TABLE IF NOT EXISTS bulk_clients (\
    id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, email TEXT NOT NULL, \
    phone TEXT NOT NULL, company_name TEXT NOT NULL, first_contact DATE NOT NULL, \
    last_contact DATE NOT NULL, sales_contact_id INTEGER, search TEXT NOT NULL, \
    sort_name TEXT NOT NULL, created_at TIMESTAMP NOT NULL); DELETE FROM bulk_clients; \
    CREATE TEMP TABLE IF NOT EXISTS bulk_contracts (id INTEGER PRIMARY KEY, \
    client_id INTEGER NOT NULL, total_cents INTEGER NOT NULL, \
    due_cents INTEGER NOT NULL, signed BOOLEAN NOT NULL, signed_at TIMESTAMP, \
    signed_by_id INTEGER, search TEXT NOT NULL, created_at TIMESTAMP NOT NULL); DELETE FROM bulk_contracts;";

const MOVE_STAGED_CLIENTS: &str = "INSERT INTO main.clients (full_name, email, phone, \
    company_name, first_contact, last_contact, sales_contact_id, search, sort_name, \
    created_at, updated_at, version) SELECT full_name, email, phone, company_name, \
    first_contact, last_contact, sales_contact_id, search, sort_name, created_at, \
    created_at, 1 FROM bulk_clients ORDER BY id; DELETE FROM bulk_clients;";

const MOVE_STAGED_CONTRACTS: &str = "INSERT INTO main.contracts (client_id, total_cents, \
    due_cents, signed, signed_at, signed_by_id, search, created_at, updated_at, version) \
    SELECT client_id, total_cents, due_cents, signed, signed_at, signed_by_id, search, \
    created_at, created_at, 1 FROM bulk_contracts ORDER BY id; DELETE FROM bulk_contracts;";

const CREATE_STAGED_EVENTS: &str = "CREATE TEMP TABLE IF NOT EXISTS bulk_events (\
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, contract_id INTEGER NOT NULL, \
    support_id INTEGER, starts_at TIMESTAMP NOT NULL, ends_at TIMESTAMP NOT NULL, \
    location TEXT NOT NULL, attendees INTEGER NOT NULL, search TEXT NOT NULL, \
    sort_name TEXT NOT NULL, created_at TIMESTAMP NOT NULL); DELETE FROM bulk_events;";

const MOVE_STAGED_EVENTS: &str = "INSERT INTO main.events (name, contract_id, \
    support_id, starts_at, ends_at, location, attendees, notes, search, sort_name, \
    created_at, updated_at, version) SELECT name, contract_id, support_id, starts_at, \
    ends_at, location, attendees, '', search, sort_name, created_at, created_at, 1 \
    FROM bulk_events ORDER BY id; DELETE FROM bulk_events;";

/// SQLite settings for this connection while it imports: a large page cache (the
/// secondary indexes take rows in random order) and no fsync at checkpoints. Put
/// back by `SQLITE_TUNING_OFF`; the application never runs with them.
const SQLITE_TUNING_ON: &str =
    "PRAGMA cache_size = -262144; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;";
const SQLITE_TUNING_OFF: &str = "PRAGMA cache_size = -2000; PRAGMA synchronous = NORMAL; \
    PRAGMA temp_store = DEFAULT; DROP TABLE IF EXISTS temp.bulk_events; \
    DROP TABLE IF EXISTS temp.bulk_clients; DROP TABLE IF EXISTS temp.bulk_contracts;";

const FIRST: [&str; 16] = [
    "Jean", "Marie", "Luc", "Sophie", "Hugo", "Camille", "Léa", "Louis", "Chloé", "Jules", "Inès",
    "Noé", "Zoé", "Éric", "Anaïs", "Kevin",
];
const LAST: [&str; 16] = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "Roux",
];
const KINDS: [&str; 8] = [
    "Wedding", "Seminar", "Gala", "Party", "Assembly", "Launch", "Concert", "Retreat",
];
const CITIES: [&str; 10] = [
    "Paris",
    "Lyon",
    "Candé-sur-Beuvron",
    "Bordeaux",
    "Nantes",
    "Lille",
    "Mufflins",
    "Tours",
    "Blois",
    "Orléans",
];

/// Adds `n_clients` clients (one contract each, 80 % signed) and `n_events`
/// events spread over the signed contracts. Needs at least one active sales and
/// one support collaborator (load the demo first). `progress(what, done, total)` is
/// called after each transaction. Ends with `ANALYZE` so the planner knows the
/// new volumes.
pub fn generate(
    db: &Db,
    n_clients: usize,
    n_events: usize,
    seed: u64,
    mut progress: impl FnMut(&str, usize, usize),
) -> Result<()> {
    let mut conn = db.conn()?;
    let conn: &mut DbConnection = &mut conn;
    let sqlite = db.backend() == Backend::Sqlite;
    if sqlite {
        crate::with_backend!(&mut *conn, |c| { c.batch_execute(SQLITE_TUNING_ON) })?;
    }
    // One transaction for the whole import: the indexes set aside are back, or
    // nothing happened (see `deferred`).
    let r = conn.transaction::<_, Error, _>(|c| {
        let set = deferred::set_aside(c)?;
        import(c, n_clients, n_events, seed, &mut progress)?;
        let steps = deferred::plan(c, set);
        let n = steps.len();
        let mut done = 0;
        deferred::restore(c, steps, |name| {
            progress(&format!("indexes ({name})"), done, n);
            done += 1;
        })?;
        progress("indexes", n, n);
        Ok(())
    });
    if sqlite {
        crate::with_backend!(&mut *conn, |c| { c.batch_execute(SQLITE_TUNING_OFF) })?;
    }
    r?;
    progress("analyze", 0, 1);
    analyze(conn, db.backend())?;
    progress("analyze", 1, 1);
    Ok(())
}

/// Refreshes the planner's statistics after a bulk import (and, on SQLite, merges
/// the full-text indexes' segments).
pub fn analyze(conn: &mut DbConnection, backend: Backend) -> Result<()> {
    let sql = match backend {
        Backend::Sqlite => {
            "INSERT INTO clients_fts(clients_fts) VALUES ('optimize'); \
             INSERT INTO contracts_fts(contracts_fts) VALUES ('optimize'); \
             INSERT INTO events_fts(events_fts) VALUES ('optimize'); \
             INSERT INTO clients_words(clients_words) VALUES ('optimize'); \
             INSERT INTO contracts_words(contracts_words) VALUES ('optimize'); \
             INSERT INTO events_words(events_words) VALUES ('optimize'); \
             ANALYZE;"
        }
        // VACUUM sets the visibility map, which index-only scans need.
        Backend::Postgres => "VACUUM ANALYZE;",
    };
    crate::with_backend!(conn, |c| { c.batch_execute(sql) })?;
    Ok(())
}

fn import(
    conn: &mut DbConnection,
    n_clients: usize,
    n_events: usize,
    seed: u64,
    progress: &mut impl FnMut(&str, usize, usize),
) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let staff: Vec<(i64, String, String)> = collaborators::table
        .filter(collaborators::active.eq(true))
        .select((
            collaborators::id,
            collaborators::role,
            collaborators::full_name,
        ))
        .load(conn)?;
    let sales: Vec<&(i64, String, String)> = staff
        .iter()
        .filter(|s| s.1 == Role::Sales.as_str())
        .collect();
    let support: Vec<&(i64, String, String)> = staff
        .iter()
        .filter(|s| s.1 == Role::Support.as_str())
        .collect();
    let signer = staff
        .iter()
        .find(|s| s.1 == Role::Management.as_str() || s.1 == Role::Admin.as_str())
        .map(|s| s.0);
    let (Some(signer), false, false) = (signer, sales.is_empty(), support.is_empty()) else {
        return Err(Error::Rule(
            "load the demo first: bulk data needs management, sales and support staff".into(),
        ));
    };
    let now = chrono::Utc::now().naive_utc();
    let today = now.date();
    let first_client: i64 = clients::table
        .select(diesel::dsl::max(clients::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0)
        + 1;

    // Clients and their contracts.
    if let DbConnection::Sqlite(cc) = &mut *conn {
        cc.batch_execute(CREATE_STAGED_CLIENTS)?;
    }
    let mut done = 0;
    while done < n_clients {
        let in_tx = (BATCH * BATCHES_PER_TX).min(n_clients - done);
        conn.transaction::<_, Error, _>(|c| {
            let mut staged = Vec::new();
            for start in (done..done + in_tx).step_by(BATCH) {
                let end = (start + BATCH).min(done + in_tx);
                let rows: Vec<(Client, String)> = (start..end)
                    .map(|i| {
                        let owner = sales[i % sales.len()];
                        let name = format!(
                            "{} {}",
                            FIRST[rng.random_range(0..16)],
                            LAST[rng.random_range(0..16)]
                        );
                        let fc = today - Duration::days(rng.random_range(30..2000));
                        let client = Client {
                            id: first_client + i as i64,
                            full_name: name,
                            email: format!(
                                "client{}.{}@bulk.example",
                                first_client + i as i64,
                                seed
                            ),
                            phone: format!("+33 6 {:08}", rng.random_range(0..99_999_999)),
                            company_name: format!(
                                "{} {}",
                                LAST[rng.random_range(0..16)],
                                ["SA", "SARL", "SAS", "& Fils"][i % 4]
                            ),
                            first_contact: fc,
                            last_contact: fc + Duration::days(rng.random_range(0..30)),
                            sales_contact_id: Some(owner.0),
                            search: String::new(),
                            archived_at: None,
                            created_at: now,
                            updated_at: now,
                            version: 1,
                        };
                        let search = clients_repo::search_text(&client, Some(&owner.2));
                        (client, search)
                    })
                    .collect();
                match c {
                    DbConnection::Sqlite(cc) => {
                        stage_clients(cc, &rows)?;
                        staged.extend(rows);
                    }
                    DbConnection::Postgresql(_) => insert_clients(c, &rows, signer, now)?,
                }
            }
            if let DbConnection::Sqlite(cc) = c {
                move_staged_clients(cc, &staged, signer, now)?;
            }
            half_paid(c, first_client + done as i64, today)
        })?;
        done += in_tx;
        progress("clients", done, n_clients);
    }

    // Events on signed contracts, with their client for the search text.
    let signed: Vec<(i64, Client)> = contracts::table
        .inner_join(clients::table)
        .filter(contracts::signed.eq(true))
        .filter(contracts::archived_at.is_null())
        .select((contracts::id, Client::as_select()))
        .load(conn)?;
    if signed.is_empty() {
        return Err(Error::Rule("no signed contract to attach events to".into()));
    }
    if let DbConnection::Sqlite(cc) = &mut *conn {
        cc.batch_execute(CREATE_STAGED_EVENTS)?;
    }
    let mut done = 0;
    while done < n_events {
        let in_tx = (BATCH * BATCHES_PER_TX).min(n_events - done);
        conn.transaction::<_, Error, _>(|c| {
            for start in (done..done + in_tx).step_by(BATCH) {
                let n = BATCH.min(done + in_tx - start);
                let mut rows = Vec::with_capacity(n);
                for _ in 0..n {
                    let (contract_id, client) = &signed[rng.random_range(0..signed.len())];
                    let sup = if rng.random_bool(0.8) {
                        Some(support[rng.random_range(0..support.len())])
                    } else {
                        None
                    };
                    let start = now + Duration::hours(rng.random_range(-24 * 900..24 * 400));
                    let name = format!(
                        "{} {}",
                        client.full_name,
                        KINDS[rng.random_range(0..KINDS.len())]
                    );
                    let location = format!(
                        "{} rue {} , {}",
                        rng.random_range(1..200),
                        LAST[rng.random_range(0..16)],
                        CITIES[rng.random_range(0..10)]
                    );
                    let search = events_repo::search_text(
                        0,
                        &name,
                        &location,
                        client,
                        sup.map(|s| s.2.as_str()),
                    );
                    rows.push((
                        name,
                        *contract_id,
                        sup.map(|s| s.0),
                        start,
                        location,
                        rng.random_range(5..500),
                        search,
                    ));
                }
                match c {
                    // Staged, then moved by one INSERT … SELECT per transaction.
                    DbConnection::Sqlite(cc) => {
                        use bulk_events as b;
                        let values: Vec<_> = rows
                            .iter()
                            .map(|(name, contract_id, sup, start, location, att, search)| {
                                (
                                    b::name.eq(name),
                                    b::contract_id.eq(*contract_id),
                                    b::support_id.eq(*sup),
                                    b::starts_at.eq(*start),
                                    b::ends_at.eq(*start + Duration::hours(4)),
                                    b::location.eq(location),
                                    b::attendees.eq(*att),
                                    b::search.eq(search),
                                    b::sort_name.eq(fold(name)),
                                    b::created_at.eq(now),
                                )
                            })
                            .collect();
                        diesel::insert_into(b::table).values(&values).execute(cc)?;
                    }
                    DbConnection::Postgresql(cc) => {
                        let sort_names: Vec<String> = rows.iter().map(|r| fold(&r.0)).collect();
                        let values: Vec<NewEvent> = rows
                            .iter()
                            .zip(&sort_names)
                            .map(
                                |(
                                    (name, contract_id, sup, start, location, att, search),
                                    sort_name,
                                )| {
                                    NewEvent {
                                        name,
                                        contract_id: *contract_id,
                                        support_id: *sup,
                                        starts_at: *start,
                                        ends_at: *start + Duration::hours(4),
                                        location,
                                        attendees: *att,
                                        notes: "",
                                        search,
                                        sort_name,
                                        created_at: now,
                                        updated_at: now,
                                        version: 1,
                                    }
                                },
                            )
                            .collect();
                        diesel::insert_into(events::table)
                            .values(&values)
                            .execute(cc)?;
                    }
                }
            }
            if let DbConnection::Sqlite(cc) = c {
                cc.batch_execute(MOVE_STAGED_EVENTS)?;
            }
            Ok(())
        })?;
        done += in_tx;
        progress("events", done, n_events);
    }
    Ok(())
}

/// One batch of clients and their contracts (one each, 80 % signed).
fn insert_clients(
    c: &mut DbConnection,
    rows: &[(Client, String)],
    signer: i64,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let sort_names: Vec<String> = rows.iter().map(|(cl, _)| fold(&cl.full_name)).collect();
    let new: Vec<NewClient> = rows
        .iter()
        .zip(&sort_names)
        .map(|((cl, s), sort_name)| NewClient {
            full_name: &cl.full_name,
            email: &cl.email,
            phone: &cl.phone,
            company_name: &cl.company_name,
            first_contact: cl.first_contact,
            last_contact: cl.last_contact,
            sales_contact_id: cl.sales_contact_id,
            search: s,
            sort_name,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    // Batch inserts need the concrete backend; the returned e-mails pair each new
    // id with its row whatever order the database returns them in.
    let ids: Vec<(i64, String)> =
        crate::with_backend!(&mut *c, |cc| diesel::insert_into(clients::table)
            .values(&new)
            .returning((clients::id, clients::email))
            .get_results(cc))?;
    let values: Vec<_> = contract_rows(rows, &ids);
    let values: Vec<NewContract> = values
        .iter()
        .map(|(client_id, total, signed, s)| NewContract {
            client_id: *client_id,
            total_cents: *total,
            due_cents: *total,
            signed: *signed,
            signed_at: signed.then_some(now),
            signed_by_id: signed.then_some(signer),
            search: s,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    crate::with_backend!(&mut *c, |cc| diesel::insert_into(contracts::table)
        .values(&values)
        .execute(cc))?;
    Ok(())
}

/// One contract per new client (80 % signed): client id, total, signed, search.
/// `ids` pairs each new client's id with its e-mail.
fn contract_rows(
    rows: &[(Client, String)],
    ids: &[(i64, String)],
) -> Vec<(i64, i64, bool, String)> {
    let by_email: std::collections::HashMap<&str, i64> =
        ids.iter().map(|(id, e)| (e.as_str(), *id)).collect();
    rows.iter()
        .map(|(cl, _)| {
            let mut cl = cl.clone();
            cl.id = by_email[cl.email.as_str()];
            let signed = (cl.id % 5) != 0;
            let total = (cl.id % 400 + 10) * 10_000;
            let search = contracts_repo::search_text(0, &cl, None, signed);
            (cl.id, total, signed, search)
        })
        .collect()
}

fn stage_clients(cc: &mut diesel::SqliteConnection, rows: &[(Client, String)]) -> Result<()> {
    use bulk_clients as b;
    let values: Vec<_> = rows
        .iter()
        .map(|(cl, s)| {
            (
                b::full_name.eq(&cl.full_name),
                b::email.eq(&cl.email),
                b::phone.eq(&cl.phone),
                b::company_name.eq(&cl.company_name),
                b::first_contact.eq(cl.first_contact),
                b::last_contact.eq(cl.last_contact),
                b::sales_contact_id.eq(cl.sales_contact_id),
                b::search.eq(s),
                b::sort_name.eq(fold(&cl.full_name)),
                b::created_at.eq(cl.created_at),
            )
        })
        .collect();
    diesel::insert_into(b::table).values(&values).execute(cc)?;
    Ok(())
}

/// Moves the staged clients in one statement, then stages and moves their
/// contracts the same way.
fn move_staged_clients(
    cc: &mut diesel::SqliteConnection,
    rows: &[(Client, String)],
    signer: i64,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let before: i64 = clients::table
        .select(diesel::dsl::max(clients::id))
        .first::<Option<i64>>(cc)?
        .unwrap_or(0);
    cc.batch_execute(MOVE_STAGED_CLIENTS)?;
    let ids: Vec<(i64, String)> = clients::table
        .filter(clients::id.gt(before))
        .select((clients::id, clients::email))
        .load(cc)?;
    let contracts = contract_rows(rows, &ids);
    for chunk in contracts.chunks(BATCH) {
        use bulk_contracts as b;
        let values: Vec<_> = chunk
            .iter()
            .map(|(client_id, total, signed, s)| {
                (
                    b::client_id.eq(*client_id),
                    b::total_cents.eq(*total),
                    b::due_cents.eq(*total),
                    b::signed.eq(*signed),
                    b::signed_at.eq(signed.then_some(now)),
                    b::signed_by_id.eq(signed.then_some(signer)),
                    b::search.eq(s),
                    b::created_at.eq(now),
                )
            })
            .collect();
        diesel::insert_into(b::table).values(&values).execute(cc)?;
    }
    cc.batch_execute(MOVE_STAGED_CONTRACTS)?;
    Ok(())
}

/// Today's date, for callers that print it.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Half of each new signed contract (of clients from `first_client` on) is paid:
/// one ledger row each, which the database's ledger trigger takes off the amount
/// due, as it would for a payment recorded by hand.
fn half_paid(conn: &mut DbConnection, first_client: i64, today: NaiveDate) -> Result<()> {
    use crate::db::schema::payments as p;
    use contracts as k;
    use diesel::sql_types::{Date, Integer, Text};
    let rows = k::table
        .filter(k::client_id.ge(first_client))
        .filter(k::signed.eq(true))
        .filter(k::total_cents.ge(2))
        .filter(k::signed_by_id.is_not_null())
        .select((
            k::id,
            k::total_cents / 2,
            "payment".into_sql::<Text>(),
            "".into_sql::<Text>(),
            today.into_sql::<Date>(),
            k::signed_by_id.assume_not_null(),
            k::created_at,
            k::created_at,
            1.into_sql::<Integer>(),
        ));
    crate::with_backend!(conn, |c| diesel::insert_into(p::table)
        .values(rows)
        .into_columns((
            p::contract_id,
            p::amount_cents,
            p::kind,
            p::reason,
            p::received_on,
            p::recorded_by_id,
            p::created_at,
            p::updated_at,
            p::version,
        ))
        .execute(c))?;
    Ok(())
}
