//! `0 Today`: the first screen after login, for every role. What needs doing
//! soon, each section with its count and a key to its full list:
//!
//! 1. events today and in the next 7 days (for support, their own first);
//! 2. events in the next 30 days without support (for whoever may assign it);
//! 3. and 4. the unsigned contracts and the balances still due of my clients
//!    (sales);
//! 5. my unread notifications.
//!
//! It reads through the same list services as the tables, on the worker.

use chrono::{Duration, NaiveDateTime};
use ratatui::layout::Constraint::{self, Fill, Length};

use super::BoardScreen;
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::time::{from_local, show_local, to_local};
use crate::domain::{Cents, Role};
use crate::error::Result;
use crate::policy::{allows, Action as P};
use crate::services::query::{
    group_thousands, ContractFilter, ContractSort, EventFilter, EventSort, ListParams, Page,
    TimeWindow,
};
use crate::session::Session;
use crate::state::board::{BoardData, BoardRow, Jump, Open, Section};
use crate::state::list::Filters;
use crate::state::Entity;

pub struct Today;

/// Rows read per section: more than any terminal shows, few enough to be quick.
const SHOWN: i64 = 20;

/// Events read to count a week's or a month's: past this the count says "200+".
const COUNTED: i64 = 200;

impl BoardScreen for Today {
    fn screen(&self) -> Screen {
        Screen::Today
    }

    fn fetch(&self, crm: &dyn CrmApi, session: &Session) -> Result<BoardData> {
        let me = session.collaborator_id;
        let actor = crm.actor(session)?;
        let now = crm.now();
        let mut sections = vec![week(crm, session.role, me, now)?];
        if allows(&actor, &P::AssignSupport) {
            sections.push(without_support(crm, now)?);
        }
        if session.role == Role::Sales {
            sections.push(contracts(crm, me, false)?);
            sections.push(contracts(crm, me, true)?);
        }
        sections.push(unread(crm, session)?);
        Ok(BoardData { sections })
    }
}

/// Local midnight at the start of the day `now` falls in, as UTC.
fn start_of_day(now: NaiveDateTime) -> NaiveDateTime {
    to_local(now)
        .date()
        .and_hms_opt(0, 0, 0)
        .and_then(from_local)
        .unwrap_or(now)
}

/// Event rows, each with its support's id (to put a support person's own first).
type EventRows = Vec<(Option<i64>, BoardRow)>;

/// Events starting from `from` and before `until`, soonest first, each with its
/// support's id; and how many there are.
fn events_between(
    crm: &dyn CrmApi,
    mut f: EventFilter,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<(EventRows, String)> {
    f.window = TimeWindow::Upcoming;
    // The window is "starts after now": one microsecond before `from` takes
    // an event starting on the dot.
    f.now = Some(from - Duration::microseconds(1));
    let p = ListParams {
        limit: COUNTED,
        ..ListParams::default()
    };
    let page = crm.list_events(&f, EventSort::Start, &p)?;
    let full = page.rows.len() as i64 == COUNTED;
    let rows: Vec<_> = page
        .rows
        .iter()
        .filter(|r| r.event.starts_at < until)
        .map(|r| {
            let row = BoardRow {
                cells: vec![
                    show_local(r.event.starts_at),
                    r.event.name.clone(),
                    r.client.full_name.clone(),
                    r.support_name.clone().unwrap_or_else(|| "— none —".into()),
                ],
                open: Open::Record(Entity::Event, r.event.id),
            };
            (r.event.support_id, row)
        })
        .collect();
    let count = if full && rows.len() as i64 == COUNTED {
        format!("{}+", group_thousands(COUNTED))
    } else {
        group_thousands(rows.len() as i64)
    };
    Ok((rows, count))
}

fn event_widths() -> Vec<Constraint> {
    vec![Length(16), Fill(3), Fill(2), Fill(2)]
}

fn week(crm: &dyn CrmApi, role: Role, me: i64, now: NaiveDateTime) -> Result<Section> {
    let from = start_of_day(now);
    let until = from + Duration::days(8);
    let (mut rows, count) = events_between(crm, EventFilter::default(), from, until)?;
    let support = role == Role::Support;
    if support {
        // Stable: still soonest first within mine and within the others.
        rows.sort_by_key(|(support, _)| *support != Some(me));
    }
    Ok(Section {
        number: 1,
        title: if support {
            "Events today and the next 7 days, mine first".into()
        } else {
            "Events today and the next 7 days".into()
        },
        count,
        widths: event_widths(),
        rows: shown(rows),
        empty: "No event this week.".into(),
        jump: Some(Jump {
            screen: Screen::Events,
            filters: Filters {
                window: TimeWindow::Upcoming,
                mine: support,
                ..Filters::default()
            },
        }),
    })
}

fn without_support(crm: &dyn CrmApi, now: NaiveDateTime) -> Result<Section> {
    let f = EventFilter {
        without_support: true,
        ..EventFilter::default()
    };
    // To the end of the 30th day from today.
    let until = start_of_day(now) + Duration::days(31);
    let (rows, count) = events_between(crm, f, now, until)?;
    Ok(Section {
        number: 2,
        title: "Without support in the next 30 days".into(),
        count,
        widths: event_widths(),
        rows: shown(rows),
        empty: "Every event of the next 30 days has support.".into(),
        jump: Some(Jump {
            screen: Screen::Events,
            filters: Filters {
                without_support: true,
                window: TimeWindow::Upcoming,
                ..Filters::default()
            },
        }),
    })
}

/// My clients' contracts not signed yet (`due` false) or with a balance due.
fn contracts(crm: &dyn CrmApi, me: i64, due: bool) -> Result<Section> {
    let f = ContractFilter {
        unsigned: !due,
        balance_due: due,
        sales_contact: Some(me),
        client: None,
    };
    let p = ListParams {
        limit: SHOWN,
        descending: true,
        ..ListParams::default()
    };
    let sort = if due {
        ContractSort::Due
    } else {
        ContractSort::Id
    };
    let page = crm.list_contracts(&f, sort, &p)?;
    let rows = page
        .rows
        .iter()
        .map(|r| BoardRow {
            cells: vec![
                format!("#{}", r.contract.id),
                r.client.full_name.clone(),
                Cents(r.contract.total_cents).display(),
                format!("due {}", Cents(r.contract.due_cents).display()),
            ],
            open: Open::Record(Entity::Contract, r.contract.id),
        })
        .collect();
    Ok(Section {
        number: if due { 4 } else { 3 },
        title: if due {
            "Balance due, my clients".into()
        } else {
            "Not signed, my clients".into()
        },
        count: count(&page),
        widths: vec![Length(7), Fill(3), Length(13), Length(17)],
        rows,
        empty: if due {
            "Nothing left to collect.".into()
        } else {
            "Every contract of your clients is signed.".into()
        },
        jump: Some(Jump {
            screen: Screen::Contracts,
            filters: Filters {
                unsigned: !due,
                balance_due: due,
                mine: true,
                ..Filters::default()
            },
        }),
    })
}

fn unread(crm: &dyn CrmApi, session: &Session) -> Result<Section> {
    let p = ListParams {
        limit: SHOWN,
        ..ListParams::default()
    };
    let page = crm.list_notifications(session, true, &p)?;
    let rows = page
        .rows
        .iter()
        .map(|n| BoardRow {
            cells: vec![show_local(n.created_at), n.message.clone()],
            open: Open::Notification(n.id),
        })
        .collect();
    Ok(Section {
        number: 5,
        title: "Unread notifications".into(),
        count: count(&page),
        widths: vec![Length(16), Fill(1)],
        rows,
        empty: "Nothing unread.".into(),
        jump: Some(Jump {
            screen: Screen::Notifications,
            filters: Filters::default(),
        }),
    })
}

fn shown(rows: EventRows) -> Vec<BoardRow> {
    rows.into_iter()
        .take(SHOWN as usize)
        .map(|(_, r)| r)
        .collect()
}

fn count<T>(page: &Page<T>) -> String {
    let n = group_thousands(page.total);
    if page.total_capped {
        format!("{n}+")
    } else {
        n
    }
}
