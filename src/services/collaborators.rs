//! Staff accounts: creation with an initial password, edits, deactivation with a
//! hand-over of what the person owned.

use super::validate::{self, Checks};
use super::{permit, Changes, Crm};
use crate::db::models::{Collaborator, NewCollaborator};
use crate::db::repo::collaborators::{
    self as repo, CollaboratorChanges, CollaboratorFilter, CollaboratorSort,
};
use crate::db::repo::{
    audit, clients as clients_repo, contracts as contracts_repo, events as events_repo, Page,
};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::session::Session;
use crate::telemetry::{business, BusinessEvent};

/// What a collaborator form edits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CollaboratorInput {
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
}

/// Who takes over when someone is deactivated. `None` with `leave_unassigned`
/// leaves their clients without a sales contact / their events without support.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub struct Handover {
    pub clients_to: Option<i64>,
    pub events_to: Option<i64>,
    pub leave_unassigned: bool,
}

/// What a deactivation would leave behind, for the hand-over dialog.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Holdings {
    pub clients: i64,
    pub upcoming_events: i64,
}

fn check(input: &CollaboratorInput) -> Result<()> {
    let mut c = Checks::default();
    c.text("full_name", &input.full_name, true, 100);
    c.email("email", &input.email);
    if let Some(p) = &input.phone {
        c.phone("phone", p);
    }
    c.finish()
}

impl Crm {
    pub fn list_collaborators<'a>(
        &self,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<Collaborator>> {
        self.db().read(|c| repo::list(c, f, sort, p))
    }

    pub fn get_collaborator(&self, id: i64) -> Result<Collaborator> {
        self.db().read(|c| repo::get(c, id))
    }

    /// Active staff of a role, for pickers (support assignment, client owner).
    pub fn active_staff(&self, role: Role) -> Result<Vec<Collaborator>> {
        self.db().read(|c| repo::active_by_role(c, role))
    }

    /// Creates an account with an initial password the person must change at their
    /// first login. Returns the new id; the employee number is assigned here.
    pub fn create_collaborator(
        &self,
        session: &Session,
        input: &CollaboratorInput,
        initial_password: &str,
    ) -> Result<i64> {
        check(input)?;
        if let Err(m) = self.check_password(initial_password, &[&input.full_name, &input.email]) {
            return Err(Error::field("password", m));
        }
        let hash = self.hash(initial_password)?;
        let now = self.now();
        let email = validate::email(&input.email);
        let name = input.full_name.trim().to_string();
        let phone = input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let id = self.write(session, |c, actor| {
            let p = permit(actor, Action::CreateCollaborator { role: input.role })?;
            let number = repo::next_employee_number(c)?;
            let search = repo::search_text(&name, &email, &number, input.role.as_str(), phone);
            let id = repo::insert(
                c,
                Some(&p),
                &NewCollaborator {
                    employee_number: &number,
                    full_name: &name,
                    email: &email,
                    phone,
                    role: input.role.as_str(),
                    password_hash: &hash,
                    must_change_password: true,
                    active: true,
                    failed_logins: 0,
                    search: &search,
                    sort_name: &crate::domain::text::fold(&name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            let mut ch = Changes::default();
            ch.created("employee_number", &number)
                .created("full_name", &name)
                .created("email", &email)
                .created_unless_blank("phone", phone.unwrap_or_default())
                .created("role", input.role);
            audit::record(
                c,
                Some(&p),
                "collaborator",
                id,
                "create",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(id)
        })?;
        business(BusinessEvent::CollaboratorCreated {
            collaborator_id: id,
            actor_id: session.collaborator_id,
        });
        Ok(id)
    }

    /// Edits name, e-mail, phone and role, if `version` is still current.
    pub fn update_collaborator(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &CollaboratorInput,
    ) -> Result<()> {
        check(input)?;
        let now = self.now();
        let email = validate::email(&input.email);
        let name = input.full_name.trim().to_string();
        let phone = input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let changed = self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("collaborator", id, before.version, version)?;
            let p = permit(
                actor,
                Action::UpdateCollaborator {
                    target_id: id,
                    current: before.role(),
                    new: input.role,
                },
            )?;
            let mut ch = Changes::default();
            ch.field("full_name", &before.full_name, &name)
                .field("email", &before.email, &email)
                .field(
                    "phone",
                    before.phone.as_deref().unwrap_or(""),
                    phone.unwrap_or(""),
                )
                .field("role", &before.role, input.role);
            if ch.is_empty() {
                return Ok(false);
            }
            let search = repo::search_text(
                &name,
                &email,
                &before.employee_number,
                input.role.as_str(),
                phone,
            );
            repo::update(
                c,
                &p,
                id,
                version,
                &CollaboratorChanges {
                    full_name: &name,
                    email: &email,
                    phone,
                    role: input.role.as_str(),
                    search: &search,
                },
                now,
            )?;
            if before.full_name != name {
                for client in clients_repo::refresh_search_for_owner(c, id, &name)? {
                    contracts_repo::refresh_search_for_client(c, &client, Some(&name))?;
                }
                events_repo::refresh_search_for_support(c, id, &name)?;
            }
            if before.role() != input.role {
                // The server's sessions carry no role, but a changed role is a
                // changed trust: the person logs in again.
                crate::db::repo::sessions::revoke_all(c, id, now, "role changed")?;
            }
            audit::record(
                c,
                Some(&p),
                "collaborator",
                id,
                "update",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(true)
        })?;
        if changed {
            business(BusinessEvent::CollaboratorUpdated {
                collaborator_id: id,
                actor_id: session.collaborator_id,
            });
        }
        Ok(())
    }

    /// How many clients and upcoming events a collaborator holds.
    pub fn holdings(&self, id: i64) -> Result<Holdings> {
        let now = self.now();
        self.db().read(|c| {
            Ok(Holdings {
                clients: clients_repo::count_owned(c, id)?,
                upcoming_events: events_repo::upcoming_for_support(c, id, now)?.len() as i64,
            })
        })
    }

    /// Deactivates (handing over what they hold) or reactivates an account. A
    /// deactivated person cannot log in, and their running session loses its
    /// rights at its next write (the policy reads `active` from the database).
    pub fn set_collaborator_active(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        active: bool,
        handover: Handover,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let target = repo::get(c, id)?;
            super::expect_version("collaborator", id, target.version, version)?;
            let p = permit(actor, Action::SetCollaboratorActive { target_id: id, role: target.role() })?;
            if target.active == active {
                return Ok(());
            }
            let mut ch = Changes::default();
            ch.field("active", target.active, active);
            if !active {
                let owned = clients_repo::count_owned(c, id)?;
                let upcoming = events_repo::upcoming_for_support(c, id, now)?;
                if owned > 0 {
                    let to = match handover.clients_to {
                        Some(to) => Some(self.check_taker(c, to, id, Role::Sales, "clients_to")?),
                        None if handover.leave_unassigned => None,
                        None => {
                            return Err(Error::field(
                                "clients_to",
                                format!("{} still owns {owned} client(s): choose who takes them over", target.full_name),
                            ))
                        }
                    };
                    let to_name = clients_repo::owner_name(c, to)?;
                    let moved = clients_repo::reassign_all(c, &p, id, to, now)?;
                    ch.field("clients", format!("{} client(s)", moved.len()), super::person(to_name.as_deref()));
                    for client in clients_repo::refresh_search(c, &moved, to_name.as_deref())? {
                        contracts_repo::refresh_search_for_client(c, &client, to_name.as_deref())?;
                    }
                }
                if !upcoming.is_empty() {
                    let to = match handover.events_to {
                        Some(to) => Some(self.check_taker(c, to, id, Role::Support, "events_to")?),
                        None if handover.leave_unassigned => None,
                        None => {
                            return Err(Error::field(
                                "events_to",
                                format!(
                                    "{} is assigned to {} upcoming event(s): choose who takes them over",
                                    target.full_name,
                                    upcoming.len()
                                ),
                            ))
                        }
                    };
                    for ev in &upcoming {
                        self.reassign_event_support(c, &p, ev, to, &session.name, now)?;
                    }
                    let to_name = clients_repo::owner_name(c, to)?;
                    ch.field("upcoming events", format!("{} event(s)", upcoming.len()), super::person(to_name.as_deref()));
                }
            }
            repo::set_active(c, &p, id, version, active, now)?;
            if !active {
                crate::db::repo::sessions::revoke_all(c, id, now, "account deactivated")?;
            }
            let action = if active { "reactivate" } else { "deactivate" };
            audit::record(c, Some(&p), "collaborator", id, action, &ch.0, &session.name, now)
        })?;
        business(BusinessEvent::CollaboratorUpdated {
            collaborator_id: id,
            actor_id: session.collaborator_id,
        });
        Ok(())
    }

    /// The person taking over must be someone else, active, of the right role.
    fn check_taker(
        &self,
        c: &mut crate::db::DbConnection,
        to: i64,
        leaving: i64,
        role: Role,
        field: &'static str,
    ) -> Result<i64> {
        let taker = repo::get(c, to).map_err(|_| Error::field(field, "no such collaborator"))?;
        if to == leaving || !taker.active || taker.role() != role {
            return Err(Error::field(
                field,
                format!("choose another active {} collaborator", role.as_str()),
            ));
        }
        Ok(to)
    }
}
