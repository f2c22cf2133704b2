//! What the keys offer: a screen or action is offered only where the policy lets
//! this collaborator use it, on the record under the cursor. The status bar, the
//! help overlay and the key handling all ask here; a key that is not offered says
//! why on the status line ([`refusal`]), in the policy's own words where it is
//! the policy that refuses.

use super::App;
use crate::action::{Action, Screen};
use crate::domain::Role;
use crate::policy::{authorize, Action as P};
use crate::state::{Entity, Overlay};

/// Screens a role sees (SPEC §3: collaborators and audit are for admin and management).
pub fn screen_offered(role: Role, s: Screen) -> bool {
    !matches!(s, Screen::Collaborators | Screen::Audit)
        || matches!(role, Role::Admin | Role::Management)
}

/// Why an action is not offered: the reason to show, if there is one to give.
type Verdict = Result<(), Option<String>>;

pub(super) fn offered(app: &App, action: Action) -> bool {
    decide(app, action).is_ok()
}

/// Why a key that is not offered does nothing here, for the status line.
pub(super) fn refusal(app: &App, action: Action) -> Option<String> {
    match decide(app, action) {
        Ok(()) => None,
        Err(Some(why)) => Some(why),
        Err(None) => Some(format!("“{}” does nothing here", action.description())),
    }
}

/// Why there is nothing to refund or correct.
pub(super) const NOTHING_PAID: &str =
    "Nothing has been paid on this contract: nothing to take back";

fn yes_if(ok: bool, why: &str) -> Verdict {
    if ok {
        Ok(())
    } else {
        Err(Some(why.to_string()))
    }
}

/// Capitalised, as the status line starts a sentence.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn decide(app: &App, action: Action) -> Verdict {
    let Some(ws) = app.workspace() else {
        // Before login only the form's own keys and quit do anything.
        return yes_if(
            matches!(
                action,
                Action::SignIn
                    | Action::Save
                    | Action::NextField
                    | Action::PrevField
                    | Action::Quit
            ),
            "Log in first",
        );
    };
    let a = &ws.actor;
    let me = Some(a.id);
    let allow = |p: P| {
        authorize(a, &p)
            .map(|_| ())
            .map_err(|d| Some(sentence(d.reason)))
    };
    let d = match ws.top() {
        Some(Overlay::Detail(d)) => Some(d),
        _ => None,
    };
    let entity = d.map(|d| d.entity).or_else(|| Entity::of_screen(ws.screen));
    let screen = ws.screen;
    // On a table, the selected row decides (until one is loaded, the user's own).
    let row = if d.is_none() {
        ws.list().selected_facts()
    } else {
        None
    };
    let target = d.map(|d| d.id).or_else(|| ws.list().selected_id());
    let owner = d.map_or(row.map_or(me, |r| r.owner), |d| d.owner);
    let support = d.map_or(row.map_or(me, |r| r.support), |d| d.support);
    let signed = d.map_or(row.is_some_and(|r| r.signed), |d| d.signed);
    let paid = d.map_or(row.is_some_and(|r| r.paid), |d| d.paid);
    let archived = d.map_or(row.is_some_and(|r| r.archived), |d| d.archived);
    let role = d.and_then(|d| d.role).or(row.and_then(|r| r.role));
    // Archived records are read-only until restored: say how they come back.
    let live = || -> Verdict {
        if !archived {
            return Ok(());
        }
        let can_restore = allow(P::Restore).is_ok();
        Err(Some(match (can_restore, d.is_some()) {
            (true, true) => "Archived: read-only until restored (R restores)".to_string(),
            (true, false) => "Archived: read-only until restored (Enter, then R)".to_string(),
            (false, _) => "Archived: read-only; management can restore it".to_string(),
        }))
    };
    let record = matches!(
        entity,
        Some(Entity::Client | Entity::Contract | Entity::Event | Entity::Collaborator)
    );
    match action {
        Action::GoScreen(s) => yes_if(
            screen_offered(a.role, s),
            "Only management and admins see this screen",
        ),
        Action::New => match d.map(|d| d.entity) {
            Some(Entity::Client) => {
                live()?;
                allow(P::CreateContract)
            }
            Some(Entity::Contract) => {
                live()?;
                allow(P::CreateEvent {
                    owner,
                    contract_signed: signed,
                })
            }
            Some(_) => Err(Some("Nothing is created from here".into())),
            None => match screen {
                Screen::Clients => allow(P::CreateClient),
                Screen::Contracts => allow(P::CreateContract),
                Screen::Events => yes_if(
                    a.role == Role::Sales,
                    "Events are created by the client's sales contact",
                ),
                Screen::Collaborators => allow(P::CreateCollaborator { role: Role::Sales }),
                _ => Err(None),
            },
        },
        Action::Edit => {
            if record {
                live()?;
            }
            match entity {
                Some(Entity::Client) => allow(P::UpdateClientDetails { owner }),
                Some(Entity::Contract) => allow(P::UpdateContract { owner }),
                Some(Entity::Event) => allow(P::UpdateEvent { support }),
                Some(Entity::Collaborator) => allow(P::UpdateCollaborator {
                    target_id: target.unwrap_or(-1),
                    current: role.unwrap_or(Role::Sales),
                    new: role.unwrap_or(Role::Sales),
                }),
                _ => Err(None),
            }
        }
        Action::Reassign => {
            yes_if(
                entity == Some(Entity::Client),
                "Only clients are reassigned",
            )?;
            live()?;
            allow(P::ReassignClient { owner: None })
        }
        Action::Archive => {
            yes_if(
                matches!(
                    entity,
                    Some(Entity::Client | Entity::Contract | Entity::Event)
                ),
                "Collaborators are deactivated (x), not archived",
            )?;
            yes_if(!archived, "Already archived")?;
            allow(P::Archive)
        }
        Action::Restore => {
            yes_if(
                d.is_some_and(|d| d.archived),
                "Only an archived record is restored",
            )?;
            allow(P::Restore)
        }
        Action::ToggleArchived => yes_if(
            matches!(screen, Screen::Clients | Screen::Contracts | Screen::Events),
            "Nothing is archived on this screen",
        ),
        Action::OnlyMine => yes_if(
            a.role == Role::Sales,
            "Only sales have clients of their own",
        ),
        Action::NotSigned | Action::BalanceDue => {
            yes_if(a.role != Role::Support, "Support does not see contracts")
        }
        Action::WithoutSupport => allow(P::AssignSupport),
        Action::AssignedToMe => yes_if(
            a.role == Role::Support,
            "Only support has events assigned to them",
        ),
        Action::Sign => {
            yes_if(
                entity == Some(Entity::Contract),
                "Only contracts are signed",
            )?;
            live()?;
            yes_if(!signed, "Already signed")?;
            allow(P::SignContract { owner })
        }
        Action::RecordPayment => {
            yes_if(
                entity == Some(Entity::Contract),
                "Payments are recorded on a contract",
            )?;
            live()?;
            allow(P::RecordPayment { owner })
        }
        Action::CorrectPayment => {
            yes_if(
                entity == Some(Entity::Contract),
                "Refunds and corrections are made on a contract",
            )?;
            live()?;
            allow(P::CorrectPayment)?;
            yes_if(paid, NOTHING_PAID)
        }
        Action::AssignSupport => {
            yes_if(
                entity == Some(Entity::Event),
                "Support is assigned to events",
            )?;
            live()?;
            allow(P::AssignSupport)
        }
        Action::ToggleActive | Action::ResetPassword => {
            yes_if(
                entity == Some(Entity::Collaborator),
                "Only collaborators are (de)activated",
            )?;
            if action == Action::ResetPassword && target == me {
                return Err(Some("Your own password is changed with Ctrl-P".into()));
            }
            allow(P::SetCollaboratorActive {
                target_id: target.unwrap_or(-1),
                role: role.unwrap_or(Role::Sales),
            })
        }
        Action::History => {
            yes_if(d.is_some(), "Open a record (Enter) to see its history")?;
            allow(P::ViewAudit)
        }
        Action::MarkRead | Action::MarkAllRead => yes_if(
            screen == Screen::Notifications,
            "Only notifications are marked read",
        ),
        // A board's section key, where the board shows that section and its list
        // is one this role has.
        Action::Section(n) => yes_if(
            ws.board()
                .section(n)
                .and_then(|s| s.jump.as_ref())
                .is_some_and(|j| screen_offered(a.role, j.screen)),
            "No such section here",
        ),
        _ => Ok(()),
    }
}
