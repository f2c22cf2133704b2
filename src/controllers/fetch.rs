//! How a list query becomes rows of text: the columns of each screen, and the one
//! place that calls the list services ([`fetch`]). Runs on the loader thread.

use ratatui::layout::Constraint;

use super::list::{ListQuery, PageData, RowFacts};
use crate::action::Screen;
use crate::domain::time::show_local;
use crate::domain::Cents;
use crate::error::Result;
use crate::services::query::AuditFilter;
use crate::services::query::ListParams;
use crate::services::query::{ClientFilter, ClientSort};
use crate::services::query::{CollaboratorFilter, CollaboratorSort};
use crate::services::query::{ContractFilter, ContractSort};
use crate::services::query::{EventFilter, EventSort};
use crate::session::Session;
use crate::Crm;

/// Column headers, widths and alignment per screen: fixed widths for dates, ids
/// and money, the rest shares what is left.
pub fn columns(screen: Screen) -> Vec<(&'static str, Constraint, bool)> {
    use Constraint::{Fill, Length};
    match screen {
        Screen::Clients => vec![
            ("Name", Fill(3), false),
            ("Company", Fill(3), false),
            ("E-mail", Fill(3), false),
            ("Last contact", Length(12), false),
            ("Sales contact", Fill(2), false),
        ],
        Screen::Contracts => vec![
            ("#", Length(7), true),
            ("Client", Fill(3), false),
            ("Total", Length(13), true),
            ("Due", Length(13), true),
            ("Signed", Length(6), false),
            ("Sales contact", Fill(2), false),
        ],
        Screen::Events => vec![
            ("Start", Length(16), false),
            ("End", Length(16), false),
            ("Name", Fill(3), false),
            ("Client", Fill(2), false),
            ("Att.", Length(5), true),
            ("Support", Fill(2), false),
        ],
        Screen::Collaborators => vec![
            ("Name", Fill(3), false),
            ("No.", Length(7), false),
            ("E-mail", Fill(4), false),
            ("Role", Length(10), false),
            ("Active", Length(6), false),
        ],
        Screen::Notifications => vec![
            ("When", Length(16), false),
            ("", Length(1), false),
            ("Message", Fill(1), false),
        ],
        Screen::Audit => vec![
            ("When", Length(16), false),
            ("Who", Fill(2), false),
            ("Record", Length(16), false),
            ("Action", Length(14), false),
            ("Changes", Fill(5), false),
        ],
    }
}

/// Lists whose natural order is newest first (their "ascending" is newest first).
pub fn newest_first(screen: Screen) -> bool {
    matches!(screen, Screen::Notifications | Screen::Audit)
}

/// Which column each sort key orders by (`o` cycles through these).
pub fn sort_columns(screen: Screen) -> &'static [usize] {
    match screen {
        Screen::Clients => &[0, 1, 2, 3],
        Screen::Contracts => &[0, 1, 2, 3, 4],
        Screen::Events => &[0, 1, 2, 3, 4],
        Screen::Collaborators => &[0, 1, 2, 3, 4],
        Screen::Notifications | Screen::Audit => &[0],
    }
}

fn params(q: &ListQuery) -> ListParams {
    ListParams {
        terms: crate::domain::text::terms(&q.filter_text),
        descending: q.descending,
        offset: q.offset as i64,
        limit: q.limit as i64,
        include_archived: q.filters.show_archived,
        exact_count: q.exact_count,
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// Runs one list query through the services and turns the rows into text.
pub fn fetch(crm: &Crm, session: &Session, q: &ListQuery) -> Result<PageData> {
    let p = params(q);
    let me = Some(q.me);
    macro_rules! page {
        ($page:expr, |$r:ident| $id:expr, $cells:expr) => {
            page!($page, |$r| $id, facts: RowFacts::default(), $cells)
        };
        ($page:expr, |$r:ident| $id:expr, facts: $facts:expr, $cells:expr) => {{
            let page = $page;
            PageData {
                offset: q.offset,
                ids: page.rows.iter().map(|$r| $id).collect(),
                facts: page.rows.iter().map(|$r| { let _ = $r; $facts }).collect(),
                rows: page.rows.iter().map(|$r| $cells).collect(),
                previews: Vec::new(),
                total: page.total as usize,
                capped: page.total_capped,
            }
        }};
    }
    Ok(match q.screen {
        Screen::Clients => {
            let f = ClientFilter {
                sales_contact: if q.filters.mine { me } else { None },
            };
            let sort = [
                ClientSort::Name,
                ClientSort::Company,
                ClientSort::Email,
                ClientSort::LastContact,
            ][q.sort.min(3)];
            page!(
                crm.list_clients(&f, sort, &p)?,
                |r| r.client.id,
                facts: RowFacts {
                    owner: r.client.sales_contact_id,
                    ..RowFacts::default()
                },
                vec![
                    archived_mark(&r.client.full_name, r.client.archived_at.is_some()),
                    r.client.company_name.clone(),
                    r.client.email.clone(),
                    r.client.last_contact.to_string(),
                    r.sales_contact_name.clone().unwrap_or_else(|| "—".into()),
                ]
            )
        }
        Screen::Contracts => {
            let f = ContractFilter {
                unsigned: q.filters.unsigned,
                balance_due: q.filters.balance_due,
                sales_contact: if q.filters.mine { me } else { None },
                client: None,
            };
            let sort = [
                ContractSort::Id,
                ContractSort::Client,
                ContractSort::Total,
                ContractSort::Due,
                ContractSort::Signed,
            ][q.sort.min(4)];
            page!(
                crm.list_contracts(&f, sort, &p)?,
                |r| r.contract.id,
                facts: RowFacts {
                    owner: r.client.sales_contact_id,
                    signed: r.contract.signed,
                    ..RowFacts::default()
                },
                vec![
                    archived_mark(
                        &format!("#{}", r.contract.id),
                        r.contract.archived_at.is_some()
                    ),
                    r.client.full_name.clone(),
                    Cents(r.contract.total_cents).display(),
                    Cents(r.contract.due_cents).display(),
                    yes_no(r.contract.signed),
                    r.sales_contact_name.clone().unwrap_or_else(|| "—".into()),
                ]
            )
        }
        Screen::Events => {
            let f = EventFilter {
                without_support: q.filters.without_support,
                support: if q.filters.mine { me } else { None },
                window: q.filters.window,
                ..Default::default()
            };
            let sort = [
                EventSort::Start,
                EventSort::End,
                EventSort::Name,
                EventSort::Client,
                EventSort::Attendees,
            ][q.sort.min(4)];
            page!(
                crm.list_events(&f, sort, &p)?,
                |r| r.event.id,
                facts: RowFacts {
                    owner: r.client.sales_contact_id,
                    support: r.event.support_id,
                    ..RowFacts::default()
                },
                vec![
                    show_local(r.event.starts_at),
                    show_local(r.event.ends_at),
                    archived_mark(&r.event.name, r.event.archived_at.is_some()),
                    r.client.full_name.clone(),
                    r.event.attendees.to_string(),
                    r.support_name.clone().unwrap_or_else(|| "— none —".into()),
                ]
            )
        }
        Screen::Collaborators => {
            let sort = [
                CollaboratorSort::Name,
                CollaboratorSort::EmployeeNumber,
                CollaboratorSort::Email,
                CollaboratorSort::Role,
                CollaboratorSort::Active,
            ][q.sort.min(4)];
            page!(
                crm.list_collaborators(&CollaboratorFilter::default(), sort, &p)?,
                |r| r.id,
                facts: RowFacts {
                    role: Some(r.role()),
                    ..RowFacts::default()
                },
                vec![
                    r.full_name.clone(),
                    r.employee_number.clone(),
                    r.email.clone(),
                    r.role.clone(),
                    yes_no(r.active),
                ]
            )
        }
        Screen::Notifications => {
            page!(
                crm.list_notifications(session, false, &p)?,
                |r| r.id,
                vec![
                    show_local(r.created_at),
                    if r.read_at.is_none() {
                        "●".into()
                    } else {
                        String::new()
                    },
                    r.message.clone(),
                ]
            )
        }
        Screen::Audit => {
            let entries = crm.list_audit(
                session,
                &AuditFilter {
                    record: q.filters.record.clone(),
                    actor: None,
                },
                &p,
            )?;
            let changes = |r: &crate::services::audit::AuditRow| -> Vec<String> {
                r.changes
                    .iter()
                    .map(|c| match (&c.before, &c.after) {
                        (Some(b), Some(a)) => {
                            format!("{}: {} → {}", c.field, one_line(b), one_line(a))
                        }
                        (None, Some(a)) => format!("{}: {}", c.field, one_line(a)),
                        (Some(b), None) => format!("{}: {} → ∅", c.field, one_line(b)),
                        (None, None) => c.field.clone(),
                    })
                    .collect()
            };
            let previews: Vec<Vec<String>> = entries.rows.iter().map(changes).collect();
            let mut data = page!(
                entries,
                |r| r.entry.id,
                vec![
                    show_local(r.entry.created_at),
                    r.actor_name.clone(),
                    format!("{} #{}", r.entry.entity, r.entry.record_id),
                    r.entry.action.clone(),
                ]
            );
            // The Changes cell is the panel's lines on one line.
            for (cells, lines) in data.rows.iter_mut().zip(&previews) {
                cells.push(lines.join("; "));
            }
            data.previews = previews;
            data
        }
    })
}

fn archived_mark(s: &str, archived: bool) -> String {
    if archived {
        format!("{s} [archived]")
    } else {
        s.to_string()
    }
}

/// Multi-line values (notes) on one table line.
pub fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ⏎ ")
}
