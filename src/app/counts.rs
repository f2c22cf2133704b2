//! Exact counts in the background: a table that matches more rows than the
//! capped count stops at shows `10 000+` at first; the worker then counts its
//! matches exactly (a full count, linear in the matches) and the title says
//! `1 024 of 1 000 000`, once the list has been still for a moment (see
//! `COUNT_DELAY`). The screen thread only sends the job and takes the answer.

use std::time::Instant;

use super::worker::Tag;
use super::App;
use crate::controllers::list::fetch;
use crate::state::slot;

/// Sends the count of the table on show, if it has only a capped one and its
/// count was not asked for yet.
pub(super) fn refine(app: &mut App) {
    let Some(ws) = app.ws() else { return };
    if crate::screens::board(ws.screen).is_some() {
        return;
    }
    let i = slot(ws.screen);
    let session = ws.session.clone();
    let Some(l) = ws.lists.get_mut(i) else { return };
    let Some(query) = l.count_wanted(session.collaborator_id, Instant::now()) else {
        return;
    };
    let key = query.count_key();
    app.send(
        Tag::Count { slot: i },
        Box::new(move |crm| {
            let answer = fetch(crm, &session, &query).map(|p| p.total);
            Box::new(move |app: &mut App| match answer {
                Ok(total) => {
                    if let Some(l) = app.ws().and_then(|w| w.lists.get_mut(i)) {
                        l.counted(key, total);
                    }
                }
                Err(e) => app.fail(e),
            })
        }),
    );
}

/// When the table on show wants its count sent (the loop wakes then); not
/// while a read of it is due or on its way (its answer wakes the loop).
pub(super) fn next(app: &App) -> Option<Instant> {
    let ws = app.workspace()?;
    let l = ws.lists.get(slot(ws.screen))?;
    l.count_due.filter(|_| !l.loading && !l.dirty)
}
