//! Contracts: the sales department's filters (unsigned, balance due, mine), the
//! amount due kept in step with the payments ledger.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::list::{keyset, Ask, Col, KeyValue, ListRequest, ListSpec, Part, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{Client, Contract, NewContract};
use crate::db::schema::{clients, collaborators, contracts};
use crate::db::search::{self, Indexed, SearchCol};
use crate::db::{Backend, DbConnection};
use crate::error::{Error, Result};
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
pub enum ContractSort {
    #[default]
    Id,
    Client,
    Total,
    Due,
    Signed,
    Created,
    /// The client's sales contact's name; contracts without one first.
    SalesContact,
}

impl ContractSort {
    pub const ALL: &'static [ContractSort] = <ContractSort as strum::VariantArray>::VARIANTS;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ContractFilter {
    pub unsigned: bool,
    pub balance_due: bool,
    /// Contracts of this sales contact's clients.
    pub sales_contact: Option<i64>,
    pub client: Option<i64>,
}

/// A list row: the contract, its client, and the client's sales contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ContractRow {
    pub contract: Contract,
    pub client: Client,
    pub sales_contact_name: Option<String>,
}

/// The list's filters on `contracts` columns alone (the sales contact through a
/// subselect on clients), for any boxed query whose source holds `contracts`; the
/// `joined` form is for a source that joins `clients`. Terms are applied by the
/// caller.
macro_rules! contract_filters {
    ($q:ident, $f:expr, $p:expr) => {{
        contract_filters!($q, $f, $p, |s| contracts::client_id.eq_any(
            clients::table
                .filter(clients::sales_contact_id.eq(s))
                .select(clients::id),
        ))
    }};
    ($q:ident, $f:expr, $p:expr, joined) => {{
        contract_filters!($q, $f, $p, |s| clients::sales_contact_id.eq(s))
    }};
    ($q:ident, $f:expr, $p:expr, |$s:ident| $by_owner:expr) => {{
        if !$p.include_archived {
            $q = $q.filter(contracts::archived_at.is_null());
        }
        if $f.unsigned {
            $q = $q.filter(contracts::signed.eq(false));
        }
        if $f.balance_due {
            $q = $q.filter(contracts::due_cents.gt(0));
        }
        if let Some($s) = $f.sales_contact {
            $q = $q.filter($by_owner);
        }
        if let Some(c) = $f.client {
            $q = $q.filter(contracts::client_id.eq(c));
        }
    }};
}

/// The text the list's terms match.
fn search_col<QS>() -> SearchCol<QS>
where
    QS: diesel::query_source::QuerySource + 'static,
    contracts::search: diesel::SelectableExpression<QS>
        + diesel::expression::ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::No>,
{
    SearchCol {
        col: || Box::new(contracts::search),
        sql: "contracts.search",
    }
}

/// The contracts list (see [`crate::db::repo::list`]).
pub struct ContractList;

/// The columns of each sort but the client's (which needs `clients` joined),
/// each with its index. The same values are read from a row in
/// [`ListSpec::load`].
fn own_key(sort: ContractSort) -> Vec<Part<contracts::table>> {
    use contracts as k;
    match sort {
        ContractSort::Total => vec![Part::asc(Col::BigInt(|| Box::new(k::total_cents)))],
        ContractSort::Due => vec![Part::asc(Col::BigInt(|| Box::new(k::due_cents)))],
        ContractSort::Signed => vec![Part::asc(Col::Bool(|| Box::new(k::signed)))],
        ContractSort::Created => vec![Part::asc(Col::Time(|| Box::new(k::created_at)))],
        ContractSort::Id | ContractSort::Client | ContractSort::SalesContact => Vec::new(),
    }
}

impl ListSpec for ContractList {
    type Filter = ContractFilter;
    type Sort = ContractSort;
    type Row = ContractRow;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &ContractFilter,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        let plan = search::plan(backend, &p.terms, Indexed::Words);
        Ok(crate::with_terms!(
            backend,
            plan,
            contracts,
            contracts_fts,
            contracts_words,
            search_col(),
            |q| { contract_filters!(q, f, p) },
            |q| crate::answer!(q, ask, contracts::id, conn)
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &ContractFilter,
        sort: ContractSort,
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        let conds = search::conds(&p.terms, Indexed::Words);
        if sort == ContractSort::Client {
            let mut q = contracts::table
                .inner_join(clients::table)
                .into_boxed::<Dbb>();
            match scope {
                Scope::Matched(ids) => q = q.filter(contracts::id.eq_any(ids)),
                Scope::Walk => {
                    contract_filters!(q, f, p, joined);
                    for c in &conds {
                        q = q.filter(search::pred(backend, c, &search_col()));
                    }
                }
            }
            let key = SortKey {
                parts: vec![Part::asc(Col::Text(|| Box::new(clients::sort_name)))],
                id: || Box::new(contracts::id),
            };
            return Ok(keyset::seek(q, &key, s)?.select(contracts::id).load(conn)?);
        }
        if sort == ContractSort::SalesContact {
            let mut q = contracts::table
                .inner_join(clients::table.left_join(collaborators::table))
                .into_boxed::<Dbb>();
            match scope {
                Scope::Matched(ids) => q = q.filter(contracts::id.eq_any(ids)),
                Scope::Walk => {
                    contract_filters!(q, f, p, joined);
                    for c in &conds {
                        q = q.filter(search::pred(backend, c, &search_col()));
                    }
                }
            }
            let key = SortKey {
                parts: vec![Part::asc(Col::Text(|| {
                    Box::new(keyset::coalesce(collaborators::sort_name.nullable(), ""))
                }))],
                id: || Box::new(contracts::id),
            };
            return Ok(keyset::seek(q, &key, s)?.select(contracts::id).load(conn)?);
        }
        let mut q = contracts::table.into_boxed::<Dbb>();
        match scope {
            Scope::Matched(ids) => q = q.filter(contracts::id.eq_any(ids)),
            Scope::Walk => {
                contract_filters!(q, f, p);
                for c in &conds {
                    q = q.filter(search::pred(backend, c, &search_col()));
                }
            }
        }
        let key = SortKey {
            parts: own_key(sort),
            id: || Box::new(contracts::id),
        };
        Ok(keyset::seek(q, &key, s)?.select(contracts::id).load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        sort: ContractSort,
        ids: &[i64],
    ) -> Result<Vec<(ContractRow, Vec<KeyValue>)>> {
        let rows: Vec<(Contract, Client, String, Option<String>)> = contracts::table
            .inner_join(clients::table.left_join(collaborators::table))
            .filter(contracts::id.eq_any(ids))
            .select((
                Contract::as_select(),
                Client::as_select(),
                clients::sort_name,
                collaborators::sort_name.nullable(),
            ))
            .load(conn)?;
        let names = super::collaborators::names(
            conn,
            rows.iter().filter_map(|(_, c, ..)| c.sales_contact_id),
        )?;
        Ok(rows
            .into_iter()
            .map(|(contract, client, client_key, sales_key)| {
                let key = match sort {
                    ContractSort::Total => vec![contract.total_cents.into()],
                    ContractSort::Due => vec![contract.due_cents.into()],
                    ContractSort::Signed => vec![contract.signed.into()],
                    ContractSort::Created => vec![contract.created_at.into()],
                    ContractSort::Client => vec![KeyValue::Text(client_key)],
                    ContractSort::SalesContact => {
                        vec![KeyValue::Text(sales_key.unwrap_or_default())]
                    }
                    ContractSort::Id => Vec::new(),
                };
                let sales_contact_name = client
                    .sales_contact_id
                    .and_then(|id| names.get(&id).cloned());
                let row = ContractRow {
                    contract,
                    client,
                    sales_contact_name,
                };
                (row, key)
            })
            .collect())
    }

    fn id(row: &ContractRow) -> i64 {
        row.contract.id
    }
}

/// One read of the contracts list.
pub fn list<'a>(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ContractFilter,
    sort: ContractSort,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<ContractRow>> {
    super::list::list::<ContractList>(conn, backend, f, sort, req.into())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Contract> {
    contracts::table
        .find(id)
        .select(Contract::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "contract",
            id,
        })
}

pub fn insert(conn: &mut DbConnection, _permit: &Permit, new: &NewContract) -> Result<i64> {
    Ok(crate::with_backend!(conn, |c| diesel::insert_into(
        contracts::table
    )
    .values(new)
    .returning(contracts::id)
    .get_result::<i64>(c))?)
}

/// New total; the amount due moves by the same difference so payments stay counted.
// Total, due and search change together in one version-checked statement.
#[allow(clippy::too_many_arguments)]
pub fn update_total(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    total_cents: i64,
    due_cents: i64,
    search: &str,
    now: NaiveDateTime,
) -> Result<()> {
    use contracts as k;
    let n = diesel::update(k::table.filter(k::id.eq(id)).filter(k::version.eq(version)))
        .set((
            k::total_cents.eq(total_cents),
            k::due_cents.eq(due_cents),
            k::search.eq(search),
            k::version.eq(version + 1),
            k::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "contract", id, || {
        k::table
            .find(id)
            .select(k::id)
            .first::<i64>(conn)
            .optional()
    })
}

pub fn sign(
    conn: &mut DbConnection,
    permit: &Permit,
    id: i64,
    version: i32,
    now: NaiveDateTime,
) -> Result<()> {
    use contracts as k;
    let n = diesel::update(
        k::table
            .filter(k::id.eq(id))
            .filter(k::version.eq(version))
            .filter(k::signed.eq(false)),
    )
    .set((
        k::signed.eq(true),
        k::signed_at.eq(Some(now)),
        k::signed_by_id.eq(Some(permit.actor_id())),
        k::version.eq(version + 1),
        k::updated_at.eq(now),
    ))
    .execute(conn)?;
    super::expect_one(n, "contract", id, || {
        k::table
            .find(id)
            .select(k::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Locks the contract for a ledger entry of `amount` (negative for a refund or
/// correction) and checks, in the same statement, that it fits: a payment no more
/// than what is due, a reversal no more than what was paid. The database's ledger
/// trigger then moves the amount due when the payment row goes in, so two entries
/// recorded at once are checked one after the other. Returns false (and changes
/// nothing) when the amount does not fit.
pub fn hold_for_ledger(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    amount: i64,
) -> Result<bool> {
    use contracts as k;
    let n = diesel::update(
        k::table
            .filter(k::id.eq(id))
            .filter(k::due_cents.ge(amount))
            .filter((k::due_cents - amount).le(k::total_cents)),
    )
    .set(k::due_cents.eq(k::due_cents))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_archived(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    archived_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<()> {
    use contracts as k;
    let n = diesel::update(k::table.filter(k::id.eq(id)).filter(k::version.eq(version)))
        .set((
            k::archived_at.eq(archived_at),
            k::version.eq(version + 1),
            k::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "contract", id, || {
        k::table
            .find(id)
            .select(k::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Archives (or restores) a client's contracts with the client. Restoring brings
/// back only those archived together with it (same instant).
pub fn cascade_archive(
    conn: &mut DbConnection,
    _permit: &Permit,
    client_id: i64,
    archived_at: Option<NaiveDateTime>,
    previous: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<Vec<i64>> {
    use contracts as k;
    let mut q = k::table
        .filter(k::client_id.eq(client_id))
        .into_boxed::<Dbb>();
    q = match previous {
        None => q.filter(k::archived_at.is_null()),
        Some(t) => q.filter(k::archived_at.eq(t)),
    };
    let ids: Vec<i64> = q.select(k::id).load(conn)?;
    if !ids.is_empty() {
        diesel::update(k::table.filter(k::id.eq_any(&ids)))
            .set((
                k::archived_at.eq(archived_at),
                k::version.eq(k::version + 1),
                k::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(ids)
}

pub fn search_text(id: i64, client: &Client, sales_name: Option<&str>, signed: bool) -> String {
    let id = format!("#{id}");
    crate::domain::text::search_text([
        id.as_str(),
        client.full_name.as_str(),
        client.company_name.as_str(),
        sales_name.unwrap_or(""),
        if signed { "signed" } else { "unsigned" },
    ])
}

/// Rewrites `search` for a client's contracts (client renamed, reassigned, signed).
pub fn refresh_search_for_client(
    conn: &mut DbConnection,
    client: &Client,
    sales_name: Option<&str>,
) -> Result<()> {
    let rows: Vec<(i64, bool)> = contracts::table
        .filter(contracts::client_id.eq(client.id))
        .select((contracts::id, contracts::signed))
        .load(conn)?;
    for (id, signed) in rows {
        diesel::update(contracts::table.find(id))
            .set(contracts::search.eq(search_text(id, client, sales_name, signed)))
            .execute(conn)?;
    }
    Ok(())
}

/// Ids of every contract of a client (archived or not).
pub fn ids_for_client(conn: &mut DbConnection, client_id: i64) -> Result<Vec<i64>> {
    Ok(contracts::table
        .filter(contracts::client_id.eq(client_id))
        .select(contracts::id)
        .load(conn)?)
}
