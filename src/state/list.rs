//! The table of each screen: which filters are on, which window of rows is loaded,
//! where the selection is. Queries are plain data ([`ListQuery`]) so they can run
//! on the worker (`controllers::fetch`).

use std::time::{Duration, Instant};

use crate::action::Screen;
use crate::services::query::{group_thousands, At, TimeWindow};

pub use super::window::{Chunk, Join, PageData, RowFacts};

/// How many rows one fetch loads around the selection.
pub const WINDOW: usize = 200;

/// How close to the edge of the loaded rows the next window is asked for.
pub const PREFETCH: usize = 40;

/// How long a list stays still before its matches are counted exactly: a
/// full count takes the worker ~80–130 ms at 1 000 000 rows, and a key typed
/// meanwhile would wait for it.
pub const COUNT_DELAY: Duration = Duration::from_millis(300);

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
    /// Notifications not read yet, only.
    pub unread_only: bool,
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
            Screen::Notifications => add(&mut out, self.unread_only, "unread"),
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
    /// Where the read starts: from `offset`, on from a loaded row, or the end.
    pub at: At,
}

impl ListQuery {
    /// The same filters, counted exactly, no rows (for the background count).
    pub fn count_only(&self) -> ListQuery {
        ListQuery {
            offset: 0,
            limit: 0,
            exact_count: true,
            at: At::Offset,
            ..self.clone()
        }
    }

    /// What the count depends on: the filters and the text, not the sort.
    pub fn count_key(&self) -> CountKey {
        (self.filter_text.trim().to_string(), self.filters.clone())
    }

    /// How the answer goes with the rows loaded before.
    pub fn join(&self) -> Join {
        match self.at {
            At::After(_) => Join::Append,
            At::Before(_) => Join::Prepend,
            At::Offset | At::FromEnd => Join::Replace,
        }
    }
}

/// The filters a count was made for.
pub type CountKey = (String, Filters);

/// One table's state: filters, sort, the loaded window and the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    pub screen: Screen,
    pub filter_text: String,
    pub editing_filter: bool,
    /// Characters of `filter_text` after the cursor (0: at the end), so text
    /// set elsewhere leaves the cursor at its end; see `state::form::edit`.
    pub filter_back: usize,
    pub filters: Filters,
    /// Index into the screen's sort columns (`controllers::fetch::sort_columns`).
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
    /// The loaded rows answer the current filters and sort, so reads can go on
    /// from their first or last row (false once the query changed).
    pub keyed: bool,
    /// The loaded rows may have changed in the database (a write, a reload):
    /// the next read replaces them rather than going on from them.
    pub stale: bool,
    /// `G` was pressed: the next read is the end of the list, and the
    /// selection its last row.
    pub to_end: bool,
    /// The exact number of matches of these filters, once counted: it stands
    /// in for a capped count ("1 024 of 1 000 000").
    pub exact: Option<(CountKey, usize)>,
    /// Only a capped count of these rows is known (or the rows may have
    /// changed since the exact one): the worker is to count them from then,
    /// once the list has been still for [`COUNT_DELAY`].
    pub count_due: Option<Instant>,
    /// A notification to mark read (`true`) or unread, asked for on its row
    /// and sent to the worker at the next tick.
    pub mark: Option<(i64, bool)>,
    /// An export of this list was asked for (sent to the worker at the next
    /// tick).
    pub export: bool,
}

impl ListState {
    pub fn new(screen: Screen) -> ListState {
        ListState {
            screen,
            filter_text: String::new(),
            editing_filter: false,
            filter_back: 0,
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
            keyed: false,
            stale: true,
            to_end: false,
            exact: None,
            count_due: None,
            mark: None,
            export: false,
        }
    }

    /// The query for the rows the selection needs: on from the last (first)
    /// loaded row when it is near the end (start) of them, the end of the list
    /// for `G`, else a window around the selection.
    pub fn query(&self, me: i64) -> ListQuery {
        let (at, offset) = self.plan();
        let exact_count = self.exact_count
            || (matches!(at, At::FromEnd) && self.page.capped && self.exact_total().is_none());
        ListQuery {
            screen: self.screen,
            filter_text: self.filter_text.clone(),
            filters: self.filters.clone(),
            sort: self.sort,
            descending: self.descending,
            offset,
            limit: WINDOW,
            me,
            exact_count,
            at,
        }
    }

    fn plan(&self) -> (At, usize) {
        let p = &self.page;
        let total_known = !p.capped;
        if self.to_end {
            return (At::FromEnd, 0);
        }
        let s = self.selected;
        if self.keyed && !self.stale && !p.rows.is_empty() {
            let end = p.end();
            let more_after = p.capped || end < p.total;
            if more_after && s + PREFETCH >= end && s < end + WINDOW {
                if let Some(c) = p.last_cursor() {
                    return (At::After(c.clone()), end);
                }
            }
            if p.offset > 0 && s < p.offset + PREFETCH && s + WINDOW >= p.offset {
                if let Some(c) = p.first_cursor() {
                    return (At::Before(c.clone()), p.offset);
                }
            }
        }
        if total_known && p.total > WINDOW && s + WINDOW * 3 / 4 >= p.total {
            return (At::FromEnd, 0);
        }
        (At::Offset, s.saturating_sub(WINDOW / 4))
    }

    /// The query for the exact count of these filters, when it is due and
    /// not asked for yet (the worker counts in the background); marks it asked.
    pub fn count_wanted(&mut self, me: i64, now: Instant) -> Option<ListQuery> {
        if self.count_due.is_none_or(|t| t > now) || self.loading || self.dirty {
            return None;
        }
        self.count_due = None;
        Some(self.query(me).count_only())
    }

    /// The answer of a background count: replaces a capped total of the same
    /// filters.
    pub fn counted(&mut self, key: CountKey, total: usize) {
        let current = (self.filter_text.trim().to_string(), self.filters.clone());
        if key != current {
            return;
        }
        self.exact = Some((key, total));
        if self.page.capped {
            self.page.total = total;
            self.page.capped = false;
        }
    }

    /// The exact count of the current filters, if known.
    fn exact_total(&self) -> Option<usize> {
        let (key, n) = self.exact.as_ref()?;
        (key.0 == self.filter_text.trim() && key.1 == self.filters).then_some(*n)
    }

    /// The query changed (filter, sort): back to the top, fetch again.
    pub fn requery(&mut self) {
        self.selected = 0;
        self.top = 0;
        self.keyed = false;
        self.to_end = false;
        self.invalidate();
    }

    /// Same query, rows are stale (after a write, a reload).
    pub fn invalidate(&mut self) {
        self.stale = true;
        self.want_rows();
    }

    /// Same query, same rows: more of them are needed.
    fn want_rows(&mut self) {
        self.generation += 1;
        self.dirty = true;
    }

    /// Takes a result if it answers the current generation. A window that goes
    /// on from the loaded rows is joined on even when keys have moved the
    /// selection since it was asked for (the newest query goes out next).
    pub fn accept(&mut self, generation: u64, page: PageData) -> bool {
        if generation != self.generation {
            if self.keyed && !self.stale && page.join != Join::Replace {
                self.join(page);
            }
            return false;
        }
        let fresh = self.stale;
        let capped = page.capped;
        self.loading = false;
        self.exact_count = false;
        if self.keyed && page.join != Join::Replace {
            self.join(page);
        } else {
            self.page = page;
            self.fix_totals();
        }
        self.keyed = true;
        self.stale = false;
        if capped && (fresh || self.exact_total().is_none()) {
            // Count (again: the rows may have changed), keeping the last
            // count on show until then.
            self.count_due = Some(Instant::now() + COUNT_DELAY);
        }
        let total = self.page.total;
        if std::mem::take(&mut self.to_end) {
            self.selected = total.saturating_sub(1);
        }
        if total == 0 {
            self.selected = 0;
        } else if self.selected >= total {
            self.selected = total - 1;
        }
        true
    }

    /// An exact total stands in for a capped one; an exact total read is kept;
    /// a window read from the end of a capped list gets its position from the
    /// exact count.
    fn fix_totals(&mut self) {
        let p = &mut self.page;
        if !p.capped {
            self.exact = Some((
                (self.filter_text.trim().to_string(), self.filters.clone()),
                p.total,
            ));
        } else if let Some((_, n)) = self
            .exact
            .as_ref()
            .filter(|(k, _)| k.0 == self.filter_text.trim() && k.1 == self.filters)
        {
            p.total = *n;
            p.capped = false;
        }
        if std::mem::take(&mut p.from_end) && !p.capped {
            p.offset = p.total.saturating_sub(p.offset + p.rows.len());
        }
    }

    /// Joins a window read on from the loaded rows, if it starts (ends) where
    /// they end (start); anything else is a stale answer and is dropped.
    fn join(&mut self, mut page: PageData) {
        let old = &self.page;
        let fits = match page.join {
            Join::Append => page.offset == old.end(),
            Join::Prepend => page.offset + page.rows.len() == old.offset,
            Join::Replace => false,
        };
        if !fits || page.rows.is_empty() {
            return;
        }
        let exact = self.exact_total();
        if let (true, Some(n)) = (page.capped, exact) {
            page.total = n;
            page.capped = false;
        }
        if page.join == Join::Append {
            self.page.append(page, self.selected);
        } else {
            self.page.prepend(page, self.selected);
        }
    }

    /// True when the selection has left the loaded window, or come within
    /// [`PREFETCH`] rows of an edge beyond which there are more rows: the next
    /// window is fetched while the current one is still on screen.
    pub fn needs_window(&self) -> bool {
        let p = &self.page;
        if p.total == 0 {
            return false;
        }
        let end = p.end();
        let outside = self.selected < p.offset || self.selected >= end;
        let near_end = (end < p.total || p.capped) && self.selected + PREFETCH >= end;
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
            self.want_rows();
        }
    }

    pub fn to_top(&mut self) {
        self.selected = 0;
        self.to_end = false;
        if self.needs_window() {
            self.want_rows();
        }
    }

    /// To the last row: read from the end of the list unless it is loaded.
    pub fn to_bottom(&mut self) {
        let p = &self.page;
        if !p.capped && p.end() >= p.total {
            self.selected = p.total.saturating_sub(1);
            return;
        }
        self.to_end = true;
        self.want_rows();
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

    /// The whole-text lines of the selected row, if its screen has them.
    pub fn selected_preview(&self) -> Option<&[String]> {
        self.selected
            .checked_sub(self.page.offset)
            .and_then(|i| self.page.previews.get(i))
            .map(Vec::as_slice)
    }

    /// The id of the selected row, if loaded.
    pub fn selected_id(&self) -> Option<i64> {
        self.selected
            .checked_sub(self.page.offset)
            .and_then(|i| self.page.ids.get(i))
            .copied()
    }

    /// The title: `Events · without support · 3 of 103 (1 204 in all)`: the
    /// selected row's position among the matches, and all rows when filtered.
    pub fn title(&self, all_total: Option<&str>) -> String {
        let mut parts = vec![self.screen.title().to_string()];
        parts.extend(self.filters.labels(self.screen));
        if !self.filter_text.trim().is_empty() {
            parts.push(format!("\"{}\"", self.filter_text.trim()));
        }
        let count = if self.loading && self.page.rows.is_empty() {
            "…".to_string()
        } else {
            let total = self.page.total_label();
            let here = if self.page.total == 0 {
                total.clone()
            } else {
                format!("{} of {total}", group_thousands(self.selected as i64 + 1))
            };
            // The unfiltered count leaves archived records out: beside a list
            // that shows them it would read as less than the list.
            match all_total {
                Some(all) if all != total && !self.filters.show_archived => {
                    format!("{here} ({all} in all)")
                }
                _ => here,
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
    use crate::services::query::Cursor;

    #[test]
    fn title_states_filters_position_and_counts() {
        let mut l = ListState::new(Screen::Events);
        l.filters.without_support = true;
        l.page.total = 3;
        l.selected = 1;
        assert_eq!(
            l.title(Some("1 204")),
            "Events · without support · 2 of 3 (1 204 in all)"
        );
        l.page.total = 10_000;
        l.page.capped = true;
        l.selected = 1023;
        assert_eq!(l.title(None), "Events · without support · 1 024 of 10 000+");
        l.counted((String::new(), l.filters.clone()), 1_000_000);
        assert_eq!(
            l.title(None),
            "Events · without support · 1 024 of 1 000 000"
        );
    }

    #[test]
    fn a_capped_count_is_refined_once_the_list_is_still() {
        let mut l = ListState::new(Screen::Events);
        assert!(l.accept(
            0,
            PageData {
                rows: vec![vec![]; 10],
                ids: (0..10).collect(),
                total: 10_000,
                capped: true,
                ..PageData::default()
            }
        ));
        l.dirty = false;
        let now = Instant::now();
        assert!(l.count_wanted(1, now).is_none(), "not at once");
        let q = l.count_wanted(1, now + COUNT_DELAY).expect("then");
        assert!(q.exact_count && q.limit == 0);
        assert!(l.count_wanted(1, now + COUNT_DELAY * 2).is_none(), "once");
    }

    fn loaded(offset: usize, n: usize, total: usize) -> ListState {
        let mut l = ListState::new(Screen::Clients);
        let cursor = |id: usize| Cursor {
            key: vec![],
            id: id as i64,
        };
        assert!(l.accept(
            0,
            PageData {
                offset,
                rows: vec![vec![]; n],
                ids: (offset as i64..(offset + n) as i64).collect(),
                total,
                chunks: vec![Chunk {
                    len: n,
                    first: Some(cursor(offset)),
                    last: Some(cursor(offset + n - 1)),
                }],
                ..PageData::default()
            }
        ));
        l.dirty = false;
        l.selected = offset;
        l
    }

    #[test]
    fn moving_past_the_window_reads_on_from_its_edges() {
        let mut l = loaded(0, 200, 1000);
        l.move_by(150);
        assert!(!l.dirty);
        l.move_by(20);
        assert!(l.dirty, "prefetch within {PREFETCH} rows of the end");
        let q = l.query(1);
        assert_eq!((q.join(), q.offset), (Join::Append, 200));
        assert!(matches!(q.at, At::After(Cursor { id: 199, .. })));

        let mut l = loaded(400, 200, 1000);
        l.move_by(10);
        let q = l.query(1);
        assert_eq!((q.join(), q.offset), (Join::Prepend, 400));
        assert!(matches!(q.at, At::Before(Cursor { id: 400, .. })));

        l.to_bottom();
        assert_eq!(l.query(1).at, At::FromEnd);
        l.invalidate();
        l.to_end = false;
        l.selected = 450;
        assert_eq!(l.query(1).join(), Join::Replace, "a reload reads again");
    }
}
