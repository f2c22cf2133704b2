//! Choosing one record from a list by typing part of its name: assigning a support
//! collaborator to an event, a client to a contract. The picker's state and
//! matching; drawing it is `crate::ui::widgets::picker`.
//!
//! Matching is fuzzy (nucleo), case-insensitive and accent-insensitive in both
//! directions: `alienor` and `aliénor` both find "Aliénor Vichum". The lists are small
//! (collaborators, a sales contact's clients), so matching runs on each keystroke.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::action::Action;

/// What the picker did with an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerEvent {
    /// The user chose this item.
    Chosen(i64, String),
    /// The user closed the picker without choosing.
    Cancelled,
}

/// A popup list of `(id, label)` items, filtered as the user types.
pub struct Picker {
    pub(crate) title: String,
    pub(crate) items: Vec<(i64, String)>,
    pub(crate) query: String,
    /// Indices into `items`, best match first.
    pub(crate) matches: Vec<usize>,
    pub(crate) selected: usize,
    matcher: Matcher,
}

impl std::fmt::Debug for Picker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picker")
            .field("title", &self.title)
            .field("query", &self.query)
            .field("matches", &self.matches.len())
            .field("selected", &self.selected)
            .finish()
    }
}

impl Picker {
    /// A picker over `items`, all shown until the user types.
    pub fn new(title: impl Into<String>, items: Vec<(i64, String)>) -> Self {
        let mut picker = Picker {
            title: title.into(),
            matches: (0..items.len()).collect(),
            items,
            query: String::new(),
            selected: 0,
            matcher: Matcher::new(Config::DEFAULT),
        };
        picker.refilter();
        picker
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    /// Replace the filter text.
    pub fn set_query(&mut self, query: &str) {
        self.query = query.to_string();
        self.refilter();
    }

    /// The items that match, best first.
    pub fn matches(&self) -> impl Iterator<Item = &(i64, String)> {
        self.matches.iter().map(|&i| &self.items[i])
    }

    /// The highlighted item.
    pub fn selected(&self) -> Option<&(i64, String)> {
        self.matches.get(self.selected).map(|&i| &self.items[i])
    }

    /// React to an action resolved in the `Picker` context.
    pub fn handle(&mut self, action: Action) -> Option<PickerEvent> {
        let last = self.matches.len().saturating_sub(1);
        match action {
            Action::MoveUp => self.selected = self.selected.saturating_sub(1),
            Action::MoveDown => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::PageDown => self.selected = (self.selected + 10).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::Select => {
                return self
                    .selected()
                    .map(|(id, label)| PickerEvent::Chosen(*id, label.clone()))
            }
            Action::Cancel | Action::Back => return Some(PickerEvent::Cancelled),
            _ => {}
        }
        None
    }

    /// Edit the filter text with a key the keymap did not claim. True if it changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        if key.kind == KeyEventKind::Release {
            return false;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => self.query.clear(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.query.push(c)
            }
            KeyCode::Backspace => {
                if self.query.pop().is_none() {
                    return false;
                }
            }
            _ => return false,
        }
        self.refilter();
        true
    }

    fn refilter(&mut self) {
        // Fold accents out of the query too, so "é" finds "e" as well as "é".
        let query: String = self
            .query
            .chars()
            .map(nucleo_matcher::chars::normalize)
            .collect();
        let pattern = Pattern::new(
            &query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut buf = Vec::new();
        let mut scored: Vec<(usize, u32)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, (_, label))| {
                let score = pattern.score(Utf32Str::new(label, &mut buf), &mut self.matcher)?;
                Some((i, score))
            })
            .collect();
        // Best score first; equal scores keep the caller's order (stable sort).
        scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
        self.matches = scored.into_iter().map(|(i, _)| i).collect();
        self.selected = 0;
    }
}
