//! Clients: created by sales (and theirs), edited by their owner, reassigned by
//! management, archived with their contracts and events.

use chrono::NaiveDate;

use super::validate::{self, Checks};
use super::{permit, Changes, Crm};
use crate::db::models::{Client, NewClient};
use crate::db::repo::clients::{self as repo, ClientChanges, ClientFilter, ClientRow, ClientSort};
use crate::db::repo::contracts::{
    self as contracts_repo, ContractFilter, ContractRow, ContractSort,
};
use crate::db::repo::events::{self as events_repo, EventFilter, EventRow, EventSort};
use crate::db::repo::{audit, collaborators as staff_repo, ListParams, Page};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::session::Session;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ClientInput {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub company_name: String,
    pub first_contact: NaiveDate,
    pub last_contact: NaiveDate,
}

/// Everything the client detail view shows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ClientDetail {
    pub client: Client,
    pub sales_contact_name: Option<String>,
    pub contracts: Vec<ContractRow>,
    pub events: Vec<EventRow>,
}

pub(crate) fn check(i: &ClientInput) -> Result<()> {
    let mut c = Checks::default();
    c.text("full_name", &i.full_name, true, 100);
    c.email("email", &i.email);
    c.text("phone", &i.phone, false, 40);
    c.phone("phone", &i.phone);
    c.text("company_name", &i.company_name, false, 200);
    if i.last_contact < i.first_contact {
        c.push("last_contact", "cannot be before the first contact");
    }
    c.finish()
}

impl Crm {
    pub fn list_clients<'a>(
        &self,
        f: &ClientFilter,
        sort: ClientSort,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<ClientRow>> {
        let backend = self.backend();
        self.db().read(|c| repo::list(c, backend, f, sort, p))
    }

    pub fn get_client(&self, id: i64) -> Result<ClientDetail> {
        let backend = self.backend();
        self.db().read(|c| {
            let client = repo::get(c, id)?;
            let sales_contact_name = repo::owner_name(c, client.sales_contact_id)?;
            let all = ListParams {
                include_archived: client.archived_at.is_some(),
                limit: 200,
                ..Default::default()
            };
            let contracts = contracts_repo::list(
                c,
                backend,
                &ContractFilter {
                    client: Some(id),
                    ..Default::default()
                },
                ContractSort::Created,
                &all,
            )?
            .rows;
            let events = events_repo::list(
                c,
                backend,
                &EventFilter {
                    client: Some(id),
                    ..Default::default()
                },
                EventSort::Start,
                &all,
            )?
            .rows;
            Ok(ClientDetail {
                client,
                sales_contact_name,
                contracts,
                events,
            })
        })
    }

    /// A sales collaborator creates a client, who becomes theirs.
    pub fn create_client(&self, session: &Session, input: &ClientInput) -> Result<i64> {
        check(input)?;
        let now = self.now();
        let email = validate::email(&input.email);
        self.write(session, |c, actor| {
            let p = permit(actor, Action::CreateClient)?;
            let owner_name = repo::owner_name(c, Some(actor.id))?;
            let mut draft = draft_client(input, &email, Some(actor.id));
            draft.search = repo::search_text(&draft, owner_name.as_deref());
            let id = repo::insert(
                c,
                &p,
                &NewClient {
                    full_name: draft.full_name.as_str(),
                    email: &email,
                    phone: input.phone.trim(),
                    company_name: input.company_name.trim(),
                    first_contact: input.first_contact,
                    last_contact: input.last_contact,
                    sales_contact_id: Some(actor.id),
                    search: &draft.search,
                    sort_name: &crate::domain::text::fold(&draft.full_name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            let mut ch = Changes::default();
            ch.created("full_name", &draft.full_name)
                .created("email", &email)
                .created_unless_blank("phone", input.phone.trim())
                .created("company_name", input.company_name.trim())
                .created("first_contact", input.first_contact)
                .created("last_contact", input.last_contact)
                .created("sales_contact", super::person(owner_name.as_deref()));
            audit::record(
                c,
                Some(&p),
                "client",
                id,
                "create",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(id)
        })
    }

    /// The owner (or an admin) edits the client's details.
    pub fn update_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        input: &ClientInput,
    ) -> Result<()> {
        check(input)?;
        let now = self.now();
        let email = validate::email(&input.email);
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("client", id, before.version, version)?;
            let p = permit(
                actor,
                Action::UpdateClientDetails {
                    owner: before.sales_contact_id,
                },
            )?;
            let owner_name = repo::owner_name(c, before.sales_contact_id)?;
            let mut after = draft_client(input, &email, before.sales_contact_id);
            after.search = repo::search_text(&after, owner_name.as_deref());
            let mut ch = Changes::default();
            ch.field("full_name", &before.full_name, &after.full_name)
                .field("email", &before.email, &after.email)
                .field("phone", &before.phone, &after.phone)
                .field("company_name", &before.company_name, &after.company_name)
                .field("first_contact", before.first_contact, after.first_contact)
                .field("last_contact", before.last_contact, after.last_contact);
            if ch.is_empty() {
                return Ok(());
            }
            repo::update(c, &p, id, version, &changes_of(&after), now)?;
            after.id = id;
            contracts_repo::refresh_search_for_client(c, &after, owner_name.as_deref())?;
            events_repo::refresh_search_for_client(c, &after)?;
            audit::record(
                c,
                Some(&p),
                "client",
                id,
                "update",
                &ch.0,
                &session.name,
                now,
            )
        })
    }

    /// Management gives a client to another active sales collaborator.
    pub fn reassign_client(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        new_owner: i64,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("client", id, before.version, version)?;
            let p = permit(
                actor,
                Action::ReassignClient {
                    owner: before.sales_contact_id,
                },
            )?;
            let owner = staff_repo::get(c, new_owner)
                .map_err(|_| Error::field("sales_contact", "no such collaborator"))?;
            if !owner.active || owner.role() != Role::Sales {
                return Err(Error::field(
                    "sales_contact",
                    "choose an active sales collaborator",
                ));
            }
            if before.sales_contact_id == Some(new_owner) {
                return Ok(());
            }
            let old_name = repo::owner_name(c, before.sales_contact_id)?;
            let mut after = before.clone();
            after.sales_contact_id = Some(new_owner);
            after.search = repo::search_text(&after, Some(&owner.full_name));
            repo::update(c, &p, id, version, &changes_of(&after), now)?;
            contracts_repo::refresh_search_for_client(c, &after, Some(&owner.full_name))?;
            let mut ch = Changes::default();
            ch.field(
                "sales_contact",
                super::person(old_name.as_deref()),
                &owner.full_name,
            );
            audit::record(
                c,
                Some(&p),
                "client",
                id,
                "reassign",
                &ch.0,
                &session.name,
                now,
            )
        })
    }

    /// Archives a client with its contracts and events (nothing is deleted), or
    /// restores it with those archived together with it.
    pub fn set_client_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("client", id, before.version, version)?;
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
            let (stamp, previous) = if archived {
                (Some(now), None)
            } else {
                (None, before.archived_at)
            };
            repo::set_archived(c, &p, id, version, stamp, now)?;
            let contract_ids = contracts_repo::cascade_archive(c, &p, id, stamp, previous, now)?;
            let all_contracts = contracts_repo::ids_for_client(c, id)?;
            let events = events_repo::cascade_archive(c, &p, &all_contracts, stamp, previous, now)?;
            let mut ch = Changes::default();
            ch.field("archived", !archived, archived);
            if !contract_ids.is_empty() || events > 0 {
                ch.field(
                    "with it",
                    "",
                    format!("{} contract(s), {events} event(s)", contract_ids.len()),
                );
            }
            audit::record(
                c,
                Some(&p),
                "client",
                id,
                if archived { "archive" } else { "restore" },
                &ch.0,
                &session.name,
                now,
            )
        })
    }
}

fn draft_client(i: &ClientInput, email: &str, owner: Option<i64>) -> Client {
    let epoch = chrono::NaiveDateTime::default();
    Client {
        id: 0,
        full_name: i.full_name.trim().to_string(),
        email: email.to_string(),
        phone: i.phone.trim().to_string(),
        company_name: i.company_name.trim().to_string(),
        first_contact: i.first_contact,
        last_contact: i.last_contact,
        sales_contact_id: owner,
        search: String::new(),
        archived_at: None,
        created_at: epoch,
        updated_at: epoch,
        version: 0,
    }
}

fn changes_of(c: &Client) -> ClientChanges<'_> {
    ClientChanges {
        full_name: &c.full_name,
        email: &c.email,
        phone: &c.phone,
        company_name: &c.company_name,
        first_contact: c.first_contact,
        last_contact: c.last_contact,
        sales_contact_id: c.sales_contact_id,
        search: &c.search,
    }
}
