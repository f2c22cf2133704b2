//! A board screen (the dashboard): a few short sections, each a handful of rows
//! from one list with its count, as plain data. The screen's module fills a
//! [`BoardData`] on the worker; the selection runs through every section's rows
//! as one list, so `j`/`k` move from one section into the next.

use ratatui::layout::Constraint;

use super::list::Filters;
use super::Entity;
use crate::action::Screen;

/// What `Enter` on a row opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// A record's detail view.
    Record(Entity, i64),
    /// A notification: marked read, then what it is about.
    Notification(i64),
}

/// One row of a section: its cells and what it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub cells: Vec<String>,
    pub open: Open,
}

/// Where a section's key leads: a table screen with these filters on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    pub screen: Screen,
    pub filters: Filters,
}

/// One section: a title, how many rows there are in all, the first few rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its number: `Action::Section(number)` jumps to its full list.
    pub number: u8,
    pub title: String,
    /// How many in all ("3", "200+").
    pub count: String,
    /// Column widths of its rows.
    pub widths: Vec<Constraint>,
    pub rows: Vec<BoardRow>,
    /// What it says when there is no row.
    pub empty: String,
    pub jump: Option<Jump>,
}

/// Everything a board shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardData {
    pub sections: Vec<Section>,
}

/// A board on screen: its data, whether it is being read, the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardState {
    pub data: BoardData,
    /// Whether data has arrived at least once.
    pub loaded: bool,
    /// A read is on its way.
    pub loading: bool,
    /// It should be read (again).
    pub dirty: bool,
    /// Bumped by each invalidation: an older answer is not taken.
    pub generation: u64,
    /// Index into all rows of all sections, in order.
    pub selected: usize,
}

impl Default for BoardState {
    fn default() -> Self {
        BoardState {
            data: BoardData::default(),
            loaded: false,
            loading: false,
            dirty: true,
            generation: 0,
            selected: 0,
        }
    }
}

impl BoardState {
    /// Read it again (after a write, on reload, on coming back to it).
    pub fn invalidate(&mut self) {
        self.dirty = true;
        self.generation += 1;
    }

    /// Takes an answer if it is the newest one asked for.
    pub fn accept(&mut self, generation: u64, data: BoardData) -> bool {
        if generation != self.generation {
            return false;
        }
        self.data = data;
        self.loaded = true;
        self.selected = self.selected.min(self.len().saturating_sub(1));
        true
    }

    /// Rows in all sections.
    pub fn len(&self) -> usize {
        self.data.sections.iter().map(|s| s.rows.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn to_end(&mut self, end: bool) {
        self.selected = if end { self.len().saturating_sub(1) } else { 0 };
    }

    /// The selected row, if there is any row.
    pub fn selected_row(&self) -> Option<&BoardRow> {
        self.data
            .sections
            .iter()
            .flat_map(|s| s.rows.iter())
            .nth(self.selected)
    }

    /// The section numbered `number`, if the board shows it.
    pub fn section(&self, number: u8) -> Option<&Section> {
        self.data.sections.iter().find(|s| s.number == number)
    }

    /// Where the selection is: (section index, row within it).
    pub fn selected_at(&self) -> Option<(usize, usize)> {
        let mut left = self.selected;
        for (i, s) in self.data.sections.iter().enumerate() {
            if left < s.rows.len() {
                return Some((i, left));
            }
            left -= s.rows.len();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(number: u8, rows: usize) -> Section {
        Section {
            number,
            title: format!("S{number}"),
            count: rows.to_string(),
            widths: vec![Constraint::Fill(1)],
            rows: (0..rows)
                .map(|i| BoardRow {
                    cells: vec![format!("{number}.{i}")],
                    open: Open::Notification(i as i64),
                })
                .collect(),
            empty: "none".into(),
            jump: None,
        }
    }

    #[test]
    fn the_selection_runs_through_the_sections_and_stale_answers_are_dropped() {
        let mut b = BoardState::default();
        let data = BoardData {
            sections: vec![section(1, 2), section(2, 0), section(3, 3)],
        };
        let old = b.generation;
        b.invalidate();
        assert!(!b.accept(old, data.clone()));
        assert!(!b.loaded);
        assert!(b.accept(b.generation, data));
        b.move_by(2);
        assert_eq!(b.selected_at(), Some((2, 0)));
        assert_eq!(b.selected_row().map(|r| r.cells[0].as_str()), Some("3.0"));
        b.move_by(10);
        assert_eq!(b.selected, 4);
        b.move_by(-10);
        assert_eq!(b.selected, 0);
        b.to_end(true);
        assert_eq!(b.selected_at(), Some((2, 2)));
        assert!(b.section(2).is_some() && b.section(4).is_none());
    }
}
