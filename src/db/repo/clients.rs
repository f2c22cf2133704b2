//! Clients: listing with the "my clients" filter, and version-checked writes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::list::{keyset, Ask, Col, KeyValue, ListRequest, ListSpec, Part, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{Client, NewClient};
use crate::db::schema::{clients, collaborators};
use crate::db::search::{self, Indexed, SearchCol};
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
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    #[default]
    Name,
    Company,
    Email,
    LastContact,
    /// The sales contact's name; clients without one first.
    SalesContact,
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// The text the list's terms match.
fn search_col<QS>() -> SearchCol<QS>
where
    QS: diesel::query_source::QuerySource + 'static,
    clients::search: diesel::SelectableExpression<QS>
        + diesel::expression::ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::No>,
{
    SearchCol {
        col: || Box::new(clients::search),
        sql: "clients.search",
    }
}

/// The clients list (see [`crate::db::repo::list`]).
pub struct ClientList;

/// The columns of each sort, each with its index (`clients_<sort>`). The same
/// values are read from a row in [`ListSpec::load`].
fn key(sort: ClientSort) -> Vec<Part<clients::table>> {
    match sort {
        ClientSort::Name => vec![Part::asc(Col::Text(|| Box::new(clients::sort_name)))],
        ClientSort::Company => vec![Part::asc(Col::Text(|| Box::new(clients::company_name)))],
        ClientSort::Email => vec![Part::asc(Col::Text(|| Box::new(clients::email)))],
        ClientSort::LastContact => vec![Part::asc(Col::Date(|| Box::new(clients::last_contact)))],
        ClientSort::Id | ClientSort::SalesContact => Vec::new(),
    }
}

impl ListSpec for ClientList {
    type Filter = ClientFilter;
    type Sort = ClientSort;
    type Row = ClientRow;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &ClientFilter,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        let plan = search::plan(backend, &p.terms, Indexed::Words);
        Ok(crate::with_terms!(
            backend,
            plan,
            clients,
            clients_fts,
            clients_words,
            search_col(),
            |q| { client_filters!(q, f, p) },
            |q| crate::answer!(q, ask, clients::id, conn)
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &ClientFilter,
        sort: ClientSort,
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        if sort == ClientSort::SalesContact {
            let mut q = clients::table
                .left_join(collaborators::table)
                .into_boxed::<Dbb>();
            match scope {
                Scope::Matched(ids) => q = q.filter(clients::id.eq_any(ids)),
                Scope::Walk => {
                    client_filters!(q, f, p);
                    for c in &search::conds(&p.terms, Indexed::Words) {
                        q = q.filter(search::pred(backend, c, &search_col()));
                    }
                }
            }
            let key = SortKey {
                parts: vec![Part::asc(Col::Text(|| {
                    Box::new(keyset::coalesce(collaborators::sort_name.nullable(), ""))
                }))],
                id: || Box::new(clients::id),
            };
            return Ok(keyset::seek(q, &key, s)?.select(clients::id).load(conn)?);
        }
        let mut q = clients::table.into_boxed::<Dbb>();
        match scope {
            Scope::Matched(ids) => q = q.filter(clients::id.eq_any(ids)),
            Scope::Walk => {
                client_filters!(q, f, p);
                for c in &search::conds(&p.terms, Indexed::Words) {
                    q = q.filter(search::pred(backend, c, &search_col()));
                }
            }
        }
        let key = SortKey {
            parts: key(sort),
            id: || Box::new(clients::id),
        };
        Ok(keyset::seek(q, &key, s)?.select(clients::id).load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        sort: ClientSort,
        ids: &[i64],
    ) -> Result<Vec<(ClientRow, Vec<KeyValue>)>> {
        let rows: Vec<(Client, String, Option<String>)> = clients::table
            .left_join(collaborators::table)
            .filter(clients::id.eq_any(ids))
            .select((
                Client::as_select(),
                clients::sort_name,
                collaborators::sort_name.nullable(),
            ))
            .load(conn)?;
        let names = super::collaborators::names(
            conn,
            rows.iter().filter_map(|(c, ..)| c.sales_contact_id),
        )?;
        Ok(rows
            .into_iter()
            .map(|(c, name_key, sales_key)| {
                let key = match sort {
                    ClientSort::Name => vec![KeyValue::Text(name_key)],
                    ClientSort::Company => vec![(&c.company_name).into()],
                    ClientSort::Email => vec![(&c.email).into()],
                    ClientSort::LastContact => vec![c.last_contact.into()],
                    ClientSort::SalesContact => vec![KeyValue::Text(sales_key.unwrap_or_default())],
                    ClientSort::Id => Vec::new(),
                };
                let sales_contact_name = c.sales_contact_id.and_then(|id| names.get(&id).cloned());
                let row = ClientRow {
                    client: c,
                    sales_contact_name,
                };
                (row, key)
            })
            .collect())
    }

    fn id(row: &ClientRow) -> i64 {
        row.client.id
    }
}

/// One read of the clients list.
pub fn list<'a>(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ClientFilter,
    sort: ClientSort,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<ClientRow>> {
    super::list::list::<ClientList>(conn, backend, f, sort, req.into())
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
