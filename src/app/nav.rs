//! The two moves every other part of the app makes: changing the workspace
//! when there is one, and opening a record's detail view. They live apart so
//! that actions, overlays and refresh each depend on them and not on one
//! another in a circle.

use super::App;
use crate::action::Screen;
use crate::controllers::detail;
use crate::state::{Entity, Mode, Overlay, Workspace};

/// Runs `f` on the workspace, if logged in.
pub(super) fn with_ws(app: &mut App, f: impl FnOnce(&mut Workspace)) {
    if let Some(ws) = app.ws() {
        f(ws);
    }
}

/// Opens a record's detail view once it is read. Inside another call's answer
/// (after a save) this is a second call of its own.
pub(super) fn push_detail(app: &mut App, entity: Entity, id: i64) {
    app.call(
        "opening…",
        move |crm| detail::load(crm, entity, id),
        |app, r| match r {
            Ok(d) => with_ws(app, |ws| ws.overlays.push(Overlay::Detail(d))),
            Err(e) => app.fail(e),
        },
    );
}

/// What an idle lock puts aside: the open forms (and the detail views under
/// them), the screen they were on, and whose they are.
#[derive(Debug)]
pub(super) struct Kept {
    who: i64,
    screen: Screen,
    overlays: Vec<Overlay>,
}

/// Before an idle lock: a form being filled in is kept, not lost; nothing is
/// kept when no form is open.
pub(super) fn keep_forms(app: &mut App) {
    let Some(ws) = app.ws() else { return };
    if ws.form().is_none() {
        return;
    }
    let overlays = std::mem::take(&mut ws.overlays)
        .into_iter()
        .filter(|o| matches!(o, Overlay::Form(_) | Overlay::Detail(_)))
        .collect();
    app.kept = Some(Kept {
        who: ws.session.collaborator_id,
        screen: ws.screen,
        overlays,
    });
}

/// Once someone is logged in again: the same person gets their forms back
/// where they were; anyone else, nothing of them (they are dropped). Returns
/// whether the screen changed.
pub(super) fn give_back_forms(app: &mut App) -> bool {
    let Mode::Work(ws) = &mut app.mode else {
        return false;
    };
    let Some(kept) = app.kept.take() else {
        return false;
    };
    if kept.who != ws.session.collaborator_id {
        return false;
    }
    ws.screen = kept.screen;
    ws.list_mut().invalidate();
    ws.board_mut().invalidate();
    // A form the login put up (a forced password change) stays on top.
    let mut overlays = kept.overlays;
    overlays.append(&mut ws.overlays);
    ws.overlays = overlays;
    app.info("Your unsaved form is back, as you left it");
    true
}
