//! Marking one notification read or unread: the table's Space asks for it on a
//! row (`ListState::mark`, with the row's id) and moves on; the write goes to
//! the worker here, at the next tick, and the lists are read again after it.

use super::refresh::after_write;
use super::App;
use crate::action::Screen;
use crate::state::slot;

/// Sends the read/unread change asked for on the notifications table, if any
/// and if no other call is on its way (then it waits for the next tick).
pub(super) fn send_mark(app: &mut App) {
    if app.is_waiting() {
        return;
    }
    let Some(ws) = app.ws() else { return };
    let session = ws.session.clone();
    let Some((id, read)) = ws
        .lists
        .get_mut(slot(Screen::Notifications))
        .and_then(|l| l.mark.take())
    else {
        return;
    };
    app.call(
        if read {
            "marking read…"
        } else {
            "marking unread…"
        },
        move |crm| {
            if read {
                crm.mark_notification_read(&session, id)
            } else {
                crm.mark_notification_unread(&session, id)
            }
        },
        |app, r| match r {
            Ok(()) => after_write(app),
            Err(e) => app.fail(e),
        },
    );
}
