//! The app's side of drawing: everything a frame needs, in one [`View`].

use super::offer::screen_offered;
use super::App;
use crate::action::{Action, Screen};
use crate::keymap::Context;
use crate::state::{Mode, Overlay, Workspace};
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
                    self.help_hints.clone()
                } else {
                    Vec::new()
                };
                (tabs, help)
            }
            Mode::Gate(_) => (Vec::new(), Vec::new()),
        };
        let board = match &self.mode {
            Mode::Work(ws) if crate::screens::board(ws.screen).is_some() => Some(ws.board()),
            _ => None,
        };
        let section_keys = match (&self.mode, board) {
            (Mode::Work(ws), Some(b)) => b
                .data
                .sections
                .iter()
                .filter(|s| self.offered(Action::Section(s.number)))
                .map(|s| {
                    let keys = self
                        .keymap
                        .keys_for(Context::for_screen(ws.screen), Action::Section(s.number));
                    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                    (s.number, keys.join("/"))
                })
                .filter(|(_, k)| !k.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        View {
            mode: &self.mode,
            board,
            section_keys,
            theme: &self.theme,
            status: self.status_toast(),
            hints: self.gate_hints(self.hints()),
            help,
            key_problems: self.keymap.problems(),
            tabs,
            database_label: &self.opts.database_label,
            demo_hint: self.opts.demo_hint,
        }
    }
}

impl App {
    /// On the first-run form, Enter creates the administrator: its hint says so.
    fn gate_hints(&self, mut hints: Vec<crate::keymap::Hint>) -> Vec<crate::keymap::Hint> {
        if let Mode::Gate(g) = &self.mode {
            if g.first_run {
                for h in hints.iter_mut().filter(|h| h.action == Action::SignIn) {
                    h.description = "create the administrator";
                }
            }
        }
        hints
    }
}

/// The help overlay lists the keys of what is under it.
pub(super) fn help_contexts(ws: &Workspace) -> Vec<Context> {
    match ws
        .overlays
        .iter()
        .rev()
        .find(|o| !matches!(o, Overlay::Help { .. }))
    {
        Some(Overlay::Detail(_)) => vec![Context::Detail, Context::Global],
        _ if crate::screens::board(ws.screen).is_some() => {
            vec![Context::for_screen(ws.screen), Context::Global]
        }
        _ => vec![
            Context::for_screen(ws.screen),
            Context::Table,
            Context::Global,
        ],
    }
}
