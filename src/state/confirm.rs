//! "Are you sure?" before anything destructive (archive, sign, deactivate, discard a
//! form), as state. The highlight starts on **No**, so a reflexive `Enter` never
//! destroys. Drawing it is `crate::ui::widgets::confirm`.

use crate::action::Action;

/// A yes/no question, answered through the `Confirm` keymap context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDialog {
    pub(crate) title: String,
    pub(crate) message: String,
    pub(crate) yes_label: String,
    pub(crate) no_label: String,
    /// The highlighted answer; `Enter` takes it.
    pub(crate) yes_selected: bool,
}

impl ConfirmDialog {
    /// A question with the answers "Yes" and "No", No highlighted.
    pub fn new(title: impl Into<String>, message: impl Into<String>) -> Self {
        ConfirmDialog {
            title: title.into(),
            message: message.into(),
            yes_label: "Yes".into(),
            no_label: "No".into(),
            yes_selected: false,
        }
    }

    /// Say what the answers do, e.g. "Archive" / "Keep".
    pub fn labels(mut self, yes: impl Into<String>, no: impl Into<String>) -> Self {
        self.yes_label = yes.into();
        self.no_label = no.into();
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether Yes is highlighted.
    pub fn yes_selected(&self) -> bool {
        self.yes_selected
    }

    /// React to an action resolved in the `Confirm` context: `Some(answer)` once the
    /// user has decided. `y` → yes; `n` and `Esc` → no; `Enter` → the highlighted
    /// answer; `←`/`→`/`Tab` move the highlight. Anything else is ignored.
    pub fn handle(&mut self, action: Action) -> Option<bool> {
        match action {
            Action::Confirm(answer) => Some(answer),
            Action::Cancel | Action::Back => Some(false),
            Action::Select => Some(self.yes_selected),
            Action::ToggleChoice => {
                self.yes_selected = !self.yes_selected;
                None
            }
            _ => None,
        }
    }
}
