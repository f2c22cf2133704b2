//! Events: the support department's filters (without support, assigned to me, time
//! window) over what can be a million rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::list::{keyset, Ask, Col, KeyValue, ListRequest, ListSpec, Part, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{Client, Event, NewEvent};
use crate::db::schema::{clients, collaborators, contracts, events};
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
pub enum EventSort {
    #[default]
    Start,
    End,
    Name,
    Client,
    Attendees,
    /// The support collaborator's name; events without support first.
    Support,
    Id,
}

impl EventSort {
    pub const ALL: &'static [EventSort] = <EventSort as strum::VariantArray>::VARIANTS;
}

/// Which events by time, relative to now. The `t` key cycles through them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TimeWindow {
    #[default]
    All,
    Upcoming,
    Ongoing,
    Past,
}

impl TimeWindow {
    /// upcoming → ongoing → past → all → upcoming.
    pub fn next(self) -> TimeWindow {
        match self {
            TimeWindow::Upcoming => TimeWindow::Ongoing,
            TimeWindow::Ongoing => TimeWindow::Past,
            TimeWindow::Past => TimeWindow::All,
            TimeWindow::All => TimeWindow::Upcoming,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeWindow::All => "all",
            TimeWindow::Upcoming => "upcoming",
            TimeWindow::Ongoing => "ongoing",
            TimeWindow::Past => "past",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EventFilter {
    pub without_support: bool,
    /// Only events assigned to this support collaborator.
    pub support: Option<i64>,
    pub window: TimeWindow,
    /// The instant the window is relative to.
    pub now: Option<NaiveDateTime>,
    pub contract: Option<i64>,
    pub client: Option<i64>,
}

/// A list row: the event, its client (through the contract), its support's name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EventRow {
    pub event: Event,
    pub client: Client,
    pub support_name: Option<String>,
}

/// The list's filters on `events` columns alone (the client through a subselect on
/// its contracts), so that counting and paging need no join: every event has
/// exactly one contract and one client (NOT NULL foreign keys). Applies to any
/// boxed query whose source holds `events`. Terms are applied by the caller.
///
/// `$floor` is [`ongoing_floor`]'s answer for the filter: the earliest start an
/// event in progress can have.
macro_rules! event_filters {
    // On a source that joins `contracts`, the client filter is a plain condition.
    ($q:ident, $f:expr, $p:expr, $floor:expr, joined) => {{
        event_filters!(@ $q, $f, $p, $floor, |c| contracts::client_id.eq(c))
    }};
    ($q:ident, $f:expr, $p:expr, $floor:expr) => {{
        event_filters!(@ $q, $f, $p, $floor, |c| events::contract_id.eq_any(
            contracts::table
                .filter(contracts::client_id.eq(c))
                .select(contracts::id),
        ))
    }};
    (@ $q:ident, $f:expr, $p:expr, $floor:expr, |$c:ident| $by_client:expr) => {{
        if !$p.include_archived {
            $q = $q.filter(events::archived_at.is_null());
        }
        if $f.without_support {
            $q = $q.filter(events::support_id.is_null());
        }
        if let Some(s) = $f.support {
            $q = $q.filter(events::support_id.eq(s));
        }
        if let Some(c) = $f.contract {
            $q = $q.filter(events::contract_id.eq(c));
        }
        if let Some($c) = $f.client {
            $q = $q.filter($by_client);
        }
        if let Some(now) = $f.now {
            $q = match $f.window {
                TimeWindow::All => $q,
                TimeWindow::Upcoming => $q.filter(events::starts_at.gt(now)),
                TimeWindow::Ongoing => {
                    let q = $q
                        .filter(events::starts_at.le(now))
                        .filter(events::ends_at.gt(now));
                    match $floor {
                        Some(since) => q.filter(events::starts_at.ge(since)),
                        None => q,
                    }
                }
                // Implied by the first (an event ends after it starts), the second
                // lets the start index serve the past newest first.
                TimeWindow::Past => $q
                    .filter(events::ends_at.le(now))
                    .filter(events::starts_at.lt(now)),
            };
        }
    }};
}

diesel::define_sql_function! {
    /// SQLite: seconds since 1970 (the `events_span` index's expression).
    fn unixepoch(t: diesel::sql_types::Timestamp) -> diesel::sql_types::BigInt;
}

diesel::define_sql_function! {
    /// PostgreSQL: an event's length in seconds (the `events_span` index's
    /// expression, see its migration).
    fn epic_span_seconds(
        starts: diesel::sql_types::Timestamp,
        ends: diesel::sql_types::Timestamp,
    ) -> diesel::sql_types::BigInt;
}

/// The longest event's length in seconds (archived ones included), read from
/// the end of the `events_span` index; `None` when there is no event.
pub fn longest_span(conn: &mut DbConnection, backend: Backend) -> Result<Option<i64>> {
    use diesel::dsl::max;
    Ok(match backend {
        Backend::Sqlite => events::table
            .select(max(
                unixepoch(events::ends_at) - unixepoch(events::starts_at)
            ))
            .get_result(conn)?,
        Backend::Postgres => events::table
            .select(max(epic_span_seconds(events::starts_at, events::ends_at)))
            .get_result(conn)?,
    })
}

/// For the ongoing window, the earliest start an event in progress can have:
/// now less the longest event, and a second for the fractions whole seconds
/// drop. With it the start index is read over that span only, not over every
/// event that has started. `None` for the other windows (or no bound).
fn ongoing_floor(
    conn: &mut DbConnection,
    backend: Backend,
    f: &EventFilter,
) -> Result<Option<NaiveDateTime>> {
    let (Some(now), TimeWindow::Ongoing) = (f.now, f.window) else {
        return Ok(None);
    };
    Ok(longest_span(conn, backend)?
        .and_then(|secs| chrono::TimeDelta::try_seconds(secs.saturating_add(1)))
        .and_then(|span| now.checked_sub_signed(span)))
}

/// The text the list's terms match.
fn search_col<QS>() -> SearchCol<QS>
where
    QS: diesel::query_source::QuerySource + 'static,
    events::search: diesel::SelectableExpression<QS>
        + diesel::expression::ValidGrouping<(), IsAggregate = diesel::expression::is_aggregate::No>,
{
    SearchCol {
        col: || Box::new(events::search),
        sql: "events.search",
    }
}

/// The events list (see [`crate::db::repo::list`]).
pub struct EventList;

/// The columns of each sort but the client's (which needs `clients` joined).
/// The same keys are read from a row in [`ListSpec::key`].
fn own_key(sort: EventSort) -> Vec<Part<events::table>> {
    match sort {
        EventSort::Start => vec![Part::asc(Col::Time(|| Box::new(events::starts_at)))],
        EventSort::End => vec![Part::asc(Col::Time(|| Box::new(events::ends_at)))],
        EventSort::Name => vec![Part::asc(Col::Text(|| Box::new(events::sort_name)))],
        EventSort::Attendees => vec![Part::asc(Col::Int(|| Box::new(events::attendees)))],
        EventSort::Id | EventSort::Client | EventSort::Support => Vec::new(),
    }
}

impl ListSpec for EventList {
    type Filter = EventFilter;
    type Sort = EventSort;
    type Row = EventRow;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &EventFilter,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        let plan = search::plan(backend, &p.terms, Indexed::Words);
        let floor = ongoing_floor(conn, backend, f)?;
        Ok(crate::with_terms!(
            backend,
            plan,
            events,
            events_fts,
            events_words,
            search_col(),
            |q| { event_filters!(q, f, p, floor) },
            |q| crate::answer!(q, ask, events::id, conn)
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &EventFilter,
        sort: EventSort,
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        let conds = search::conds(&p.terms, Indexed::Words);
        let floor = match scope {
            Scope::Walk => ongoing_floor(conn, backend, f)?,
            Scope::Matched(_) => None,
        };
        if sort == EventSort::Client {
            let mut q = events::table
                .inner_join(contracts::table.inner_join(clients::table))
                .into_boxed::<Dbb>();
            match scope {
                Scope::Matched(ids) => q = q.filter(events::id.eq_any(ids)),
                Scope::Walk => {
                    event_filters!(q, f, p, floor, joined);
                    for c in &conds {
                        q = q.filter(search::pred(backend, c, &search_col()));
                    }
                }
            }
            let key = SortKey {
                parts: vec![Part::asc(Col::Text(|| Box::new(clients::sort_name)))],
                id: || Box::new(events::id),
            };
            return Ok(keyset::seek(q, &key, s)?.select(events::id).load(conn)?);
        }
        if sort == EventSort::Support {
            let mut q = events::table
                .left_join(
                    collaborators::table.on(events::support_id.eq(collaborators::id.nullable())),
                )
                .into_boxed::<Dbb>();
            match scope {
                Scope::Matched(ids) => q = q.filter(events::id.eq_any(ids)),
                Scope::Walk => {
                    event_filters!(q, f, p, floor);
                    for c in &conds {
                        q = q.filter(search::pred(backend, c, &search_col()));
                    }
                }
            }
            let key = SortKey {
                parts: vec![Part::asc(Col::Text(|| {
                    Box::new(keyset::coalesce(collaborators::sort_name.nullable(), ""))
                }))],
                id: || Box::new(events::id),
            };
            return Ok(keyset::seek(q, &key, s)?.select(events::id).load(conn)?);
        }
        let mut q = events::table.into_boxed::<Dbb>();
        match scope {
            Scope::Matched(ids) => q = q.filter(events::id.eq_any(ids)),
            Scope::Walk => {
                event_filters!(q, f, p, floor);
                for c in &conds {
                    q = q.filter(search::pred(backend, c, &search_col()));
                }
            }
        }
        let key = SortKey {
            parts: own_key(sort),
            id: || Box::new(events::id),
        };
        Ok(keyset::seek(q, &key, s)?.select(events::id).load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        sort: EventSort,
        ids: &[i64],
    ) -> Result<Vec<(EventRow, Vec<KeyValue>)>> {
        type Loaded = (Event, Client, String, String, Option<String>);
        let rows: Vec<Loaded> = events::table
            .inner_join(contracts::table.inner_join(clients::table))
            .left_join(collaborators::table.on(events::support_id.eq(collaborators::id.nullable())))
            .filter(events::id.eq_any(ids))
            .select((
                Event::as_select(),
                Client::as_select(),
                events::sort_name,
                clients::sort_name,
                collaborators::sort_name.nullable(),
            ))
            .load(conn)?;
        let names =
            super::collaborators::names(conn, rows.iter().filter_map(|(e, ..)| e.support_id))?;
        Ok(rows
            .into_iter()
            .map(|(event, client, name_key, client_key, support_key)| {
                // The values of the sort's key columns (see `own_key`).
                let key = match sort {
                    EventSort::Start => vec![event.starts_at.into()],
                    EventSort::End => vec![event.ends_at.into()],
                    EventSort::Name => vec![KeyValue::Text(name_key)],
                    EventSort::Attendees => vec![event.attendees.into()],
                    EventSort::Client => vec![KeyValue::Text(client_key)],
                    EventSort::Support => vec![KeyValue::Text(support_key.unwrap_or_default())],
                    EventSort::Id => Vec::new(),
                };
                let support_name = event.support_id.and_then(|id| names.get(&id).cloned());
                let row = EventRow {
                    event,
                    client,
                    support_name,
                };
                (row, key)
            })
            .collect())
    }

    fn id(row: &EventRow) -> i64 {
        row.event.id
    }
}

/// One read of the events list.
pub fn list<'a>(
    conn: &mut DbConnection,
    backend: Backend,
    f: &EventFilter,
    sort: EventSort,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<EventRow>> {
    super::list::list::<EventList>(conn, backend, f, sort, req.into())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Event> {
    events::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "event",
            id,
        })
}

pub fn insert(conn: &mut DbConnection, _permit: &Permit, new: &NewEvent) -> Result<i64> {
    Ok(crate::with_backend!(conn, |c| diesel::insert_into(
        events::table
    )
    .values(new)
    .returning(events::id)
    .get_result::<i64>(c))?)
}

/// The id the next inserted event will get, taken before the insert so that a
/// row can be written whole (its search text holds its id) instead of being
/// inserted and then rewritten. Rewriting a row that was just indexed makes
/// SQLite's full-text index flush its pending terms on every row, which made
/// a long import slow down row by row. Call inside the write transaction: on
/// SQLite it holds the only write lock (so `MAX(id) + 1` is what SQLite would
/// choose); on PostgreSQL the number is drawn from the column's sequence and
/// is never handed out twice.
pub fn next_id(conn: &mut DbConnection) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    Ok(match conn {
        DbConnection::Sqlite(c) => {
            let max: Option<i64> = events::table
                .select(diesel::dsl::max(events::id))
                .first(c)?;
            max.unwrap_or(0) + 1
        }
        DbConnection::Postgresql(c) => {
            diesel::sql_query("SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id")
                .get_result::<Next>(c)?
                .id
        }
    })
}

/// Inserts events under the ids [`next_id`] gave, whole, in one statement
/// (an import's batch), each with its id in the support team's sheet if any.
pub fn insert_many_as(
    conn: &mut DbConnection,
    _permit: &Permit,
    rows: &[(i64, Option<&str>, NewEvent)],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // Every column bound, NULLs included: a batch with a column left to its
    // default would be written row by row.
    let values: Vec<_> = rows
        .iter()
        .map(|(id, external_ref, n)| {
            (
                (
                    events::id.eq(*id),
                    events::external_ref.eq(*external_ref),
                    events::name.eq(n.name),
                    events::contract_id.eq(n.contract_id),
                    events::support_id.eq(n.support_id),
                    events::starts_at.eq(n.starts_at),
                    events::ends_at.eq(n.ends_at),
                    events::location.eq(n.location),
                ),
                (
                    events::attendees.eq(n.attendees),
                    events::notes.eq(n.notes),
                    events::search.eq(n.search),
                    events::sort_name.eq(n.sort_name),
                    events::created_at.eq(n.created_at),
                    events::updated_at.eq(n.updated_at),
                    events::version.eq(n.version),
                ),
            )
        })
        .collect();
    crate::with_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&values)
        .execute(c))?;
    Ok(())
}

/// The fields of an event that its details form edits.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = events)]
pub struct EventChanges<'a> {
    pub name: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub location: &'a str,
    pub attendees: i32,
    pub notes: &'a str,
    pub search: &'a str,
}

pub fn update(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    changes: &EventChanges,
    now: NaiveDateTime,
) -> Result<()> {
    use events as e;
    let n = diesel::update(e::table.filter(e::id.eq(id)).filter(e::version.eq(version)))
        .set((
            changes,
            e::sort_name.eq(crate::domain::text::fold(changes.name)),
            e::version.eq(version + 1),
            e::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "event", id, || {
        e::table
            .find(id)
            .select(e::id)
            .first::<i64>(conn)
            .optional()
    })
}

pub fn set_support(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    support: Option<i64>,
    search: &str,
    now: NaiveDateTime,
) -> Result<()> {
    use events as e;
    let n = diesel::update(e::table.filter(e::id.eq(id)).filter(e::version.eq(version)))
        .set((
            e::support_id.eq(support),
            e::search.eq(search),
            e::version.eq(version + 1),
            e::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "event", id, || {
        e::table
            .find(id)
            .select(e::id)
            .first::<i64>(conn)
            .optional()
    })
}

pub fn set_archived(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    archived_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<()> {
    use events as e;
    let n = diesel::update(e::table.filter(e::id.eq(id)).filter(e::version.eq(version)))
        .set((
            e::archived_at.eq(archived_at),
            e::version.eq(version + 1),
            e::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "event", id, || {
        e::table
            .find(id)
            .select(e::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Archives (or restores) the events of these contracts with their client.
pub fn cascade_archive(
    conn: &mut DbConnection,
    _permit: &Permit,
    contract_ids: &[i64],
    archived_at: Option<NaiveDateTime>,
    previous: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<usize> {
    use events as e;
    if contract_ids.is_empty() {
        return Ok(0);
    }
    let mut q = e::table
        .filter(e::contract_id.eq_any(contract_ids))
        .into_boxed::<Dbb>();
    q = match previous {
        None => q.filter(e::archived_at.is_null()),
        Some(t) => q.filter(e::archived_at.eq(t)),
    };
    let ids: Vec<i64> = q.select(e::id).load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(diesel::update(e::table.filter(e::id.eq_any(&ids)))
        .set((
            e::archived_at.eq(archived_at),
            e::version.eq(e::version + 1),
            e::updated_at.eq(now),
        ))
        .execute(conn)?)
}

/// Upcoming events of a support collaborator (for handing them to someone else).
pub fn upcoming_for_support(
    conn: &mut DbConnection,
    support: i64,
    now: NaiveDateTime,
) -> Result<Vec<Event>> {
    Ok(events::table
        .filter(events::support_id.eq(support))
        .filter(events::ends_at.gt(now))
        .filter(events::archived_at.is_null())
        .order(events::starts_at.asc())
        .select(Event::as_select())
        .load(conn)?)
}

/// Events of a support collaborator starting in `(now, until]`, for reminders.
pub fn starting_between(
    conn: &mut DbConnection,
    support: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<Event>> {
    Ok(events::table
        .filter(events::support_id.eq(support))
        .filter(events::starts_at.gt(now))
        .filter(events::starts_at.le(until))
        .filter(events::archived_at.is_null())
        .select(Event::as_select())
        .load(conn)?)
}

pub fn search_text(
    id: i64,
    name: &str,
    location: &str,
    client: &Client,
    support_name: Option<&str>,
) -> String {
    let id = format!("#{id}");
    crate::domain::text::search_text([
        id.as_str(),
        name,
        location,
        client.full_name.as_str(),
        client.company_name.as_str(),
        support_name.unwrap_or(""),
    ])
}

/// Rewrites `search` of a client's events, after the client's name or company
/// changed.
pub fn refresh_search_for_client(conn: &mut DbConnection, client: &Client) -> Result<()> {
    let rows: Vec<Event> = events::table
        .inner_join(contracts::table)
        .filter(contracts::client_id.eq(client.id))
        .select(Event::as_select())
        .load(conn)?;
    let names = super::collaborators::names(conn, rows.iter().filter_map(|e| e.support_id))?;
    for e in rows {
        let support = e
            .support_id
            .and_then(|id| names.get(&id))
            .map(String::as_str);
        let s = search_text(e.id, &e.name, &e.location, client, support);
        diesel::update(events::table.find(e.id))
            .set(events::search.eq(s))
            .execute(conn)?;
    }
    Ok(())
}

/// Rewrites `search` of a support collaborator's events, after their name changed.
pub fn refresh_search_for_support(
    conn: &mut DbConnection,
    support: i64,
    support_name: &str,
) -> Result<()> {
    let rows: Vec<(Event, Client)> = events::table
        .inner_join(contracts::table.inner_join(clients::table))
        .filter(events::support_id.eq(support))
        .select((Event::as_select(), Client::as_select()))
        .load(conn)?;
    for (e, client) in rows {
        let s = search_text(e.id, &e.name, &e.location, &client, Some(support_name));
        diesel::update(events::table.find(e.id))
            .set(events::search.eq(s))
            .execute(conn)?;
    }
    Ok(())
}

/// The client an event belongs to, through its contract.
pub fn client_of(conn: &mut DbConnection, event: &Event) -> Result<Client> {
    Ok(contracts::table
        .inner_join(clients::table)
        .filter(contracts::id.eq(event.contract_id))
        .select(Client::as_select())
        .first(conn)?)
}
