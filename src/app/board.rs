//! The keys of a board screen (the dashboard), as a pure handler like the
//! table's: moving through the rows of every section, opening one, and a key
//! per section that shows its full list with the section's filters on.

use super::table::{self, Effect};
use crate::action::Action;
use crate::state::board::Open;
use crate::state::Workspace;

/// An action on the board on show, `height` rows of body tall.
pub fn board(ws: &mut Workspace, action: Action, height: usize) -> Vec<Effect> {
    let b = ws.board_mut();
    match action {
        Action::MoveDown => b.move_by(1),
        Action::MoveUp => b.move_by(-1),
        Action::PageDown => b.move_by(height as isize),
        Action::PageUp => b.move_by(-(height as isize)),
        Action::Top => b.to_end(false),
        Action::Bottom => b.to_end(true),
        Action::Open => match b.selected_row().map(|r| r.open) {
            Some(Open::Record(e, id)) => return vec![Effect::Detail(e, id)],
            Some(Open::Notification(id)) => return vec![Effect::OpenNotification(id)],
            None => return vec![Effect::Info("Nothing selected".into())],
        },
        Action::Reload => {
            b.invalidate();
            return vec![Effect::RefreshNow, Effect::Info("Reloaded".into())];
        }
        Action::Section(n) => {
            let Some(jump) = b.section(n).and_then(|s| s.jump.clone()) else {
                return Vec::new();
            };
            table::go(ws, jump.screen);
            if ws.screen == jump.screen {
                let l = ws.list_mut();
                l.filters = jump.filters;
                l.filter_text.clear();
                l.editing_filter = false;
                l.requery();
            }
        }
        _ => {}
    }
    Vec::new()
}
