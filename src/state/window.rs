//! The rows of a table held in memory: one or more windows read from the
//! database, side by side in list order. A window read on from the first or last
//! row's place in the sort ([`Join`]) is joined on, so scrolling past the loaded
//! rows goes on without a jump; the far side is let go beyond [`KEEP`] rows.

use crate::services::query::{group_thousands, Cursor};

/// How many rows are kept loaded at most (a few windows).
pub const KEEP: usize = 600;

/// Where a window goes among the rows already loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Join {
    /// It replaces them (a first read, a jump, a reload).
    #[default]
    Replace,
    /// It continues after the last row.
    Append,
    /// It continues before the first row.
    Prepend,
}

/// One window as read: how many rows, and where its first and last rows stand
/// in the sort (to read on from them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chunk {
    pub len: usize,
    pub first: Option<Cursor>,
    pub last: Option<Cursor>,
}

/// The owner (client's sales contact), support and signed state of a row, so the
/// table offers `e`, `s`, `p` only on rows the policy lets this user change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowFacts {
    pub owner: Option<i64>,
    pub support: Option<i64>,
    pub signed: bool,
    /// A contract with something paid.
    pub paid: bool,
    /// A collaborator row's role.
    pub role: Option<crate::domain::Role>,
    /// A notification not read yet.
    pub unread: bool,
    /// Archived rows are read-only until restored.
    pub archived: bool,
}

/// The loaded rows, as text, with ids to open them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageData {
    /// Position of the first row in the list (from the end when `from_end`).
    pub offset: usize,
    pub rows: Vec<Vec<String>>,
    pub ids: Vec<i64>,
    /// Per row, what the policy needs to decide which keys to offer on it.
    pub facts: Vec<RowFacts>,
    /// Per row, text too long for its cell, shown whole under the table for the
    /// selected row (the audit's before → after); empty on other screens.
    pub previews: Vec<Vec<String>>,
    pub total: usize,
    pub capped: bool,
    /// The windows the rows came in, in order.
    pub chunks: Vec<Chunk>,
    /// How this page goes with the rows loaded before it.
    pub join: Join,
    /// `offset` counts from the end of the list (the end read while the total
    /// was capped).
    pub from_end: bool,
}

impl PageData {
    /// `1 204`, or `10 000+` while only a capped count is known.
    pub fn total_label(&self) -> String {
        let n = group_thousands(self.total as i64);
        if self.capped {
            format!("{n}+")
        } else {
            n
        }
    }

    /// Position just after the last loaded row.
    pub fn end(&self) -> usize {
        self.offset + self.rows.len()
    }

    /// Where the first loaded row stands in the sort.
    pub fn first_cursor(&self) -> Option<&Cursor> {
        self.chunks.first().and_then(|c| c.first.as_ref())
    }

    /// Where the last loaded row stands in the sort.
    pub fn last_cursor(&self) -> Option<&Cursor> {
        self.chunks.last().and_then(|c| c.last.as_ref())
    }

    /// Joins `next` on after the last row (it starts where these end); the first
    /// windows are let go while more than [`KEEP`] rows are held, unless the
    /// row at `keep` is in them. Totals are `next`'s.
    pub fn append(&mut self, next: PageData, keep: usize) {
        self.total = next.total;
        self.capped = next.capped;
        self.rows.extend(next.rows);
        self.ids.extend(next.ids);
        self.facts.extend(next.facts);
        self.previews.extend(next.previews);
        self.chunks.extend(next.chunks);
        while self.rows.len() > KEEP && self.chunks.len() > 1 {
            let n = self.chunks[0].len.min(self.rows.len());
            if keep < self.offset + n {
                break;
            }
            self.drop_front(n);
            self.chunks.remove(0);
        }
    }

    /// Joins `prev` on before the first row (it ends where these start); the
    /// last windows are let go as in [`PageData::append`].
    pub fn prepend(&mut self, prev: PageData, keep: usize) {
        let mut next = std::mem::replace(self, prev);
        self.total = next.total;
        self.capped = next.capped;
        self.rows.append(&mut next.rows);
        self.ids.append(&mut next.ids);
        self.facts.append(&mut next.facts);
        self.previews.append(&mut next.previews);
        self.chunks.append(&mut next.chunks);
        while self.rows.len() > KEEP && self.chunks.len() > 1 {
            let n = self.chunks.last().map_or(0, |c| c.len).min(self.rows.len());
            if keep >= self.end() - n {
                break;
            }
            let cut = self.rows.len() - n;
            self.rows.truncate(cut);
            self.ids.truncate(cut);
            self.facts.truncate(cut.min(self.facts.len()));
            self.previews.truncate(cut.min(self.previews.len()));
            self.chunks.pop();
        }
    }

    fn drop_front(&mut self, n: usize) {
        self.rows.drain(..n);
        self.ids.drain(..n.min(self.ids.len()));
        self.facts.drain(..n.min(self.facts.len()));
        self.previews.drain(..n.min(self.previews.len()));
        self.offset += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(offset: usize, ids: std::ops::Range<i64>) -> PageData {
        let cursor = |id: i64| Cursor { key: vec![], id };
        PageData {
            offset,
            rows: ids.clone().map(|i| vec![i.to_string()]).collect(),
            ids: ids.clone().collect(),
            total: 10_000,
            chunks: vec![Chunk {
                len: ids.clone().count(),
                first: Some(cursor(ids.start)),
                last: Some(cursor(ids.end - 1)),
            }],
            ..PageData::default()
        }
    }

    #[test]
    fn windows_join_and_the_far_side_is_let_go() {
        let mut p = window(0, 0..200);
        p.append(window(200, 200..400), 250);
        p.append(window(400, 400..600), 450);
        assert_eq!((p.offset, p.rows.len()), (0, 600));
        p.append(window(600, 600..800), 650);
        assert_eq!((p.offset, p.rows.len()), (200, 600));
        assert_eq!(p.ids.first(), Some(&200));
        assert_eq!(p.first_cursor().map(|c| c.id), Some(200));
        assert_eq!(p.last_cursor().map(|c| c.id), Some(799));
        p.prepend(window(0, 0..200), 150);
        assert_eq!((p.offset, p.end()), (0, 600));
        assert_eq!(p.ids[150], 150);
        assert_eq!(p.last_cursor().map(|c| c.id), Some(599));
    }
}
