//! The single gate for writes: roles × actions × ownership (SPEC §3).
//!
//! [`authorize`] returns a [`Permit`], and every repository function that writes
//! takes one. `Permit` has a private field, so only this module can make one: a
//! write that skipped the check does not compile. Services build the [`Actor`] from
//! a fresh read of the collaborator inside the write transaction, so a deactivated
//! or demoted collaborator loses their rights at once.

use crate::domain::Role;

/// The collaborator acting, as the database says they are right now.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
    pub active: bool,
}

/// What an actor wants to do, with the facts about the target that the rules need.
/// It travels to the server for [`crate::api::CrmApi::allows`], tagged by `action`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create an account with this role.
    CreateCollaborator {
        role: Role,
    },
    /// Change an account (details, role, password reset). `current` is the target's
    /// role now, `new` the role after the change.
    UpdateCollaborator {
        target_id: i64,
        current: Role,
        new: Role,
    },
    /// Deactivate or reactivate an account.
    SetCollaboratorActive {
        target_id: i64,
        role: Role,
    },
    CreateClient,
    /// Change a client's own fields (name, e-mail, phone, company, dates).
    UpdateClientDetails {
        owner: Option<i64>,
    },
    /// Give a client to another sales collaborator.
    ReassignClient {
        owner: Option<i64>,
    },
    CreateContract,
    /// Edit, sign, or record a payment; `owner` is the client's sales contact.
    UpdateContract {
        owner: Option<i64>,
    },
    SignContract {
        owner: Option<i64>,
    },
    RecordPayment {
        owner: Option<i64>,
    },
    /// Undo a mistaken payment with a refund or correction row: money leaves the
    /// ledger, so only management (and admins) may, whoever owns the client.
    CorrectPayment,
    /// Bring in the support team's spreadsheet: creates and updates events on
    /// any client's signed contracts and staffs them, so management and admins only.
    ImportEvents,
    CreateEvent {
        owner: Option<i64>,
        contract_signed: bool,
    },
    /// Edit an event's details; `support` is who is assigned now.
    UpdateEvent {
        support: Option<i64>,
    },
    AssignSupport,
    Archive,
    Restore,
    ViewAudit,
    /// Mark one's own notification read.
    ReadNotification {
        recipient: i64,
    },
    /// Change the password of this account, knowing the current one.
    ChangeOwnPassword {
        target_id: i64,
    },
    /// Set a forgotten password from the command line (`epicevents admin
    /// reset-password`). Only [`authorize_operator`] grants it: whoever holds the
    /// database itself is not a logged-in collaborator, and no collaborator may do
    /// this through the screens.
    OperatorResetPassword {
        target_id: i64,
    },
}

/// Proof that [`authorize`] said yes. Only this module can construct one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    actor_id: i64,
    _sealed: (),
}

impl Permit {
    /// Who was authorised: recorded in audit rows.
    pub fn actor_id(&self) -> i64 {
        self.actor_id
    }
}

/// Why an action was refused, in words for the status line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Denied {
    pub reason: &'static str,
}

fn deny(reason: &'static str) -> Result<Permit, Denied> {
    Err(Denied { reason })
}

/// Checks one action. Pure: the caller supplies fresh facts.
pub fn authorize(actor: &Actor, action: &Action) -> Result<Permit, Denied> {
    use Action::*;
    use Role::*;
    if !actor.active {
        return deny("your account is deactivated");
    }
    let ok = Ok(Permit {
        actor_id: actor.id,
        _sealed: (),
    });
    let mine = |owner: &Option<i64>| *owner == Some(actor.id);
    match (actor.role, action) {
        // Collaborators: admin all; management all but admin accounts.
        (
            Admin,
            CreateCollaborator { .. } | UpdateCollaborator { .. } | SetCollaboratorActive { .. },
        ) => {
            if let SetCollaboratorActive { target_id, .. } = action {
                if *target_id == actor.id {
                    return deny("you cannot deactivate your own account");
                }
            }
            if let UpdateCollaborator {
                target_id,
                current: Admin,
                new,
            } = action
            {
                if *target_id == actor.id && *new != Admin {
                    return deny("you cannot remove your own admin role");
                }
            }
            ok
        }
        (Management, CreateCollaborator { role }) => {
            if *role == Admin {
                deny("only an admin may create admin accounts")
            } else {
                ok
            }
        }
        (Management, UpdateCollaborator { current, new, .. }) => {
            if *current == Admin || *new == Admin {
                deny("only an admin may change admin accounts")
            } else {
                ok
            }
        }
        (Management, SetCollaboratorActive { target_id, role }) => {
            if *role == Admin {
                deny("only an admin may deactivate admin accounts")
            } else if *target_id == actor.id {
                deny("you cannot deactivate your own account")
            } else {
                ok
            }
        }
        (
            _,
            CreateCollaborator { .. } | UpdateCollaborator { .. } | SetCollaboratorActive { .. },
        ) => deny("only management and admins manage collaborators"),

        // Clients.
        (Sales, CreateClient) => ok,
        (_, CreateClient) => deny("only sales collaborators create clients"),
        (Admin, UpdateClientDetails { .. }) => ok,
        (Sales, UpdateClientDetails { owner }) if mine(owner) => ok,
        (Sales, UpdateClientDetails { .. }) => deny("you may only edit your own clients"),
        (Management, UpdateClientDetails { .. }) => {
            deny("management may only reassign a client's sales contact")
        }
        (_, UpdateClientDetails { .. }) => deny("support cannot edit clients"),
        (Admin | Management, ReassignClient { .. }) => ok,
        (_, ReassignClient { .. }) => deny("only management reassigns clients"),

        // Contracts.
        (Admin | Management, CreateContract) => ok,
        (_, CreateContract) => deny("only management creates contracts"),
        (
            Admin | Management,
            UpdateContract { .. } | SignContract { .. } | RecordPayment { .. },
        ) => ok,
        (Sales, UpdateContract { owner } | SignContract { owner } | RecordPayment { owner }) => {
            if mine(owner) {
                ok
            } else {
                deny("you may only handle contracts of your own clients")
            }
        }
        (_, UpdateContract { .. } | SignContract { .. } | RecordPayment { .. }) => {
            deny("support cannot change contracts")
        }
        (Admin | Management, CorrectPayment) => ok,
        (_, CorrectPayment) => deny("only management refunds or corrects a payment"),
        (Admin | Management, ImportEvents) => ok,
        (_, ImportEvents) => deny("only management and admins import events"),

        // Events.
        (
            Sales,
            CreateEvent {
                owner,
                contract_signed,
            },
        ) => {
            if !mine(owner) {
                deny("you may only create events for your own clients")
            } else if !contract_signed {
                deny("an event can only be created for a signed contract")
            } else {
                ok
            }
        }
        (_, CreateEvent { .. }) => deny("events are created by the client's sales contact"),
        (Admin | Management, UpdateEvent { .. } | AssignSupport) => ok,
        (Support, UpdateEvent { support }) if mine(support) => ok,
        (Support, UpdateEvent { .. }) => deny("you may only edit events assigned to you"),
        (Support, AssignSupport) => deny("only management assigns support"),
        (Sales, UpdateEvent { .. } | AssignSupport) => deny("sales cannot change events"),

        // Archive, audit.
        (Admin | Management, Archive | Restore | ViewAudit) => ok,
        (_, Archive | Restore) => deny("only management archives or restores records"),
        (_, ViewAudit) => deny("only management and admins see the audit trail"),

        (_, ReadNotification { recipient }) if *recipient == actor.id => ok,
        (_, ReadNotification { .. }) => deny("this notification is someone else's"),
        (_, ChangeOwnPassword { target_id }) if *target_id == actor.id => ok,
        (_, ChangeOwnPassword { .. }) => deny("you may only change your own password this way"),
        (_, OperatorResetPassword { .. }) => {
            deny("only whoever holds the database resets a password this way")
        }
    }
}

/// Checks an action of the operator: whoever holds the database itself (its file,
/// or its owner's credentials) and acts from the command line, logged in as nobody.
/// They could change any row by hand, so this grants only what the command line
/// offers, and keeps those writes behind the same gate as every other.
/// The permit carries the account's own id: the operator acts for its holder,
/// who forgot their password (the audit row itself names no collaborator).
pub fn authorize_operator(action: &Action) -> Result<Permit, Denied> {
    match action {
        Action::OperatorResetPassword { target_id } => Ok(Permit {
            actor_id: *target_id,
            _sealed: (),
        }),
        _ => deny("this needs a logged-in collaborator"),
    }
}

/// "May this actor do X here?" for screens deciding what to offer.
pub fn allows(actor: &Actor, action: &Action) -> bool {
    authorize(actor, action).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            id: 1,
            role,
            active: true,
        }
    }

    #[test]
    fn inactive_actor_is_refused_everything() {
        let a = Actor {
            id: 1,
            role: Role::Admin,
            active: false,
        };
        assert!(authorize(&a, &Action::ViewAudit).is_err());
    }

    #[test]
    fn operator_reset_is_for_the_operator_only() {
        let reset = Action::OperatorResetPassword { target_id: 2 };
        for &role in Role::ALL {
            assert!(authorize(&actor(role), &reset).is_err(), "{role:?}");
        }
        assert_eq!(authorize_operator(&reset).map(|p| p.actor_id()), Ok(2));
        assert!(authorize_operator(&Action::ViewAudit).is_err());
    }

    #[test]
    fn permit_carries_actor() {
        let p = authorize(&actor(Role::Sales), &Action::CreateClient).unwrap();
        assert_eq!(p.actor_id(), 1);
    }
}
