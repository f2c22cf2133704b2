//! One labelled input of a [`Form`](super::Form), and what kind of value it holds.

use std::fmt;

use ratatui::style::Style;
use tui_textarea::{CursorMove, TextArea};

/// What a field holds and how it is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text; `Enter` moves to the next field.
    SingleLine,
    /// Free text over this many lines (notes); `Enter` inserts a newline.
    MultiLine(u16),
    /// A password: shown as `•`.
    Masked,
    /// A value chosen from a list (a client, a support collaborator); `Enter` asks the
    /// caller to open a picker.
    Picker,
}

/// One labelled input.
///
/// `Debug` is written by hand so a password never reaches a log through `{:?}`.
#[derive(Clone)]
pub struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) kind: FieldKind,
    pub(crate) hint: Option<String>,
    pub(crate) required: bool,
    pub(crate) read_only: bool,
    pub(crate) error: Option<String>,
    pub(crate) text: TextArea<'static>,
    pub(crate) initial: String,
    pub(crate) choice: Option<(i64, String)>,
    pub(crate) initial_choice: Option<i64>,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self.kind {
            FieldKind::Masked => "<hidden>".to_string(),
            _ => self.value(),
        };
        f.debug_struct("Field")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("value", &value)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Field {
    /// A field called `name` (how the controller refers to it) shown as `label`.
    pub fn new(name: impl Into<String>, label: impl Into<String>, kind: FieldKind) -> Self {
        let mut field = Field {
            name: name.into(),
            label: label.into(),
            kind,
            hint: None,
            required: false,
            read_only: false,
            error: None,
            text: TextArea::default(),
            initial: String::new(),
            choice: None,
            initial_choice: None,
        };
        field.replace_text("");
        field
    }

    /// Help shown under the input, e.g. the accepted date format `YYYY-MM-DD HH:MM`.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks the label with `*`; see [`Form::require_filled`].
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Shown but never focused or edited (e.g. an employee number after creation).
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// The starting value; the form is dirty once the text differs from it.
    pub fn with_value(mut self, value: &str) -> Self {
        self.replace_text(value);
        self.initial = self.text_value();
        self
    }

    /// The starting choice of a picker field.
    pub fn with_choice(mut self, id: i64, label: impl Into<String>) -> Self {
        self.choice = Some((id, label.into()));
        self.initial_choice = Some(id);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn kind(&self) -> FieldKind {
        self.kind
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_required(&self) -> bool {
        self.required
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The text (lines joined with `\n`), or the chosen label of a picker field.
    pub fn value(&self) -> String {
        match (&self.kind, &self.choice) {
            (FieldKind::Picker, Some((_, label))) => label.clone(),
            (FieldKind::Picker, None) => String::new(),
            _ => self.text_value(),
        }
    }

    pub(crate) fn text_value(&self) -> String {
        self.text.lines().join("\n")
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self.kind {
            FieldKind::Picker => self.choice.is_none(),
            _ => self.text_value().trim().is_empty(),
        }
    }

    pub(crate) fn is_dirty(&self) -> bool {
        match self.kind {
            FieldKind::Picker => self.choice.as_ref().map(|c| c.0) != self.initial_choice,
            _ => self.text_value() != self.initial,
        }
    }

    pub(crate) fn replace_text(&mut self, value: &str) {
        let lines = match self.kind {
            FieldKind::MultiLine(_) => value.lines().map(str::to_string).collect(),
            _ => vec![value.replace(['\n', '\r'], " ")],
        };
        let mut text = TextArea::new(lines);
        text.set_cursor_line_style(Style::new());
        text.set_cursor_style(Style::new());
        if self.kind == FieldKind::Masked {
            text.set_mask_char('•');
        }
        text.move_cursor(CursorMove::Bottom);
        text.move_cursor(CursorMove::End);
        self.text = text;
    }

    /// Rows taken: the input plus one line for the hint or error, if any.
    pub(crate) fn height(&self) -> u16 {
        let input = match self.kind {
            FieldKind::MultiLine(lines) => lines.max(1),
            _ => 1,
        };
        input + u16::from(self.hint.is_some() || self.error.is_some())
    }

    pub(crate) fn focusable(&self) -> bool {
        !self.read_only
    }
}
