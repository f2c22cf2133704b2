//! Queries, one module per table, query builder only. Every list is filtered,
//! sorted and paged in the database; writes take a [`crate::policy::Permit`].

pub mod audit;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod notifications;
pub mod payments;
pub mod sessions;
pub mod sheet_refs;

use crate::db::DbConnection;

/// The backend type queries are built for.
pub type Dbb = <DbConnection as diesel::Connection>::Backend;

/// Counts stop here: past it the screen shows "10 000+" rather than scanning.
pub const COUNT_CAP: i64 = 10_000;

/// Paging, sorting and free-text terms common to every list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ListParams {
    /// Folded terms; all must match.
    pub terms: Vec<String>,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
    pub include_archived: bool,
    /// Count every match instead of stopping at [`COUNT_CAP`] (for "go to the end").
    pub exact_count: bool,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            terms: Vec::new(),
            descending: false,
            offset: 0,
            limit: 100,
            include_archived: false,
            exact_count: false,
        }
    }
}

impl ListParams {
    /// Parses typed text into folded terms.
    pub fn with_filter(mut self, text: &str) -> Self {
        self.terms = crate::domain::text::terms(text);
        self
    }
}

/// One page of rows and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub offset: i64,
    /// Matching rows, at most [`COUNT_CAP`].
    pub total: i64,
    /// True when more than [`COUNT_CAP`] rows match.
    pub total_capped: bool,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            offset: self.offset,
            total: self.total,
            total_capped: self.total_capped,
        }
    }

    /// "1 204" or "10 000+".
    pub fn total_label(&self) -> String {
        let n = group_thousands(self.total);
        if self.total_capped {
            format!("{n}+")
        } else {
            n
        }
    }
}

/// 1204 → "1 204".
pub fn group_thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The total for a page: exact below the cap.
pub(crate) fn capped(ids_len: usize) -> (i64, bool) {
    let n = ids_len as i64;
    if n > COUNT_CAP {
        (COUNT_CAP, true)
    } else {
        (n, false)
    }
}

/// True when `matched` (loaded with a limit of [`COUNT_CAP`] + 1) holds every match:
/// the page is then sorted from those rows alone. Otherwise the matches are many, and
/// the page is found by walking the sort's index and testing each row, which reaches
/// a page's rows early.
pub(crate) fn all_known(matched: &[i64]) -> bool {
    matched.len() as i64 <= COUNT_CAP
}

/// Which of the sorted matches a page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub offset: i64,
    pub limit: i64,
    /// Read in the opposite order (then reverse the rows): from the end.
    pub reversed: bool,
}

impl Window {
    /// The page's window given the total: none when the page starts past an exact
    /// total; read backwards from the end when the page lies in the second half of
    /// an exact total, so walking to the last rows skips few index entries (every
    /// sort ends with the id, so the reversed order is exactly the reverse).
    pub(crate) fn of(p: &ListParams, total: i64, total_capped: bool) -> Option<Window> {
        let forward = Window {
            offset: p.offset,
            limit: p.limit,
            reversed: false,
        };
        if total_capped || p.limit < 0 {
            return Some(forward);
        }
        if p.offset >= total {
            return None;
        }
        if p.offset <= total / 2 {
            return Some(forward);
        }
        let end = p.offset.saturating_add(p.limit).min(total);
        Some(Window {
            offset: total - end,
            limit: end - p.offset,
            reversed: true,
        })
    }

    /// The ids read through this window, in the list's order.
    pub(crate) fn in_list_order(&self, mut ids: Vec<i64>) -> Vec<i64> {
        if self.reversed {
            ids.reverse();
        }
        ids
    }
}

/// Rows loaded by `id IN (…)`, put back in the order of `ids`.
pub(crate) fn in_order<T>(ids: &[i64], rows: Vec<T>, id: impl Fn(&T) -> i64) -> Vec<T> {
    let mut by_id: std::collections::HashMap<i64, T> =
        rows.into_iter().map(|r| (id(&r), r)).collect();
    ids.iter().filter_map(|i| by_id.remove(i)).collect()
}

/// Applies a list's free-text terms as `%term%` patterns only (no trigram index),
/// for walking an index in sort order.
#[macro_export]
macro_rules! apply_like_terms {
    ($query:ident, $terms:expr, $search:expr) => {{
        for p in $crate::db::search::like_patterns($terms) {
            $query = $query.filter($search.like(p).escape('\\'));
        }
    }};
}

/// Applies a list's free-text terms to a boxed query on the table `$t`
/// (`clients`, `contracts` or `events`) whose `search` column is `$search`.
#[macro_export]
macro_rules! apply_terms {
    ($query:ident, $backend:expr, $terms:expr, $fts_table:literal, $search:expr) => {{
        let plan = $crate::db::search::plan($backend, $terms);
        if let Some(q) = plan.fts_query {
            $query = $query.filter($crate::db::search::fts_clause($fts_table, q));
        }
        for p in plan.like_patterns {
            $query = $query.filter($search.like(p).escape('\\'));
        }
    }};
}

/// After a version-checked update: one row is success; zero is a conflict when the
/// row still exists (`exists` says), "not found" otherwise.
pub(crate) fn expect_one(
    n: usize,
    entity: &'static str,
    id: i64,
    exists: impl FnOnce() -> diesel::QueryResult<Option<i64>>,
) -> crate::Result<()> {
    if n == 1 {
        return Ok(());
    }
    match exists()? {
        Some(_) => Err(crate::Error::Conflict { entity, id }),
        None => Err(crate::Error::NotFound { entity, id }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_the_second_half_from_the_end() {
        let p = |offset, limit| ListParams {
            offset,
            limit,
            ..ListParams::default()
        };
        let fwd = |offset, limit| Window {
            offset,
            limit,
            reversed: false,
        };
        let back = |offset, limit| Window {
            offset,
            limit,
            reversed: true,
        };
        assert_eq!(Window::of(&p(0, 200), 1000, false), Some(fwd(0, 200)));
        assert_eq!(Window::of(&p(500, 200), 1000, false), Some(fwd(500, 200)));
        assert_eq!(Window::of(&p(600, 200), 1000, false), Some(back(200, 200)));
        assert_eq!(Window::of(&p(900, 200), 1000, false), Some(back(0, 100)));
        assert_eq!(Window::of(&p(1000, 200), 1000, false), None);
        assert_eq!(Window::of(&p(i64::MAX - 50, 200), 1000, false), None);
        assert_eq!(Window::of(&p(5000, 200), 1000, true), Some(fwd(5000, 200)));
    }

    #[test]
    fn groups() {
        assert_eq!(group_thousands(1204), "1 204");
        assert_eq!(group_thousands(10_000), "10 000");
        assert_eq!(group_thousands(12), "12");
    }
}
