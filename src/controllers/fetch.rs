//! How a list query becomes rows of text, by asking the screen's module in
//! [`crate::screens`]. Runs on the worker.

use crate::action::Screen;
use crate::api::CrmApi;
use crate::error::Result;
use crate::screens::{self, ColumnDef};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData};

pub use crate::screens::one_line;

/// Column headers, widths and alignment of a screen.
pub fn columns(screen: Screen) -> Vec<ColumnDef> {
    screens::of(screen).columns()
}

/// Lists whose natural order is newest first (their "ascending" is newest first).
pub fn newest_first(screen: Screen) -> bool {
    screens::of(screen).newest_first()
}

/// Which column each sort key orders by (`o` cycles through these).
pub fn sort_columns(screen: Screen) -> &'static [usize] {
    screens::of(screen).sort_columns()
}

/// Runs one list query through the services and turns the rows into text.
pub fn fetch(crm: &dyn CrmApi, session: &Session, q: &ListQuery) -> Result<PageData> {
    screens::of(q.screen).fetch(crm, session, q, &screens::params(q))
}
