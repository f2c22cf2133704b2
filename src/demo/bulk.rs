//! A seeded generator of large volumes (100 000 clients, 1 000 000 events) for
//! benchmarks and for trying the screens at scale.
//!
//! It writes rows directly in large batches, like a data import: it is an
//! operator's tool run from `examples/generate.rs`, not a user action, so it does not
//! go through the policy and writes no audit rows.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::models::{Client, NewClient, NewContract, NewEvent};
use crate::db::repo::{
    clients as clients_repo, contracts as contracts_repo, events as events_repo,
};
use crate::db::schema::{clients, collaborators, contracts, events};
use crate::db::Db;
use crate::domain::Role;
use crate::error::{Error, Result};

const BATCH: usize = 1000;

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
/// one support collaborator (load the demo first). `progress(done, total)` is called
/// after each batch.
pub fn generate(
    db: &Db,
    n_clients: usize,
    n_events: usize,
    seed: u64,
    mut progress: impl FnMut(&str, usize, usize),
) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut conn = db.conn()?;
    let staff: Vec<(i64, String, String)> = collaborators::table
        .filter(collaborators::active.eq(true))
        .select((
            collaborators::id,
            collaborators::role,
            collaborators::full_name,
        ))
        .load(&mut *conn)?;
    let sales: Vec<&(i64, String, String)> = staff
        .iter()
        .filter(|s| s.1 == Role::Sales.as_str())
        .collect();
    let support: Vec<&(i64, String, String)> = staff
        .iter()
        .filter(|s| s.1 == Role::Support.as_str())
        .collect();
    if sales.is_empty() || support.is_empty() {
        return Err(Error::Rule(
            "load the demo first: bulk data needs sales and support staff".into(),
        ));
    }
    let now = chrono::Utc::now().naive_utc();
    let today = now.date();
    let first_client: i64 = clients::table
        .select(diesel::dsl::max(clients::id))
        .first::<Option<i64>>(&mut *conn)?
        .unwrap_or(0)
        + 1;

    // Clients and their contracts.
    let mut done = 0;
    while done < n_clients {
        let n = BATCH.min(n_clients - done);
        let mut rows = Vec::with_capacity(n);
        for i in done..done + n {
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
                email: format!("client{}.{}@bulk.example", first_client + i as i64, seed),
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
            rows.push((client, search));
        }
        db.write(|c| {
            let new: Vec<NewClient> = rows
                .iter()
                .map(|(cl, s)| NewClient {
                    full_name: &cl.full_name,
                    email: &cl.email,
                    phone: &cl.phone,
                    company_name: &cl.company_name,
                    first_contact: cl.first_contact,
                    last_contact: cl.last_contact,
                    sales_contact_id: cl.sales_contact_id,
                    search: s,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                })
                .collect();
            // Batch inserts need the concrete backend.
            crate::with_backend!(c, |cc| diesel::insert_into(clients::table)
                .values(&new)
                .execute(cc))?;
            let ids: Vec<i64> = clients::table
                .filter(clients::email.eq_any(rows.iter().map(|(cl, _)| cl.email.as_str())))
                .order(clients::id)
                .select(clients::id)
                .load(c)?;
            let mut contracts_new = Vec::with_capacity(ids.len());
            let mut searches = Vec::with_capacity(ids.len());
            for (id, (cl, _)) in ids.iter().zip(rows.iter()) {
                let mut cl = cl.clone();
                cl.id = *id;
                let signed = (id % 5) != 0;
                let total = (id % 400 + 10) * 10_000;
                searches.push(contracts_repo::search_text(0, &cl, None, signed));
                contracts_new.push((*id, total, signed));
            }
            let values: Vec<NewContract> = contracts_new
                .iter()
                .zip(searches.iter())
                .map(|((client_id, total, signed), s)| NewContract {
                    client_id: *client_id,
                    total_cents: *total,
                    due_cents: if *signed { total / 2 } else { *total },
                    signed: *signed,
                    signed_at: signed.then_some(now),
                    signed_by_id: None,
                    search: s,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                })
                .collect();
            // Batch inserts need the concrete backend.
            crate::with_backend!(c, |cc| diesel::insert_into(contracts::table)
                .values(&values)
                .execute(cc))?;
            Ok(())
        })?;
        done += n;
        progress("clients", done, n_clients);
    }

    // Events on signed contracts, with their client for the search text.
    let signed: Vec<(i64, Client)> = contracts::table
        .inner_join(clients::table)
        .filter(contracts::signed.eq(true))
        .filter(contracts::archived_at.is_null())
        .select((contracts::id, Client::as_select()))
        .load(&mut *conn)?;
    if signed.is_empty() {
        return Err(Error::Rule("no signed contract to attach events to".into()));
    }
    drop(conn);
    let mut done = 0;
    while done < n_events {
        let n = BATCH.min(n_events - done);
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
            let search =
                events_repo::search_text(0, &name, &location, client, sup.map(|s| s.2.as_str()));
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
        db.write(|c| {
            let values: Vec<NewEvent> = rows
                .iter()
                .map(
                    |(name, contract_id, sup, start, location, attendees, search)| NewEvent {
                        name,
                        contract_id: *contract_id,
                        support_id: *sup,
                        starts_at: *start,
                        ends_at: *start + Duration::hours(4),
                        location,
                        attendees: *attendees,
                        notes: "",
                        search,
                        created_at: now,
                        updated_at: now,
                        version: 1,
                    },
                )
                .collect();
            // Batch inserts need the concrete backend.
            crate::with_backend!(c, |cc| diesel::insert_into(events::table)
                .values(&values)
                .execute(cc))?;
            Ok(())
        })?;
        done += n;
        progress("events", done, n_events);
    }
    Ok(())
}

/// Today's date, for callers that print it.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
