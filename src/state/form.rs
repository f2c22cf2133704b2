//! Create/edit forms as state: labelled fields on top of `tui_textarea`, with
//! per-field errors, focus and text editing. Drawing them is
//! `crate::ui::widgets::form`.
//!
//! Validation lives in the services; the form only shows its verdict: the controller
//! calls [`Form::set_error`] with the service's message and the field shows it in the
//! error style. Dirty tracking ([`Form::is_dirty`]) is what lets `Esc` and `q` ask
//! before throwing work away.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::style::{Modifier, Style};

pub mod edit;
mod field;

use edit::Edit;
pub use field::{Field, FieldKind};

/// What [`Form::input`] did with a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormInput {
    /// The key edited text or moved focus.
    Consumed,
    /// The form had no use for the key.
    Ignored,
    /// `Enter` on a picker field: open a picker and call [`Form::set_choice`].
    OpenPicker(String),
    /// `Enter` on the last single-line field: the user is done (treat like Save).
    Submit,
}

/// A question's hash, never 0.
fn question_key(question: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    question.hash(&mut h);
    h.finish() | 1
}

/// A titled box of fields with one focused.
#[derive(Debug, Clone)]
pub struct Form {
    pub(crate) title: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) focus: Option<usize>,
    /// The last question about these values the user answered yes to ("Record
    /// 12.34 € on contract #11?"): saving again with the same values goes
    /// through; changed values make a new question. Kept as a hash (0: none):
    /// a form is part of the login screen's state, which stays small.
    pub(crate) confirmed: u64,
}

impl Form {
    /// A form focused on its first editable field.
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Self {
        let focus = fields.iter().position(Field::focusable);
        let mut form = Form {
            title: title.into(),
            fields,
            focus,
            confirmed: 0,
        };
        form.show_cursor();
        form
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.name == name)
    }

    /// Name of the focused field.
    pub fn focused(&self) -> Option<&str> {
        self.focus.map(|i| self.fields[i].name.as_str())
    }

    /// Focus the field called `name`, if it can take focus.
    pub fn focus(&mut self, name: &str) -> bool {
        match self
            .fields
            .iter()
            .position(|f| f.name == name && f.focusable())
        {
            Some(i) => {
                self.focus = Some(i);
                self.show_cursor();
                true
            }
            None => false,
        }
    }

    /// Next editable field, wrapping (`Tab`).
    pub fn focus_next(&mut self) {
        self.step(1);
    }

    /// Previous editable field, wrapping (`Shift-Tab`).
    pub fn focus_prev(&mut self) {
        self.step(self.fields.len().saturating_sub(1));
    }

    fn step(&mut self, by: usize) {
        let Some(start) = self.focus else { return };
        let n = self.fields.len();
        let next = (1..=n)
            .map(|k| (start + k * by) % n)
            .find(|&i| self.fields[i].focusable());
        self.focus = next.or(self.focus);
        self.show_cursor();
    }

    /// Only the focused field draws a cursor.
    fn show_cursor(&mut self) {
        for (i, field) in self.fields.iter_mut().enumerate() {
            let style = if Some(i) == self.focus {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            field.text.set_cursor_style(style);
        }
    }

    fn is_last_focusable(&self, index: usize) -> bool {
        !self.fields[index + 1..].iter().any(Field::focusable)
    }

    /// Feed a key to the focused field. Keys the keymap resolves first (save, cancel,
    /// next/previous field) normally never get here; `Tab` is handled anyway so a tab
    /// character never ends up in a field.
    pub fn input(&mut self, key: KeyEvent) -> FormInput {
        if key.kind == KeyEventKind::Release {
            return FormInput::Ignored;
        }
        match key.code {
            KeyCode::Tab => {
                self.focus_next();
                return FormInput::Consumed;
            }
            KeyCode::BackTab => {
                self.focus_prev();
                return FormInput::Consumed;
            }
            _ => {}
        }
        let Some(index) = self.focus else {
            return FormInput::Ignored;
        };
        let is_enter = key.code == KeyCode::Enter
            || (key.code == KeyCode::Char('m') && key.modifiers.contains(KeyModifiers::CONTROL));
        let field = &mut self.fields[index];
        match field.kind {
            FieldKind::Picker => match key.code {
                _ if is_enter => FormInput::OpenPicker(field.name.clone()),
                KeyCode::Char(' ') => FormInput::OpenPicker(field.name.clone()),
                KeyCode::Backspace | KeyCode::Delete => {
                    field.choice = None;
                    FormInput::Consumed
                }
                _ => FormInput::Ignored,
            },
            FieldKind::SingleLine | FieldKind::Masked if is_enter => {
                if self.is_last_focusable(index) {
                    FormInput::Submit
                } else {
                    self.focus_next();
                    FormInput::Consumed
                }
            }
            kind => {
                let multiline = matches!(kind, FieldKind::MultiLine(_));
                match edit::edit(&mut field.text, key, multiline) {
                    Edit::Ignored => FormInput::Ignored,
                    Edit::Changed | Edit::Moved => FormInput::Consumed,
                }
            }
        }
    }

    /// Pasted text (one bracketed-paste event) into the focused field, inserted at
    /// once: a long paste costs one edit, not one key per character.
    pub fn paste(&mut self, text: &str) -> FormInput {
        let Some(field) = self.focus.and_then(|i| self.fields.get_mut(i)) else {
            return FormInput::Ignored;
        };
        let multiline = match field.kind {
            FieldKind::Picker => return FormInput::Ignored,
            FieldKind::MultiLine(_) => true,
            FieldKind::SingleLine | FieldKind::Masked => false,
        };
        match edit::paste(&mut field.text, text, multiline) {
            Edit::Ignored => FormInput::Ignored,
            Edit::Changed | Edit::Moved => FormInput::Consumed,
        }
    }

    /// The text of a field (the chosen label for a picker field).
    pub fn value(&self, name: &str) -> Option<String> {
        self.field(name).map(Field::value)
    }

    /// The chosen `(id, label)` of a picker field.
    pub fn choice(&self, name: &str) -> Option<(i64, &str)> {
        let field = self.field(name)?;
        field
            .choice
            .as_ref()
            .map(|(id, label)| (*id, label.as_str()))
    }

    /// Replace a field's text (the cursor goes to the end). False if there is no such
    /// field.
    pub fn set_value(&mut self, name: &str, value: &str) -> bool {
        let Some(field) = self.field_mut(name) else {
            return false;
        };
        field.replace_text(value);
        self.show_cursor();
        true
    }

    /// Set or clear the choice of a picker field.
    pub fn set_choice(&mut self, name: &str, choice: Option<(i64, String)>) -> bool {
        match self.field_mut(name) {
            Some(field) => {
                field.choice = choice;
                true
            }
            None => false,
        }
    }

    /// Show `message` under the field in the error style.
    pub fn set_error(&mut self, name: &str, message: impl Into<String>) -> bool {
        match self.field_mut(name) {
            Some(field) => {
                field.error = Some(message.into());
                true
            }
            None => false,
        }
    }

    pub fn clear_errors(&mut self) {
        for field in &mut self.fields {
            field.error = None;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Move focus to the first field showing an error, so the user lands on it.
    pub fn focus_first_error(&mut self) -> bool {
        let name = self
            .fields
            .iter()
            .find(|f| f.error.is_some() && f.focusable())
            .map(|f| f.name.clone());
        name.is_some_and(|n| self.focus(&n))
    }

    /// Flag every empty required field that has no message yet with `message`, so a
    /// refused save lists all that is missing at once rather than one round at a time;
    /// true when none is empty.
    pub fn require_filled(&mut self, message: &str) -> bool {
        let mut ok = true;
        for field in &mut self.fields {
            if field.required && field.is_empty() {
                if field.error.is_none() {
                    field.error = Some(message.to_string());
                }
                ok = false;
            }
        }
        ok
    }

    /// The user said yes to `question` (see [`Form::is_confirmed`]).
    pub fn confirm(&mut self, question: impl Into<String>) {
        self.confirmed = question_key(&question.into());
    }

    /// Whether the user already said yes to exactly this question.
    pub fn is_confirmed(&self, question: &str) -> bool {
        self.confirmed == question_key(question)
    }

    /// Whether a field's text (or choice) differs from its starting value.
    pub fn changed(&self, name: &str) -> bool {
        self.field(name).is_some_and(Field::is_dirty)
    }

    /// Whether anything differs from the starting values.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(Field::is_dirty)
    }

    /// Take the current values as the new baseline (after a successful save).
    pub fn mark_saved(&mut self) {
        for field in &mut self.fields {
            field.initial = field.text_value();
            field.initial_choice = field.choice.as_ref().map(|c| c.0);
        }
    }

    /// Rows all fields need, borders excluded.
    pub fn content_height(&self) -> u16 {
        self.fields.iter().map(Field::height).sum()
    }
}
