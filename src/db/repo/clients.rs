//! Clients: listing with the "my clients" filter, and version-checked writes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{capped, Dbb, ListParams, Page, Window, COUNT_CAP};
use crate::db::models::{Client, NewClient};
use crate::db::schema::{clients, collaborators};
use crate::db::{Backend, DbConnection};
use crate::error::{unique_violation_to_field, Error, Result};
use crate::policy::Permit;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::VariantArray,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    #[default]
    Name,
    Company,
    Email,
    LastContact,
    Id,
}

impl ClientSort {
    pub const ALL: &'static [ClientSort] = <ClientSort as strum::VariantArray>::VARIANTS;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClientFilter {
    /// Only clients of this sales contact ("my clients").
    pub sales_contact: Option<i64>,
}

/// A list row: the client and their sales contact's name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientRow {
    pub client: Client,
    pub sales_contact_name: Option<String>,
}

/// The list's filters on `clients`, for any boxed query whose source holds it. Terms
/// are applied by the caller.
macro_rules! client_filters {
    ($q:ident, $f:expr, $p:expr) => {{
        if !$p.include_archived {
            $q = $q.filter(clients::archived_at.is_null());
        }
        if let Some(s) = $f.sales_contact {
            $q = $q.filter(clients::sales_contact_id.eq(s));
        }
    }};
}

/// Ids of matching clients, at most `cap`, in no particular order (see
/// `events::matching_ids`).
fn matching_ids(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ClientFilter,
    p: &ListParams,
    cap: i64,
) -> Result<Vec<i64>> {
    let plan = crate::db::search::plan(backend, &p.terms);
    Ok(match plan.fts_query {
        Some(fq) => {
            use crate::db::search::fts::clients_fts;
            let mut q = clients_fts::table
                .inner_join(clients::table.on(clients::id.eq(clients_fts::rowid)))
                .into_boxed::<Dbb>()
                .filter(crate::db::search::fts_match("clients", fq));
            client_filters!(q, f, p);
            for pat in plan.like_patterns {
                q = q.filter(clients::search.like(pat).escape('\\'));
            }
            q.select(clients::id).limit(cap).load(conn)?
        }
        None => {
            let mut q = clients::table.into_boxed::<Dbb>();
            client_filters!(q, f, p);
            crate::apply_terms!(q, backend, &p.terms, "clients", clients::search);
            q.select(clients::id).limit(cap).load(conn)?
        }
    })
}

pub fn list(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ClientFilter,
    sort: ClientSort,
    p: &ListParams,
) -> Result<Page<ClientRow>> {
    let matched = matching_ids(conn, backend, f, p, COUNT_CAP + 1)?;
    let (total, total_capped) = if p.exact_count {
        let mut q = clients::table.into_boxed::<Dbb>();
        client_filters!(q, f, p);
        crate::apply_terms!(q, backend, &p.terms, "clients", clients::search);
        (q.count().get_result::<i64>(conn)?, false)
    } else {
        capped(matched.len())
    };
    // The page's ids: sorted from the matches when all are known, else by walking
    // the sort's index (see `super::all_known`).
    let mut q = clients::table.into_boxed::<Dbb>();
    if super::all_known(&matched) {
        q = q.filter(clients::id.eq_any(&matched));
    } else {
        client_filters!(q, f, p);
        crate::apply_like_terms!(q, &p.terms, clients::search);
    }
    let window = Window::of(p, total, total_capped);
    let desc = p.descending != window.is_some_and(|w| w.reversed);
    q = match (sort, desc) {
        (ClientSort::Name, false) => q.order((clients::sort_name.asc(), clients::id.asc())),
        (ClientSort::Name, true) => q.order((clients::sort_name.desc(), clients::id.desc())),
        (ClientSort::Company, false) => q.order((clients::company_name.asc(), clients::id.asc())),
        (ClientSort::Company, true) => q.order((clients::company_name.desc(), clients::id.desc())),
        (ClientSort::Email, false) => q.order((clients::email.asc(), clients::id.asc())),
        (ClientSort::Email, true) => q.order((clients::email.desc(), clients::id.desc())),
        (ClientSort::LastContact, false) => {
            q.order((clients::last_contact.asc(), clients::id.asc()))
        }
        (ClientSort::LastContact, true) => {
            q.order((clients::last_contact.desc(), clients::id.desc()))
        }
        (ClientSort::Id, false) => q.order(clients::id.asc()),
        (ClientSort::Id, true) => q.order(clients::id.desc()),
    };
    let ids: Vec<i64> = match window {
        Some(w) if !matched.is_empty() => w.in_list_order(
            q.select(clients::id)
                .offset(w.offset)
                .limit(w.limit)
                .load(conn)?,
        ),
        _ => Vec::new(),
    };
    let rows: Vec<Client> = clients::table
        .filter(clients::id.eq_any(&ids))
        .select(Client::as_select())
        .load(conn)?;
    let rows = super::in_order(&ids, rows, |c| c.id);
    let names = super::collaborators::names(conn, rows.iter().filter_map(|c| c.sales_contact_id))?;
    let rows = rows
        .into_iter()
        .map(|c| {
            let sales_contact_name = c.sales_contact_id.and_then(|id| names.get(&id).cloned());
            ClientRow {
                client: c,
                sales_contact_name,
            }
        })
        .collect();
    Ok(Page {
        rows,
        offset: p.offset,
        total,
        total_capped,
    })
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Client> {
    clients::table
        .find(id)
        .select(Client::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "client",
            id,
        })
}

pub fn insert(
    conn: &mut DbConnection,
    _permit: &crate::policy::Permit,
    new: &NewClient,
) -> Result<i64> {
    crate::with_backend!(conn, |c| diesel::insert_into(clients::table)
        .values(new)
        .returning(clients::id)
        .get_result::<i64>(c))
    .map_err(|e| unique_violation_to_field(e, "email", "this e-mail"))
}

/// The editable fields of a client.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = clients)]
pub struct ClientChanges<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub company_name: &'a str,
    pub first_contact: NaiveDate,
    pub last_contact: NaiveDate,
    pub sales_contact_id: Option<i64>,
    pub search: &'a str,
}

/// `UPDATE … WHERE id = ? AND version = ?`; zero rows is a conflict (or a missing row).
pub fn update(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    changes: &ClientChanges,
    now: NaiveDateTime,
) -> Result<()> {
    let n = diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::version.eq(version)),
    )
    .set((
        changes,
        clients::sort_name.eq(crate::domain::text::fold(changes.full_name)),
        clients::version.eq(version + 1),
        clients::updated_at.eq(now),
    ))
    .execute(conn)
    .map_err(|e| unique_violation_to_field(e, "email", "this e-mail"))?;
    super::expect_one(n, "client", id, || {
        clients::table
            .find(id)
            .select(clients::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Sets or clears `archived_at`, version-checked.
pub fn set_archived(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    archived_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<()> {
    let n = diesel::update(
        clients::table
            .filter(clients::id.eq(id))
            .filter(clients::version.eq(version)),
    )
    .set((
        clients::archived_at.eq(archived_at),
        clients::version.eq(version + 1),
        clients::updated_at.eq(now),
    ))
    .execute(conn)?;
    super::expect_one(n, "client", id, || {
        clients::table
            .find(id)
            .select(clients::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Gives every client of `from` to `to` (a staff change); returns the ids moved.
pub fn reassign_all(
    conn: &mut DbConnection,
    _permit: &Permit,
    from: i64,
    to: Option<i64>,
    now: NaiveDateTime,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = clients::table
        .filter(clients::sales_contact_id.eq(from))
        .select(clients::id)
        .load(conn)?;
    if !ids.is_empty() {
        diesel::update(clients::table.filter(clients::id.eq_any(&ids)))
            .set((
                clients::sales_contact_id.eq(to),
                clients::version.eq(clients::version + 1),
                clients::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(ids)
}

/// Rewrites the `search` column of every client of a sales contact, after that
/// collaborator's name changed. Returns those clients, for their contracts' turn.
pub fn refresh_search_for_owner(
    conn: &mut DbConnection,
    owner: i64,
    owner_name: &str,
) -> Result<Vec<Client>> {
    let ids: Vec<i64> = clients::table
        .filter(clients::sales_contact_id.eq(owner))
        .select(clients::id)
        .load(conn)?;
    refresh_search(conn, &ids, Some(owner_name))
}

/// Rewrites the `search` column of these clients, whose sales contact is now
/// `owner_name`. Returns the clients as rewritten.
pub fn refresh_search(
    conn: &mut DbConnection,
    ids: &[i64],
    owner_name: Option<&str>,
) -> Result<Vec<Client>> {
    let mut rows: Vec<Client> = clients::table
        .filter(clients::id.eq_any(ids))
        .select(Client::as_select())
        .load(conn)?;
    for c in &mut rows {
        c.search = search_text(c, owner_name);
        diesel::update(clients::table.find(c.id))
            .set(clients::search.eq(&c.search))
            .execute(conn)?;
    }
    Ok(rows)
}

/// The folded text a filter matches against: what the list shows.
pub fn search_text(c: &Client, sales_name: Option<&str>) -> String {
    crate::domain::text::search_text([
        c.full_name.as_str(),
        c.email.as_str(),
        c.phone.as_str(),
        c.company_name.as_str(),
        sales_name.unwrap_or(""),
    ])
}

/// Number of active clients owned by a collaborator.
pub fn count_owned(conn: &mut DbConnection, owner: i64) -> Result<i64> {
    Ok(clients::table
        .filter(clients::sales_contact_id.eq(owner))
        .filter(clients::archived_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The sales contact's name, for one client.
pub fn owner_name(conn: &mut DbConnection, owner: Option<i64>) -> Result<Option<String>> {
    match owner {
        Some(id) => Ok(collaborators::table
            .find(id)
            .select(collaborators::full_name)
            .first(conn)
            .optional()?),
        None => Ok(None),
    }
}
