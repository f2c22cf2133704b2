//! The table, the detail view, the help overlay and switching screens, as pure
//! handlers: each changes the workspace and returns the [`Effect`]s it needs
//! (a call on the worker, a message, another layer), which `actions::apply`
//! runs. No database, no clock, no `App`: a test drives them on a bare
//! workspace.

pub use super::effect::Effect;
use crate::action::{Action, Screen};
use crate::services::query::TimeWindow;
use crate::state::list::{Filters, ListState};
use crate::state::{Entity, FormKind, Overlay, Workspace};

/// To another screen; its rows are read again. Forms stay open on top.
pub fn go(ws: &mut Workspace, s: Screen) {
    ws.overlays.retain(|o| matches!(o, Overlay::Form(_)));
    if ws.overlays.is_empty() {
        ws.screen = s;
        ws.list_mut().invalidate();
        ws.board_mut().invalidate();
    }
}

/// Scrolling the help overlay; any other key closes it.
pub fn help(ws: &mut Workspace, action: Action) {
    if let Some(Overlay::Help { scroll }) = ws.overlays.last_mut() {
        match action {
            Action::MoveDown => *scroll = scroll.saturating_add(1),
            Action::MoveUp => *scroll = scroll.saturating_sub(1),
            Action::PageDown => *scroll = scroll.saturating_add(10),
            Action::PageUp => *scroll = scroll.saturating_sub(10),
            _ => {
                ws.overlays.pop();
            }
        }
    }
}

/// An action on the table of the screen on show, `height` rows tall.
pub fn table(ws: &mut Workspace, action: Action, height: usize) -> Vec<Effect> {
    let screen = ws.screen;
    let l = ws.list_mut();
    let mut out = Vec::new();
    match action {
        Action::MoveDown => l.move_by(1),
        Action::MoveUp => l.move_by(-1),
        Action::PageDown => l.move_by(height as isize),
        Action::PageUp => l.move_by(-(height as isize)),
        Action::Top => l.to_top(),
        Action::Bottom => l.to_bottom(),
        Action::StartFilter => l.editing_filter = true,
        Action::KeepFilter => l.editing_filter = false,
        Action::ClearFilter => {
            l.editing_filter = false;
            l.filter_text.clear();
            l.requery();
        }
        Action::SortNext => {
            l.sort = (l.sort + 1) % crate::screens::of(screen).sort_columns().len();
            l.descending = false;
            l.requery();
        }
        Action::SortReverse => {
            l.descending = !l.descending;
            l.requery();
        }
        Action::ToggleArchived => toggle(l, |f| &mut f.show_archived),
        Action::OnlyMine => toggle(l, |f| &mut f.mine),
        Action::AssignedToMe => {
            toggle(l, |f| &mut f.mine);
            // One key for a support person's agenda: their events still to come,
            // soonest first. The title says so; `t` moves on to ongoing, past, all.
            if l.filters.mine && l.filters.window == TimeWindow::All {
                l.filters.window = TimeWindow::Upcoming;
            }
        }
        Action::NotSigned => toggle(l, |f| &mut f.unsigned),
        Action::BalanceDue => toggle(l, |f| &mut f.balance_due),
        Action::WithoutSupport => toggle(l, |f| &mut f.without_support),
        Action::TimeWindow => {
            l.filters.window = l.filters.window.next();
            l.requery();
        }
        Action::Reload => {
            l.invalidate();
            out.push(Effect::RefreshNow);
            out.push(Effect::Info("Reloaded".into()));
        }
        Action::Open => out.push(Effect::OpenSelected),
        Action::MarkRead => mark(l, &mut out),
        Action::Export => l.export = true,
        Action::UnreadOnly if screen == Screen::Notifications => toggle(l, |f| &mut f.unread_only),
        Action::UnreadOnly => {
            out.push(Effect::Info("Only notifications are read or unread".into()))
        }
        Action::MarkAllRead => out.push(Effect::MarkRead { all: true }),
        Action::New => out.push(Effect::New(screen)),
        other => {
            if let Some(e) = Entity::of_screen(screen) {
                out.push(match l.selected_id() {
                    Some(id) => Effect::OnRecord(other, e, id),
                    None => Effect::Info("Nothing selected".into()),
                });
            }
        }
    }
    l.scroll_into_view(height);
    out
}

/// An action in the detail view on top: moving among its related records,
/// opening one, going back; the rest acts on its record.
pub fn detail(ws: &mut Workspace, action: Action) -> Vec<Effect> {
    let Some(Overlay::Detail(d)) = ws.overlays.last_mut() else {
        return Vec::new();
    };
    let (entity, id) = (d.entity, d.id);
    match action {
        Action::Back => {
            ws.overlays.pop();
        }
        Action::MoveDown => {
            d.selected = (d.selected + 1).min(d.related.len().saturating_sub(1));
        }
        Action::MoveUp => d.selected = d.selected.saturating_sub(1),
        Action::Open => {
            if let Some((e, rid, _)) = d.related.get(d.selected) {
                return vec![Effect::Detail(*e, *rid)];
            }
        }
        Action::Reload => return vec![Effect::ReloadDetail],
        Action::New => match entity {
            Entity::Client => {
                return vec![Effect::Form(FormKind::NewContract { client: Some(id) })]
            }
            Entity::Contract => {
                return vec![Effect::Form(FormKind::NewEvent { contract: Some(id) })]
            }
            _ => {}
        },
        other => return vec![Effect::OnRecord(other, entity, id)],
    }
    Vec::new()
}

/// Space on a notification: read if it was unread, unread if it was read,
/// and on to the next row. The write goes out at the next tick with the row's
/// id, so moving on at once cannot change which row it is about.
fn mark(l: &mut ListState, out: &mut Vec<Effect>) {
    match (l.selected_id(), l.selected_facts()) {
        (Some(id), Some(f)) => {
            l.mark = Some((id, f.unread));
            // Read among unread only, the row leaves and the next takes its place.
            if !(f.unread && l.filters.unread_only) {
                l.move_by(1);
            }
        }
        _ => out.push(Effect::Info("Nothing selected".into())),
    }
}

fn toggle(l: &mut ListState, f: impl FnOnce(&mut Filters) -> &mut bool) {
    let b = f(&mut l.filters);
    *b = !*b;
    l.requery();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::policy::Actor;
    use crate::session::Session;

    fn ws() -> Workspace {
        let session = Session {
            collaborator_id: 1,
            name: "Mia".into(),
            email: "mia@example.com".into(),
            role: Role::Sales,
            must_change_password: false,
            logged_in_at: chrono::NaiveDateTime::default(),
        };
        let actor = Actor {
            id: 1,
            role: Role::Sales,
            active: true,
        };
        Workspace::new(session, actor)
    }

    #[test]
    fn keys_change_the_table_and_ask_for_the_rest() {
        let mut w = ws();
        let before = w.list().generation;
        assert!(table(&mut w, Action::OnlyMine, 10).is_empty());
        assert!(w.list().filters.mine && w.list().generation > before);
        assert_eq!(
            table(&mut w, Action::Edit, 10),
            vec![Effect::Info("Nothing selected".into())]
        );
        assert_eq!(
            table(&mut w, Action::New, 10),
            vec![Effect::New(Screen::Clients)]
        );
        go(&mut w, Screen::Events);
        assert_eq!(w.screen, Screen::Events);
    }
}
