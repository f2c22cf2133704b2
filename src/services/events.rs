//! Events: created by the client's sales contact on a signed contract, staffed by
//! management, kept up to date by their support collaborator.

use chrono::NaiveDateTime;

use super::validate::Checks;
use super::{permit, Changes, Crm};
use crate::db::models::{Client, Contract, Event, NewEvent};
use crate::db::repo::events::{self as repo, EventChanges, EventFilter, EventRow, EventSort};
use crate::db::repo::Page;
use crate::db::repo::{
    audit, clients as clients_repo, collaborators as staff_repo, contracts as contracts_repo,
};
use crate::db::DbConnection;
use crate::domain::time::show_local;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::policy::{Action, Permit};
use crate::services::notifications::{notify, Kind};
use crate::session::Session;

/// What the event form edits. Times are UTC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    pub name: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub location: String,
    pub attendees: i32,
    pub notes: String,
}

/// Everything the event detail view shows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: Event,
    pub contract: Contract,
    pub client: Client,
    pub support_name: Option<String>,
    pub sales_contact_name: Option<String>,
}

pub(crate) fn check(i: &EventInput) -> Result<()> {
    let mut c = Checks::default();
    c.text("name", &i.name, true, 200);
    c.text("location", &i.location, false, 500);
    c.multiline("notes", &i.notes, false, 20_000);
    if i.ends_at <= i.starts_at {
        c.push("ends_at", "must be after the start");
    }
    if i.attendees < 0 {
        c.push("attendees", "cannot be negative");
    }
    c.finish()
}

impl Crm {
    pub fn list_events<'a>(
        &self,
        f: &EventFilter,
        sort: EventSort,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<EventRow>> {
        let backend = self.backend();
        let mut f = f.clone();
        f.now.get_or_insert_with(|| self.now());
        self.db().read(|c| repo::list(c, backend, &f, sort, p))
    }

    pub fn get_event(&self, id: i64) -> Result<EventDetail> {
        self.db().read(|c| {
            let event = repo::get(c, id)?;
            let contract = contracts_repo::get(c, event.contract_id)?;
            let client = clients_repo::get(c, contract.client_id)?;
            let support_name = clients_repo::owner_name(c, event.support_id)?;
            let sales_contact_name = clients_repo::owner_name(c, client.sales_contact_id)?;
            Ok(EventDetail {
                event,
                contract,
                client,
                support_name,
                sales_contact_name,
            })
        })
    }

    /// The client's sales contact creates an event on a signed contract.
    pub fn create_event(
        &self,
        session: &Session,
        contract_id: i64,
        input: &EventInput,
    ) -> Result<i64> {
        check(input)?;
        let now = self.now();
        self.write(session, |c, actor| {
            let contract = contracts_repo::get(c, contract_id)
                .map_err(|_| Error::field("contract", "choose a contract"))?;
            let client = clients_repo::get(c, contract.client_id)?;
            let p = permit(
                actor,
                Action::CreateEvent {
                    owner: client.sales_contact_id,
                    contract_signed: contract.signed,
                },
            )?;
            if contract.archived_at.is_some() {
                return Err(Error::field("contract", "this contract is archived"));
            }
            let name = input.name.trim();
            let id = repo::insert(
                c,
                &p,
                &NewEvent {
                    name,
                    contract_id,
                    support_id: None,
                    starts_at: input.starts_at,
                    ends_at: input.ends_at,
                    location: input.location.trim(),
                    attendees: input.attendees,
                    notes: &input.notes,
                    search: "",
                    sort_name: &crate::domain::text::fold(name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            set_search(
                c,
                id,
                &repo::search_text(id, name, input.location.trim(), &client, None),
            )?;
            let mut ch = Changes::default();
            ch.created("name", name)
                .created("contract", format!("#{contract_id}"))
                .created("starts_at", show_local(input.starts_at))
                .created("ends_at", show_local(input.ends_at))
                .created("location", input.location.trim())
                .created("attendees", input.attendees)
                .created_unless_blank("notes", &input.notes);
            audit::record(
                c,
                Some(&p),
                "event",
                id,
                "create",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(id)
        })
    }

    /// Edits the details; the assigned support is told when someone else does it.
    pub fn update_event(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &EventInput,
    ) -> Result<()> {
        check(input)?;
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("event", id, before.version, version)?;
            let p = permit(
                actor,
                Action::UpdateEvent {
                    support: before.support_id,
                },
            )?;
            let name = input.name.trim();
            let location = input.location.trim();
            let mut ch = Changes::default();
            ch.field("name", &before.name, name)
                .field(
                    "starts_at",
                    show_local(before.starts_at),
                    show_local(input.starts_at),
                )
                .field(
                    "ends_at",
                    show_local(before.ends_at),
                    show_local(input.ends_at),
                )
                .field("location", &before.location, location)
                .field("attendees", before.attendees, input.attendees)
                .field("notes", &before.notes, &input.notes);
            if ch.is_empty() {
                return Ok(());
            }
            let client = repo::client_of(c, &before)?;
            let support_name = clients_repo::owner_name(c, before.support_id)?;
            let search = repo::search_text(id, name, location, &client, support_name.as_deref());
            repo::update(
                c,
                &p,
                id,
                version,
                &EventChanges {
                    name,
                    starts_at: input.starts_at,
                    ends_at: input.ends_at,
                    location,
                    attendees: input.attendees,
                    notes: &input.notes,
                    search: &search,
                },
                now,
            )?;
            audit::record(
                c,
                Some(&p),
                "event",
                id,
                "update",
                &ch.0,
                &session.name,
                now,
            )?;
            if let Some(support) = before.support_id.filter(|s| *s != actor.id) {
                let fields: Vec<&str> =
                    ch.0.iter()
                        .map(|f| f.field.as_str())
                        .filter(|f| *f != "name")
                        .collect();
                if !fields.is_empty() {
                    let msg = format!(
                        "{} changed {} of \"{name}\"",
                        session.name,
                        fields.join(", ")
                    );
                    notify(c, support, Kind::EventChanged, "event", id, &msg, now)?;
                }
            }
            Ok(())
        })
    }

    /// Management assigns (or removes, with `None`) the support collaborator.
    pub fn assign_support(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        support: Option<i64>,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("event", id, before.version, version)?;
            let p = permit(actor, Action::AssignSupport)?;
            if let Some(s) = support {
                let who = staff_repo::get(c, s)
                    .map_err(|_| Error::field("support", "no such collaborator"))?;
                if !who.active || who.role() != Role::Support {
                    return Err(Error::field(
                        "support",
                        "choose an active support collaborator",
                    ));
                }
            }
            if before.support_id == support {
                return Ok(());
            }
            self.reassign_event_support(c, &p, &before, support, &session.name, now)
        })
    }

    /// Sets an event's support, audits and notifies the new assignee. Shared with
    /// the hand-over when someone is deactivated.
    pub(crate) fn reassign_event_support(
        &self,
        c: &mut DbConnection,
        p: &Permit,
        before: &Event,
        support: Option<i64>,
        actor_name: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        let client = repo::client_of(c, before)?;
        let old_name = clients_repo::owner_name(c, before.support_id)?;
        let new_name = clients_repo::owner_name(c, support)?;
        let search = repo::search_text(
            before.id,
            &before.name,
            &before.location,
            &client,
            new_name.as_deref(),
        );
        repo::set_support(c, p, before.id, before.version, support, &search, now)?;
        let mut ch = Changes::default();
        ch.field(
            "support",
            super::person(old_name.as_deref()),
            super::person(new_name.as_deref()),
        );
        audit::record(
            c,
            Some(p),
            "event",
            before.id,
            "assign support",
            &ch.0,
            actor_name,
            now,
        )?;
        if let Some(s) = support.filter(|s| *s != p.actor_id()) {
            let msg = format!(
                "You are now the support contact of \"{}\" ({})",
                before.name,
                show_local(before.starts_at)
            );
            notify(c, s, Kind::SupportAssigned, "event", before.id, &msg, now)?;
        }
        Ok(())
    }

    pub fn set_event_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("event", id, before.version, version)?;
            let p = permit(
                actor,
                if archived {
                    Action::Archive
                } else {
                    Action::Restore
                },
            )?;
            if before.archived_at.is_some() == archived {
                return Ok(());
            }
            if !archived
                && contracts_repo::get(c, before.contract_id)?
                    .archived_at
                    .is_some()
            {
                return Err(Error::Rule(
                    "its contract is archived: restore the contract".into(),
                ));
            }
            repo::set_archived(
                c,
                &p,
                id,
                version,
                if archived { Some(now) } else { None },
                now,
            )?;
            let mut ch = Changes::default();
            ch.field("archived", !archived, archived);
            audit::record(
                c,
                Some(&p),
                "event",
                id,
                if archived { "archive" } else { "restore" },
                &ch.0,
                &session.name,
                now,
            )
        })
    }
}

/// Writes the derived `search` column without bumping the version.
fn set_search(c: &mut DbConnection, id: i64, search: &str) -> Result<()> {
    use crate::db::schema::events;
    use diesel::prelude::*;
    diesel::update(events::table.find(id))
        .set(events::search.eq(search))
        .execute(c)?;
    Ok(())
}
