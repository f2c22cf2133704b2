//! Importing a list of clients. A client is matched by e-mail (ignoring case):
//! a known one is updated with the sheet's non-empty cells (or reported
//! unchanged), a new one is created; an e-mail met twice in the sheet is
//! refused the second time. The sales contact is found by name or e-mail among
//! active sales collaborators. The same checks as the client form hold, the
//! same audit is written, and the whole import is one transaction like the
//! events'.

use chrono::NaiveDateTime;
use diesel::Connection;

use super::{reason, rule, ImportLine, ImportOptions, ImportReport, Outcome};
use crate::db::models::{Client, Collaborator, NewClient};
use crate::db::repo::clients::{self as repo, ClientChanges};
use crate::db::repo::events as events_repo;
use crate::db::repo::sheet_refs as refs;
use crate::db::repo::{audit, collaborators as staff_repo, contracts as contracts_repo};
use crate::db::{bulk_write, DbConnection};
use crate::domain::text::fold;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::import::SheetClient;
use crate::policy::{Action, Permit};
use crate::services::validate::{self, Checks};
use crate::services::{permit, person, Changes, Crm};
use crate::session::Session;

/// The client form's checks.
fn check(c: &Client) -> Result<()> {
    let mut k = Checks::default();
    k.text("full_name", &c.full_name, true, 100);
    k.email("email", &c.email);
    k.text("phone", &c.phone, false, 40);
    k.phone("phone", &c.phone);
    k.text("company_name", &c.company_name, false, 200);
    if c.last_contact < c.first_contact {
        k.push("last_contact", "cannot be before the first contact");
    }
    k.finish()
}

/// An active sales collaborator by full name or e-mail, ignoring case and accents.
fn find_sales(staff: &[Collaborator], who: &str) -> Result<i64> {
    let folded = fold(who.trim());
    staff
        .iter()
        .find(|s| fold(&s.full_name) == folded || s.email.to_lowercase() == folded)
        .map(|s| s.id)
        .ok_or_else(|| {
            Error::field(
                "sales_contact",
                format!("no active sales collaborator \"{}\"", who.trim()),
            )
        })
}

impl Crm {
    /// Imports the clients of a sheet (see the module's doc). Allowed to whoever
    /// may import (admin and management). `progress` is told how many rows are
    /// done after each one.
    pub fn import_clients(
        &self,
        session: &Session,
        sheet: &[SheetClient],
        opts: ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport> {
        let now = self.now();
        let mut report = None;
        let r = self.write(session, |c, actor| {
            let p = permit(actor, Action::ImportEvents)?;
            let sales = staff_repo::active_by_role(c, Role::Sales)?;
            let mut seen: std::collections::HashMap<String, usize> = Default::default();
            // A new client is indexed for search at the end (see [`bulk_write`]);
            // the sheet names each client once, so none is changed after.
            let bulk = bulk_write::begin(c, "clients")?;
            let mut lines = Vec::with_capacity(sheet.len());
            for (i, row) in sheet.iter().enumerate() {
                let email = row.email.as_deref().map(validate::email);
                let outcome = match email.as_ref().and_then(|e| seen.get(e)) {
                    Some(first) => Outcome::Error {
                        reason: format!("the e-mail is already on line {first} of the sheet"),
                    },
                    None => match c.transaction(|c| {
                        import_one(c, &p, &session.name, &sales, row, email.as_deref(), now)
                    }) {
                        Ok(o) => o,
                        Err(e) => Outcome::Error { reason: reason(&e) },
                    },
                };
                if let Some(e) = email {
                    seen.entry(e).or_insert(row.line);
                }
                lines.push(ImportLine {
                    line: row.line,
                    name: row.full_name.clone().unwrap_or_default(),
                    outcome,
                });
                progress(i + 1);
            }
            // Also before a rollback: it puts the connection's cache back.
            if let Some(b) = bulk {
                b.finish(c)?;
            }
            let failed = lines
                .iter()
                .any(|l| matches!(l.outcome, Outcome::Error { .. }));
            let keep = !opts.dry_run && (opts.partial || !failed);
            report = Some(ImportReport {
                lines,
                written: keep,
            });
            if keep {
                Ok(())
            } else {
                Err(Error::Database(diesel::result::Error::RollbackTransaction))
            }
        });
        match (r, report) {
            (Ok(()), Some(rep))
            | (Err(Error::Database(diesel::result::Error::RollbackTransaction)), Some(rep)) => {
                Ok(rep)
            }
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(rule("the import produced no report")),
        }
    }
}

fn import_one(
    c: &mut DbConnection,
    p: &Permit,
    actor_name: &str,
    sales: &[Collaborator],
    row: &SheetClient,
    email: Option<&str>,
    now: NaiveDateTime,
) -> Result<Outcome> {
    if !row.problems.is_empty() {
        return Err(rule(row.problems.join("; ")));
    }
    let email = email.ok_or_else(|| rule("no e-mail: clients are matched by e-mail"))?;
    let owner = match row.sales_contact.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(find_sales(sales, s)?),
    };
    let existing = match refs::clients_by_email(c, email)?.as_slice() {
        [] => None,
        [one] => Some(repo::get(c, *one)?),
        many => {
            return Err(rule(format!(
                "{} clients have this e-mail in the CRM",
                many.len()
            )))
        }
    };
    let text =
        |v: &Option<String>, old: &str| v.as_deref().map(str::trim).unwrap_or(old).to_string();
    match existing {
        None => {
            let today = now.date();
            let first = row.first_contact.unwrap_or(today);
            let mut draft = Client {
                id: 0,
                full_name: text(&row.full_name, ""),
                email: email.to_string(),
                phone: text(&row.phone, ""),
                company_name: text(&row.company_name, ""),
                first_contact: first,
                last_contact: row.last_contact.unwrap_or(first.max(today)),
                sales_contact_id: owner,
                search: String::new(),
                archived_at: None,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            check(&draft)?;
            let owner_name = repo::owner_name(c, owner)?;
            draft.search = repo::search_text(&draft, owner_name.as_deref());
            let id = repo::insert(
                c,
                p,
                &NewClient {
                    full_name: &draft.full_name,
                    email: &draft.email,
                    phone: &draft.phone,
                    company_name: &draft.company_name,
                    first_contact: draft.first_contact,
                    last_contact: draft.last_contact,
                    sales_contact_id: owner,
                    search: &draft.search,
                    sort_name: &fold(&draft.full_name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            let mut ch = Changes::default();
            ch.created("full_name", &draft.full_name)
                .created("email", &draft.email)
                .created_unless_blank("phone", &draft.phone)
                .created("company_name", &draft.company_name)
                .created("first_contact", draft.first_contact)
                .created("last_contact", draft.last_contact)
                .created("sales_contact", person(owner_name.as_deref()));
            audit::record(c, Some(p), "client", id, "import", &ch.0, actor_name, now)?;
            Ok(Outcome::Created { id })
        }
        Some(before) => {
            let mut after = before.clone();
            after.full_name = text(&row.full_name, &before.full_name);
            after.phone = text(&row.phone, &before.phone);
            after.company_name = text(&row.company_name, &before.company_name);
            after.first_contact = row.first_contact.unwrap_or(before.first_contact);
            after.last_contact = row.last_contact.unwrap_or(before.last_contact);
            after.sales_contact_id = owner.or(before.sales_contact_id);
            let old_owner = repo::owner_name(c, before.sales_contact_id)?;
            let new_owner = repo::owner_name(c, after.sales_contact_id)?;
            let mut ch = Changes::default();
            ch.field("full_name", &before.full_name, &after.full_name)
                .field("phone", &before.phone, &after.phone)
                .field("company_name", &before.company_name, &after.company_name)
                .field("first_contact", before.first_contact, after.first_contact)
                .field("last_contact", before.last_contact, after.last_contact)
                .field(
                    "sales_contact",
                    person(old_owner.as_deref()),
                    person(new_owner.as_deref()),
                );
            if ch.is_empty() {
                return Ok(Outcome::Unchanged { id: before.id });
            }
            if before.archived_at.is_some() {
                return Err(rule(format!(
                    "client #{} is archived: restore it before importing changes",
                    before.id
                )));
            }
            check(&after)?;
            after.search = repo::search_text(&after, new_owner.as_deref());
            repo::update(
                c,
                p,
                before.id,
                before.version,
                &ClientChanges {
                    full_name: &after.full_name,
                    email: &after.email,
                    phone: &after.phone,
                    company_name: &after.company_name,
                    first_contact: after.first_contact,
                    last_contact: after.last_contact,
                    sales_contact_id: after.sales_contact_id,
                    search: &after.search,
                },
                now,
            )?;
            contracts_repo::refresh_search_for_client(c, &after, new_owner.as_deref())?;
            events_repo::refresh_search_for_client(c, &after)?;
            let fields = ch.0.iter().map(|f| f.field.clone()).collect();
            audit::record(
                c,
                Some(p),
                "client",
                before.id,
                "import",
                &ch.0,
                actor_name,
                now,
            )?;
            Ok(Outcome::Updated {
                id: before.id,
                fields,
            })
        }
    }
}
