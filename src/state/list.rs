//! The table of each screen: which filters are on, which window of rows is loaded,
//! where the selection is. Queries are plain data ([`ListQuery`]) so they can run
//! on the worker (`controllers::fetch`).

use crate::action::Screen;
use crate::services::query::group_thousands;
use crate::services::query::TimeWindow;

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
    /// Per row, text too long for its cell, shown whole under the table for the
    /// selected row (the audit's before → after); empty on other screens.
    pub previews: Vec<Vec<String>>,
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

/// One table's state: filters, sort, the loaded window and the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListState {
    pub screen: Screen,
    pub filter_text: String,
    pub editing_filter: bool,
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
            previews: Vec::new(),
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
