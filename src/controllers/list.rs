//! The table of each screen: which filters are on, which window of rows is loaded,
//! and how a query becomes rows of text. Queries are plain data ([`ListQuery`]) so
//! they can run on the loader thread; [`fetch`] is the only place that calls the
//! list services.

use ratatui::layout::Constraint;

use crate::action::Screen;
use crate::db::repo::audit::AuditFilter;
use crate::db::repo::clients::{ClientFilter, ClientSort};
use crate::db::repo::collaborators::{CollaboratorFilter, CollaboratorSort};
use crate::db::repo::contracts::{ContractFilter, ContractSort};
use crate::db::repo::events::{EventFilter, EventSort, TimeWindow};
use crate::db::repo::{group_thousands, ListParams};
use crate::domain::time::show_local;
use crate::domain::Cents;
use crate::error::Result;
use crate::session::Session;
use crate::Crm;

/// How many rows one fetch loads around the selection.
pub const WINDOW: usize = 200;

/// How close to the edge of the loaded rows the next window is asked for.
pub const PREFETCH: usize = 40;

/// The hotkey filters of SPEC §3/§5. Each screen reads the ones it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub mine: bool,
    pub unsigned: bool,
    pub balance_due: bool,
    pub without_support: bool,
    pub window: TimeWindow,
    pub show_archived: bool,
    /// The audit trail of one record (entity name, id), from its detail view.
    pub record: Option<(String, i64)>,
}

impl Filters {
    /// The labels shown in the table title and the status bar.
    pub fn labels(&self, screen: Screen) -> Vec<String> {
        let mut out = Vec::new();
        fn add(out: &mut Vec<String>, on: bool, s: &str) {
            if on {
                out.push(s.to_string());
            }
        }
        match screen {
            Screen::Clients => add(&mut out, self.mine, "my clients"),
            Screen::Contracts => {
                add(&mut out, self.unsigned, "not signed");
                add(&mut out, self.balance_due, "balance due");
                add(&mut out, self.mine, "my clients");
            }
            Screen::Events => {
                add(&mut out, self.without_support, "without support");
                add(&mut out, self.mine, "assigned to me");
                add(
                    &mut out,
                    self.window != TimeWindow::All,
                    self.window.label(),
                );
            }
            Screen::Audit => {
                if let Some((e, id)) = &self.record {
                    out.push(format!("history of {e} #{id}"));
                }
            }
            _ => {}
        }
        add(
            &mut out,
            self.show_archived
                && matches!(screen, Screen::Clients | Screen::Contracts | Screen::Events),
            "with archived",
        );
        out
    }
}

/// Everything needed to load one window of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub screen: Screen,
    pub filter_text: String,
    pub filters: Filters,
    pub sort: usize,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
    pub me: i64,
    /// Count exactly rather than stopping at 10 000 (for jumping to the end).
    pub exact_count: bool,
}

/// One loaded window of rows, as text, with ids to open them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageData {
    pub offset: usize,
    pub rows: Vec<Vec<String>>,
    pub ids: Vec<i64>,
    /// Per row, what the policy needs to decide which keys to offer on it.
    pub facts: Vec<RowFacts>,
    pub total: usize,
    pub capped: bool,
}

/// The owner (client's sales contact), support and signed state of a row, so the
/// table offers `e`, `s`, `p` only on rows the policy lets this user change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowFacts {
    pub owner: Option<i64>,
    pub support: Option<i64>,
    pub signed: bool,
    /// A collaborator row's role.
    pub role: Option<crate::domain::Role>,
}

impl PageData {
    pub fn total_label(&self) -> String {
        let n = group_thousands(self.total as i64);
        if self.capped {
            format!("{n}+")
        } else {
            n
        }
    }
}

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
            page!(
                crm.list_audit(
                    session,
                    &AuditFilter {
                        record: q.filters.record.clone(),
                        actor: None
                    },
                    &p
                )?,
                |r| r.entry.id,
                vec![
                    show_local(r.entry.created_at),
                    r.actor_name.clone(),
                    format!("{} #{}", r.entry.entity, r.entry.record_id),
                    r.entry.action.clone(),
                    r.changes
                        .iter()
                        .map(|c| match (&c.before, &c.after) {
                            (Some(b), Some(a)) =>
                                format!("{}: {} → {}", c.field, one_line(b), one_line(a)),
                            (None, Some(a)) => format!("{}: {}", c.field, one_line(a)),
                            (Some(b), None) => format!("{}: {} → ∅", c.field, one_line(b)),
                            (None, None) => c.field.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            )
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

/// One table's state: filters, sort, the loaded window and the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    pub screen: Screen,
    pub filter_text: String,
    pub editing_filter: bool,
    pub filters: Filters,
    /// Index into [`sort_columns`].
    pub sort: usize,
    pub descending: bool,
    pub page: PageData,
    /// Absolute index of the selected row.
    pub selected: usize,
    /// Absolute index of the first row on screen.
    pub top: usize,
    /// Bumped on every change of query; results of older queries are dropped.
    pub generation: u64,
    pub loading: bool,
    /// Set when the rows on screen are stale and a fetch is due.
    pub dirty: bool,
    pub exact_count: bool,
}

impl ListState {
    pub fn new(screen: Screen) -> ListState {
        ListState {
            screen,
            filter_text: String::new(),
            editing_filter: false,
            filters: Filters::default(),
            sort: 0,
            descending: false,
            page: PageData::default(),
            selected: 0,
            top: 0,
            generation: 0,
            loading: false,
            dirty: true,
            exact_count: false,
        }
    }

    /// The query for the window around the selection.
    pub fn query(&self, me: i64) -> ListQuery {
        let offset = self.selected.saturating_sub(WINDOW / 4);
        ListQuery {
            screen: self.screen,
            filter_text: self.filter_text.clone(),
            filters: self.filters.clone(),
            sort: self.sort,
            descending: self.descending,
            offset,
            limit: WINDOW,
            me,
            exact_count: self.exact_count,
        }
    }

    /// The query changed (filter, sort): back to the top, fetch again.
    pub fn requery(&mut self) {
        self.selected = 0;
        self.top = 0;
        self.invalidate();
    }

    /// Same query, rows are stale (after a write, a reload).
    pub fn invalidate(&mut self) {
        self.generation += 1;
        self.dirty = true;
    }

    /// Takes a result if it answers the current generation.
    pub fn accept(&mut self, generation: u64, page: PageData) -> bool {
        if generation != self.generation {
            return false;
        }
        self.page = page;
        self.loading = false;
        self.exact_count = false;
        let total = self.page.total;
        if total == 0 {
            self.selected = 0;
        } else if self.selected >= total {
            self.selected = total - 1;
        }
        true
    }

    /// True when the selection has left the loaded window, or come within
    /// [`PREFETCH`] rows of an edge beyond which there are more rows: the next
    /// window is fetched while the current one is still on screen.
    pub fn needs_window(&self) -> bool {
        let p = &self.page;
        if p.total == 0 {
            return false;
        }
        let end = p.offset + p.rows.len();
        let outside = self.selected < p.offset || self.selected >= end;
        let near_end = end < p.total && self.selected + PREFETCH >= end;
        let near_start = p.offset > 0 && self.selected < p.offset + PREFETCH;
        outside || near_end || near_start
    }

    /// Moves the selection by `delta` rows, clamped; asks for another window when
    /// it leaves the loaded one.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.page.total.saturating_sub(1);
        let s = self.selected as isize + delta;
        self.selected = s.clamp(0, last as isize) as usize;
        if self.needs_window() {
            self.invalidate();
        }
    }

    pub fn to_top(&mut self) {
        self.selected = 0;
        if self.needs_window() {
            self.invalidate();
        }
    }

    /// To the last row; when only a capped count is known, count exactly first.
    pub fn to_bottom(&mut self) {
        if self.page.capped {
            self.exact_count = true;
            self.selected = usize::MAX / 2;
            self.invalidate();
            return;
        }
        self.selected = self.page.total.saturating_sub(1);
        if self.needs_window() {
            self.invalidate();
        }
    }

    /// Keeps the selection on screen for a viewport of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + h {
            self.top = self.selected + 1 - h;
        }
    }

    /// The policy facts of the selected row, if loaded.
    pub fn selected_facts(&self) -> Option<RowFacts> {
        self.selected
            .checked_sub(self.page.offset)
            .and_then(|i| self.page.facts.get(i))
            .copied()
    }

    /// The id of the selected row, if loaded.
    pub fn selected_id(&self) -> Option<i64> {
        self.selected
            .checked_sub(self.page.offset)
            .and_then(|i| self.page.ids.get(i))
            .copied()
    }

    /// The title: `Events · without support · 3 of 1 204`.
    pub fn title(&self, all_total: Option<&str>) -> String {
        let mut parts = vec![self.screen.title().to_string()];
        parts.extend(self.filters.labels(self.screen));
        if !self.filter_text.trim().is_empty() {
            parts.push(format!("\"{}\"", self.filter_text.trim()));
        }
        let count = if self.loading && self.page.rows.is_empty() {
            "…".to_string()
        } else {
            match all_total {
                Some(all) if all != self.page.total_label() => {
                    format!("{} of {all}", self.page.total_label())
                }
                _ => self.page.total_label(),
            }
        };
        parts.push(count);
        if self.loading && !self.page.rows.is_empty() {
            parts.push("loading…".to_string());
        }
        parts.join(" · ")
    }

    /// The rows on screen and the index of the selected one among them.
    pub fn visible(&self, height: usize) -> (&[Vec<String>], Option<usize>) {
        let p = &self.page;
        let start = self.top.saturating_sub(p.offset).min(p.rows.len());
        let end = (start + height).min(p.rows.len());
        let sel = self
            .selected
            .checked_sub(self.top)
            .filter(|s| *s < end - start);
        (&p.rows[start..end], sel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_states_filters_and_counts() {
        let mut l = ListState::new(Screen::Events);
        l.filters.without_support = true;
        l.page.total = 3;
        assert_eq!(
            l.title(Some("1 204")),
            "Events · without support · 3 of 1 204"
        );
    }

    #[test]
    fn moving_past_the_window_asks_for_rows() {
        let mut l = ListState::new(Screen::Clients);
        l.page = PageData {
            offset: 0,
            rows: vec![vec![]; 200],
            ids: (0..200).collect(),
            facts: Vec::new(),
            total: 1000,
            capped: false,
        };
        l.dirty = false;
        l.move_by(150);
        assert!(!l.dirty);
        l.move_by(20);
        assert!(l.dirty, "prefetch within {PREFETCH} rows of the end");
        assert_eq!(l.query(1).offset, 170 - WINDOW / 4);
    }
}
