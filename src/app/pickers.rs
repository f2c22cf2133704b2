//! A picker opens on the current value: assigning support to an event that has
//! one highlights that person (one without: "— none —"), changing a client's
//! sales contact highlights the present one, a form's picker field its value.
//! Set once, when the picker appears on top; then the keys move it.

use super::App;
use crate::state::{Entity, Overlay, PickPurpose, Workspace};

/// The id the "— none —" entry stands for.
const NO_ONE: i64 = 0;

/// Sets a picker that just came on top on its current value.
pub(super) fn preselect(app: &mut App) {
    let Some(ws) = app.ws() else { return };
    let Some(Overlay::Picker(p)) = ws.overlays.last() else {
        ws.picker_set = false;
        return;
    };
    if std::mem::replace(&mut ws.picker_set, true) {
        return;
    }
    let current = current(ws, &p.purpose);
    if let (Some(id), Some(Overlay::Picker(p))) = (current, ws.overlays.last_mut()) {
        p.picker.preselect(id);
    }
}

/// What the record or form beneath the picker holds now.
fn current(ws: &Workspace, purpose: &PickPurpose) -> Option<i64> {
    match purpose {
        PickPurpose::FormField(field) => ws
            .form()
            .and_then(|f| f.form.choice(field))
            .map(|(id, _)| id),
        PickPurpose::AssignSupport { event, .. } => {
            Some(facts(ws, Entity::Event, *event, |d| d.1).unwrap_or(NO_ONE))
        }
        PickPurpose::ReassignClient { client, .. } => facts(ws, Entity::Client, *client, |d| d.0),
    }
}

/// The (owner, support) of a record: from its detail view on the stack, else
/// from its row in the table on show.
fn facts(
    ws: &Workspace,
    entity: Entity,
    id: i64,
    pick: impl Fn((Option<i64>, Option<i64>)) -> Option<i64>,
) -> Option<i64> {
    let detail = ws.overlays.iter().rev().find_map(|o| match o {
        Overlay::Detail(d) if d.entity == entity && d.id == id => Some((d.owner, d.support)),
        _ => None,
    });
    let row = || {
        let l = ws.list();
        let i = l.page.ids.iter().position(|&r| r == id)?;
        let f = l.page.facts.get(i)?;
        Some((f.owner, f.support))
    };
    detail
        .or_else(|| {
            (Entity::of_screen(ws.screen) == Some(entity))
                .then(row)
                .flatten()
        })
        .and_then(pick)
}
