//! The app's side of drawing: everything a frame needs, in one [`View`].

use super::offer::screen_offered;
use super::state::{Mode, Overlay, Workspace};
use super::App;
use crate::action::Screen;
use crate::keymap::Context;
use crate::ui::view::View;

impl App {
    /// What to draw now.
    pub fn view(&self) -> View<'_> {
        let (tabs, help) = match &self.mode {
            Mode::Work(ws) => {
                let tabs = Screen::ALL
                    .iter()
                    .copied()
                    .filter(|s| screen_offered(ws.actor.role, *s))
                    .collect();
                let help = if ws
                    .overlays
                    .iter()
                    .any(|o| matches!(o, Overlay::Help { .. }))
                {
                    self.keymap.hints(&help_contexts(ws), |a| self.offered(*a))
                } else {
                    Vec::new()
                };
                (tabs, help)
            }
            Mode::Gate(_) => (Vec::new(), Vec::new()),
        };
        View {
            mode: &self.mode,
            theme: &self.theme,
            status: self.status_toast(),
            hints: self.hints(),
            help,
            tabs,
            database_label: &self.opts.database_label,
            demo_hint: self.opts.demo_hint,
        }
    }
}

/// The help overlay lists the keys of what is under it.
fn help_contexts(ws: &Workspace) -> Vec<Context> {
    match ws
        .overlays
        .iter()
        .rev()
        .find(|o| !matches!(o, Overlay::Help { .. }))
    {
        Some(Overlay::Detail(_)) => vec![Context::Detail, Context::Global],
        _ => vec![
            Context::for_screen(ws.screen),
            Context::Table,
            Context::Global,
        ],
    }
}
