//! `… list`: the screens' filters as flags, every matching row by default,
//! fetched and printed a page at a time.

use super::api::Api;
use super::args::{Format, ListArgs, ListOnly, Window};
use super::output::{Cell, Table};
use super::records;
use super::{CliError, CliResult};
use crate::error::Result;
use crate::services::query::{
    At, AuditFilter, ClientFilter, ClientSort, CollaboratorFilter, CollaboratorSort,
    ContractFilter, ContractSort, EventFilter, EventSort, ListParams, Page, TimeWindow,
};
use crate::session::Session;

/// Rows fetched per query: large enough that a list of tens of thousands of rows
/// takes a few queries, small enough to hold.
pub const PAGE: u64 = 2_000;

/// The flags an entity's list accepts besides the common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Clients,
    Contracts,
    Events,
    Collaborators,
    Notifications,
    Audit,
}

impl Entity {
    fn name(self) -> &'static str {
        match self {
            Entity::Clients => "clients",
            Entity::Contracts => "contracts",
            Entity::Events => "events",
            Entity::Collaborators => "collaborators",
            Entity::Notifications => "notifications",
            Entity::Audit => "audit",
        }
    }
}

/// Refuses a flag the entity's screen does not have (exit 2).
pub fn check_flags(e: Entity, a: &ListArgs) -> CliResult {
    let given = [
        (
            "--mine",
            a.mine,
            matches!(e, Entity::Clients | Entity::Contracts | Entity::Events),
        ),
        ("--unsigned", a.unsigned, e == Entity::Contracts),
        ("--due", a.due, e == Entity::Contracts),
        ("--without-support", a.without_support, e == Entity::Events),
        ("--assigned-to-me", a.assigned_to_me, e == Entity::Events),
        ("--window", a.window.is_some(), e == Entity::Events),
        (
            "--archived",
            a.archived,
            !matches!(e, Entity::Notifications | Entity::Audit),
        ),
        (
            "--sort",
            a.sort.is_some(),
            !matches!(e, Entity::Notifications | Entity::Audit),
        ),
    ];
    for (flag, set, allowed) in given {
        if set && !allowed {
            return Err(CliError::Usage(format!(
                "{flag} does not apply to {}",
                e.name()
            )));
        }
    }
    Ok(())
}

/// `COLUMN[:desc]` among `all` (named as in `--help`: `last_contact`, `start`…).
pub fn parse_sort<T: std::fmt::Debug + Copy>(
    all: &[T],
    given: Option<&str>,
) -> CliResult<(Option<T>, bool)> {
    let Some(s) = given else {
        return Ok((None, false));
    };
    let (col, desc) = match s.rsplit_once(':') {
        Some((c, "desc")) => (c, true),
        Some((c, "asc")) => (c, false),
        Some(_) => {
            return Err(CliError::Usage(format!(
                "--sort takes COLUMN or COLUMN:desc, not {s:?}"
            )))
        }
        None => (s, false),
    };
    let key = |x: &str| x.to_ascii_lowercase().replace(['_', '-'], "");
    let wanted = key(col);
    match all.iter().find(|v| key(&format!("{v:?}")) == wanted) {
        Some(v) => Ok((Some(*v), desc)),
        None => Err(CliError::Usage(format!(
            "unknown sort column {col:?}; one of: {}",
            all.iter()
                .map(|v| snake(&format!("{v:?}")))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// The list parameters of the flags (without paging).
pub fn params(a: &ListArgs, descending: bool) -> ListParams {
    ListParams {
        descending,
        include_archived: a.archived,
        ..Default::default()
    }
    .with_filter(a.search.as_deref().unwrap_or(""))
}

pub fn window(w: Option<Window>) -> TimeWindow {
    match w {
        None | Some(Window::All) => TimeWindow::All,
        Some(Window::Upcoming) => TimeWindow::Upcoming,
        Some(Window::Ongoing) => TimeWindow::Ongoing,
        Some(Window::Past) => TimeWindow::Past,
    }
}

/// Reads the rows `--offset`/`--limit` select, a page at a time, handing each
/// page to `each`. The first page starts at `--offset`; each next one continues
/// from the last row's place in the sort ([`At::After`]), so a list of any
/// length costs the same per row to its end instead of skipping ever more rows.
pub fn pages<T>(
    a: &ListArgs,
    base: &ListParams,
    mut fetch: impl FnMut(&ListParams, &At) -> Result<Page<T>>,
    mut each: impl FnMut(Vec<T>) -> CliResult,
) -> CliResult {
    let mut offset = a.offset;
    let mut remaining = a.limit.unwrap_or(u64::MAX);
    let mut at = At::Offset;
    while remaining > 0 {
        let limit = remaining.min(PAGE);
        let p = ListParams {
            offset: i64::try_from(offset).unwrap_or(i64::MAX),
            limit: limit as i64,
            ..base.clone()
        };
        let page = fetch(&p, &at)?;
        let n = page.rows.len() as u64;
        let last = page.last;
        each(page.rows)?;
        match last {
            Some(c) if n >= limit => at = At::After(c),
            _ => break,
        }
        offset += n;
        remaining -= n;
    }
    Ok(())
}

fn print<T>(
    a: &ListArgs,
    base: &ListParams,
    format: Format,
    columns: &[&'static str],
    fetch: impl FnMut(&ListParams, &At) -> Result<Page<T>>,
    cells: impl Fn(&T) -> Vec<Cell>,
) -> CliResult {
    let mut t = Table::new(format, columns);
    pages(a, base, fetch, |rows| {
        for r in &rows {
            t.row(cells(r))?;
        }
        t.end_page()
    })?;
    t.finish()
}

pub fn client_filter(s: &Session, a: &ListArgs) -> ClientFilter {
    ClientFilter {
        sales_contact: a.mine.then_some(s.collaborator_id),
    }
}

pub fn contract_filter(s: &Session, a: &ListArgs) -> ContractFilter {
    ContractFilter {
        unsigned: a.unsigned,
        balance_due: a.due,
        sales_contact: a.mine.then_some(s.collaborator_id),
        client: None,
    }
}

pub fn event_filter(s: &Session, a: &ListArgs) -> EventFilter {
    EventFilter {
        without_support: a.without_support,
        support: (a.assigned_to_me || a.mine).then_some(s.collaborator_id),
        window: window(a.window),
        ..Default::default()
    }
}

pub fn clients(api: &Api, s: &Session, a: &ListArgs, format: Format) -> CliResult {
    check_flags(Entity::Clients, a)?;
    let (sort, desc) = parse_sort(ClientSort::ALL, a.sort.as_deref())?;
    let f = client_filter(s, a);
    let sort = sort.unwrap_or_default();
    print(
        a,
        &params(a, desc),
        format,
        records::CLIENT,
        |p, at| api.list_clients_at(&f, sort, p, at),
        records::client,
    )
}

pub fn contracts(api: &Api, s: &Session, a: &ListArgs, format: Format) -> CliResult {
    check_flags(Entity::Contracts, a)?;
    let (sort, desc) = parse_sort(ContractSort::ALL, a.sort.as_deref())?;
    let f = contract_filter(s, a);
    let sort = sort.unwrap_or_default();
    print(
        a,
        &params(a, desc),
        format,
        records::CONTRACT,
        |p, at| api.list_contracts_at(&f, sort, p, at),
        records::contract,
    )
}

pub fn events(api: &Api, s: &Session, a: &ListArgs, format: Format) -> CliResult {
    check_flags(Entity::Events, a)?;
    let (sort, desc) = parse_sort(EventSort::ALL, a.sort.as_deref())?;
    let mut f = event_filter(s, a);
    // One "now" for every page, so a row cannot move between windows mid-list.
    f.now = Some(api.now());
    let sort = sort.unwrap_or_default();
    print(
        a,
        &params(a, desc),
        format,
        records::EVENT,
        |p, at| api.list_events_at(&f, sort, p, at),
        records::event,
    )
}

pub fn collaborators(api: &Api, _s: &Session, a: &ListArgs, format: Format) -> CliResult {
    check_flags(Entity::Collaborators, a)?;
    let (sort, desc) = parse_sort(CollaboratorSort::ALL, a.sort.as_deref())?;
    let f = CollaboratorFilter {
        role: None,
        active_only: !a.archived,
    };
    let sort = sort.unwrap_or_default();
    print(
        a,
        &params(a, desc),
        format,
        records::COLLABORATOR,
        |p, at| api.list_collaborators_at(&f, sort, p, at),
        records::collaborator,
    )
}

pub fn notifications(api: &Api, s: &Session, cmd: ListOnly) -> CliResult {
    let ListOnly::List {
        list,
        unread,
        format,
    } = cmd;
    check_flags(Entity::Notifications, &list)?;
    print(
        &list,
        &params(&list, false),
        format,
        records::NOTIFICATION,
        |p, at| api.list_notifications_at(s, unread, p, at),
        records::notification,
    )
}

pub fn audit(api: &Api, s: &Session, cmd: ListOnly) -> CliResult {
    let ListOnly::List {
        list,
        unread,
        format,
    } = cmd;
    check_flags(Entity::Audit, &list)?;
    if unread {
        return Err(CliError::Usage("--unread applies to notifications".into()));
    }
    let f = AuditFilter::default();
    print(
        &list,
        &params(&list, false),
        format,
        records::AUDIT,
        |p, at| api.list_audit_at(s, &f, p, at),
        records::audit,
    )
}
