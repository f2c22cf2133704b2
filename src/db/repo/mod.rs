//! Queries, one module per table, query builder only. Every list is filtered,
//! sorted and paged in the database; writes take a [`crate::policy::Permit`].

pub mod audit;
pub mod clients;
pub mod collaborators;
pub mod contracts;
pub mod events;
pub mod list;
pub mod notifications;
pub mod payments;
pub mod sessions;
pub mod sheet_refs;

use crate::db::DbConnection;

pub use crate::db::repo::list::{At, Cursor, KeyValue, ListRequest};

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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// The position of the first row (see `from_end`).
    pub offset: i64,
    /// Matching rows, at most [`COUNT_CAP`].
    pub total: i64,
    /// True when more than [`COUNT_CAP`] rows match.
    pub total_capped: bool,
    /// Where the first and last rows stand in the sort: continue with
    /// [`crate::db::repo::list::At::Before`]`(first)` / [`crate::db::repo::list::At::After`]`(last)`.
    pub first: Option<crate::db::repo::list::Cursor>,
    pub last: Option<crate::db::repo::list::Cursor>,
    /// True when `offset` counts from the end of the list (a read from the end
    /// whose total is capped): the rows end `offset` rows before the last.
    pub from_end: bool,
}

impl<T> Page<T> {
    /// No rows; `total` matches.
    pub fn empty(offset: i64, total: i64) -> Page<T> {
        Page {
            rows: Vec::new(),
            offset,
            total,
            total_capped: false,
            first: None,
            last: None,
            from_end: false,
        }
    }

    pub(crate) fn capped(mut self, capped: bool) -> Page<T> {
        self.total_capped = capped;
        self
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            offset: self.offset,
            total: self.total,
            total_capped: self.total_capped,
            first: self.first,
            last: self.last,
            from_end: self.from_end,
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
    fn groups() {
        assert_eq!(group_thousands(1204), "1 204");
        assert_eq!(group_thousands(10_000), "10 000");
        assert_eq!(group_thousands(12), "12");
    }
}
