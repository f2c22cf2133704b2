//! The two moves every other part of the app makes: changing the workspace
//! when there is one, and opening a record's detail view. They live apart so
//! that actions, overlays and refresh each depend on them and not on one
//! another in a circle.

use super::App;
use crate::controllers::detail;
use crate::state::{Entity, Overlay, Workspace};

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
