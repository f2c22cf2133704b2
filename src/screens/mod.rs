//! The screens, one module each. A table screen says its columns, its sort
//! orders and how it fetches its rows (which service, which filters); a board
//! screen (the dashboard) says how it fetches its sections. The [`REGISTRY`]
//! lists them once; the rest of the app asks it rather than matching on the
//! screen, so a new screen is a new module and a line here.

mod audit;
mod clients;
mod collaborators;
mod contracts;
mod events;
mod notifications;
mod today;

use ratatui::layout::Constraint;

use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::Role;
use crate::error::Result;
use crate::services::query::{ListParams, Page};
use crate::session::Session;
use crate::state::board::BoardData;
use crate::state::list::{Chunk, Filters, ListQuery, PageData, RowFacts};

/// A column: header, width, right-aligned.
pub type ColumnDef = (&'static str, Constraint, bool);

/// What a table screen is.
pub trait TableScreen: Sync {
    fn screen(&self) -> Screen;
    /// Headers, widths and alignment: fixed widths for dates, ids and money,
    /// the rest shares what is left.
    fn columns(&self) -> Vec<ColumnDef>;
    /// Which column each sort key orders by (`o` cycles through these).
    fn sort_columns(&self) -> &'static [usize] {
        &[0]
    }
    /// Whether the natural order is newest first (its "ascending" is newest first).
    fn newest_first(&self) -> bool {
        false
    }
    /// Whether the natural order of this list, with these filters and sort key,
    /// is newest first (past events are); the header's arrow follows it.
    fn newest_first_for(&self, _filters: &Filters, _sort: usize) -> bool {
        self.newest_first()
    }
    /// One window of rows, through the services, as text.
    fn fetch(
        &self,
        crm: &dyn CrmApi,
        session: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData>;
    /// Every row of the list with its filters and sort, for an export; `None`
    /// where there is no export of this list.
    fn sheet(
        &self,
        _crm: &dyn CrmApi,
        _session: &Session,
        _q: &ListQuery,
    ) -> Result<Option<crate::export::Sheet>> {
        Ok(None)
    }
}

/// What a board screen is: sections of a few rows each, read in one go.
pub trait BoardScreen: Sync {
    fn screen(&self) -> Screen;
    /// Whether this role starts on it after logging in.
    fn home_for(&self, _role: Role) -> bool {
        true
    }
    /// Every section this user sees, through the services (runs on the worker).
    fn fetch(&self, crm: &dyn CrmApi, session: &Session) -> Result<BoardData>;
}

/// A registered screen.
#[derive(Clone, Copy)]
pub enum Module {
    Table(&'static dyn TableScreen),
    Board(&'static dyn BoardScreen),
}

impl Module {
    pub fn screen(self) -> Screen {
        match self {
            Module::Table(t) => t.screen(),
            Module::Board(b) => b.screen(),
        }
    }
}

/// Every screen, once.
pub static REGISTRY: &[Module] = &[
    Module::Board(&today::Today),
    Module::Table(&clients::Clients),
    Module::Table(&contracts::Contracts),
    Module::Table(&events::Events),
    Module::Table(&collaborators::Collaborators),
    Module::Table(&notifications::Notifications),
    Module::Table(&audit::Audit),
];

/// The table module of `screen` (a board screen has none: the first table
/// answers for it, and nothing asks it for rows).
pub fn of(screen: Screen) -> &'static dyn TableScreen {
    let tables = || {
        REGISTRY.iter().filter_map(|m| match m {
            Module::Table(t) => Some(*t),
            Module::Board(_) => None,
        })
    };
    tables()
        .find(|t| t.screen() == screen)
        .or_else(|| tables().next())
        .unwrap_or(&clients::Clients)
}

/// The board module of `screen`, if it is a board.
pub fn board(screen: Screen) -> Option<&'static dyn BoardScreen> {
    REGISTRY.iter().find_map(|m| match m {
        Module::Board(b) if b.screen() == screen => Some(*b),
        _ => None,
    })
}

/// Where a role starts after logging in: the first board that is its home,
/// else its main list (events for support, clients for the others).
pub fn home(role: Role) -> Screen {
    REGISTRY
        .iter()
        .find_map(|m| match m {
            Module::Board(b) if b.home_for(role) => Some(b.screen()),
            _ => None,
        })
        .unwrap_or(if role == Role::Support {
            Screen::Events
        } else {
            Screen::Clients
        })
}

/// The service parameters of a list query.
pub fn params(q: &ListQuery) -> ListParams {
    ListParams {
        terms: crate::domain::text::terms(&q.filter_text),
        descending: q.descending,
        offset: q.offset as i64,
        limit: q.limit as i64,
        include_archived: q.filters.show_archived,
        exact_count: q.exact_count,
    }
}

/// A service page as rows of text with their ids and policy facts, and where
/// its first and last rows stand in the sort (to read on from them).
fn page<T>(
    q: &ListQuery,
    page: &Page<T>,
    id: impl Fn(&T) -> i64,
    facts: impl Fn(&T) -> RowFacts,
    cells: impl Fn(&T) -> Vec<String>,
) -> PageData {
    PageData {
        offset: page.offset.max(0) as usize,
        ids: page.rows.iter().map(id).collect(),
        facts: page.rows.iter().map(facts).collect(),
        rows: page.rows.iter().map(cells).collect(),
        previews: Vec::new(),
        total: page.total as usize,
        capped: page.total_capped,
        chunks: vec![Chunk {
            len: page.rows.len(),
            first: page.first.clone(),
            last: page.last.clone(),
        }],
        join: q.join(),
        from_end: page.from_end,
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_screen_is_registered_once() {
        for &s in Screen::ALL {
            assert_eq!(REGISTRY.iter().filter(|r| r.screen() == s).count(), 1);
            assert!(of(s).sort_columns().len() <= of(s).columns().len());
            assert_eq!(board(s).is_some(), of(s).screen() != s);
        }
    }
}
