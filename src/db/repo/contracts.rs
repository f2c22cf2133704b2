//! Contracts: the sales department's filters (unsigned, balance due, mine), the
//! amount due kept in step with the payments ledger.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{capped, Dbb, ListParams, Page, Window, COUNT_CAP};
use crate::db::models::{Client, Contract, NewContract};
use crate::db::schema::{clients, contracts};
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// `ORDER BY` for a sort; the client sort needs a source joining `clients`.
macro_rules! contract_order {
    ($q:expr, $sort:expr, $desc:expr, joined) => {{
        match ($sort, $desc) {
            (ContractSort::Client, false) => {
                $q.order((clients::sort_name.asc(), contracts::id.asc()))
            }
            (ContractSort::Client, true) => {
                $q.order((clients::sort_name.desc(), contracts::id.desc()))
            }
            (sort, desc) => contract_order!($q, sort, desc),
        }
    }};
    ($q:expr, $sort:expr, $desc:expr) => {{
        use contracts as k;
        match ($sort, $desc) {
            (ContractSort::Id, false) => $q.order(k::id.asc()),
            (ContractSort::Id, true) => $q.order(k::id.desc()),
            (ContractSort::Total, false) => $q.order((k::total_cents.asc(), k::id.asc())),
            (ContractSort::Total, true) => $q.order((k::total_cents.desc(), k::id.desc())),
            (ContractSort::Due, false) => $q.order((k::due_cents.asc(), k::id.asc())),
            (ContractSort::Due, true) => $q.order((k::due_cents.desc(), k::id.desc())),
            (ContractSort::Signed, false) => $q.order((k::signed.asc(), k::id.asc())),
            (ContractSort::Signed, true) => $q.order((k::signed.desc(), k::id.desc())),
            (ContractSort::Created, false) => $q.order((k::created_at.asc(), k::id.asc())),
            (ContractSort::Created, true) => $q.order((k::created_at.desc(), k::id.desc())),
            (ContractSort::Client, _) => {
                unreachable!("the client sort needs the joined source")
            }
        }
    }};
}

/// Ids of matching contracts, at most `cap`, in no particular order (see
/// `events::matching_ids`).
fn matching_ids(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ContractFilter,
    p: &ListParams,
    cap: i64,
) -> Result<Vec<i64>> {
    let plan = crate::db::search::plan(backend, &p.terms);
    Ok(match plan.fts_query {
        Some(fq) => {
            use crate::db::search::fts::contracts_fts;
            let mut q = contracts_fts::table
                .inner_join(contracts::table.on(contracts::id.eq(contracts_fts::rowid)))
                .into_boxed::<Dbb>()
                .filter(crate::db::search::fts_match("contracts", fq));
            contract_filters!(q, f, p);
            for pat in plan.like_patterns {
                q = q.filter(contracts::search.like(pat).escape('\\'));
            }
            q.select(contracts::id).limit(cap).load(conn)?
        }
        None => {
            let mut q = contracts::table.into_boxed::<Dbb>();
            contract_filters!(q, f, p);
            crate::apply_terms!(q, backend, &p.terms, "contracts", contracts::search);
            q.select(contracts::id).limit(cap).load(conn)?
        }
    })
}

/// The ids of one page, in list order (see `super::all_known`).
fn page_ids(
    conn: &mut DbConnection,
    f: &ContractFilter,
    sort: ContractSort,
    p: &ListParams,
    matched: &[i64],
    w: Window,
) -> Result<Vec<i64>> {
    let all_known = super::all_known(matched);
    let desc = p.descending != w.reversed;
    if sort == ContractSort::Client {
        let mut q = contracts::table
            .inner_join(clients::table)
            .into_boxed::<Dbb>();
        if all_known {
            q = q.filter(contracts::id.eq_any(matched));
        } else {
            contract_filters!(q, f, p, joined);
            crate::apply_like_terms!(q, &p.terms, contracts::search);
        }
        let q = contract_order!(q, sort, desc, joined);
        let ids = q
            .select(contracts::id)
            .offset(w.offset)
            .limit(w.limit)
            .load(conn)?;
        return Ok(w.in_list_order(ids));
    }
    let mut q = contracts::table.into_boxed::<Dbb>();
    if all_known {
        q = q.filter(contracts::id.eq_any(matched));
    } else {
        contract_filters!(q, f, p);
        crate::apply_like_terms!(q, &p.terms, contracts::search);
    }
    let q = contract_order!(q, sort, desc);
    let ids = q
        .select(contracts::id)
        .offset(w.offset)
        .limit(w.limit)
        .load(conn)?;
    Ok(w.in_list_order(ids))
}

pub fn list(
    conn: &mut DbConnection,
    backend: Backend,
    f: &ContractFilter,
    sort: ContractSort,
    p: &ListParams,
) -> Result<Page<ContractRow>> {
    let matched = matching_ids(conn, backend, f, p, COUNT_CAP + 1)?;
    let (total, total_capped) = if p.exact_count {
        let mut q = contracts::table.into_boxed::<Dbb>();
        contract_filters!(q, f, p);
        crate::apply_terms!(q, backend, &p.terms, "contracts", contracts::search);
        (q.count().get_result::<i64>(conn)?, false)
    } else {
        capped(matched.len())
    };
    let ids = match Window::of(p, total, total_capped) {
        Some(w) if !matched.is_empty() => page_ids(conn, f, sort, p, &matched, w)?,
        _ => Vec::new(),
    };
    // The page's rows with their client, put back in list order.
    let rows: Vec<(Contract, Client)> = contracts::table
        .inner_join(clients::table)
        .filter(contracts::id.eq_any(&ids))
        .select((Contract::as_select(), Client::as_select()))
        .load(conn)?;
    let rows = super::in_order(&ids, rows, |(k, _)| k.id);
    let names =
        super::collaborators::names(conn, rows.iter().filter_map(|(_, c)| c.sales_contact_id))?;
    let rows = rows
        .into_iter()
        .map(|(contract, client)| {
            let sales_contact_name = client
                .sales_contact_id
                .and_then(|id| names.get(&id).cloned());
            ContractRow {
                contract,
                client,
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
