//! Importing the support team's spreadsheet of events. Each event of the sheet
//! is matched by the sheet's own id (`Event ID`, kept as the event's
//! `external_ref`), its contract by the sheet's `Contract ID` or else the client's
//! only signed contract, its client by e-mail then name, its support by name or
//! e-mail among active support staff. Every rule of the program still holds (a
//! signed contract, the end after the start, …), and the whole import is one
//! transaction: all or nothing, unless the caller asks for the good rows alone.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod batch;
pub mod clients;

use super::events::check;
use super::{permit, Changes, Crm};
use crate::db::models::{Client, Collaborator, Contract, Event};
use crate::db::repo::events::{self as events_repo, EventChanges};
use crate::db::repo::sheet_refs as refs;
use crate::db::repo::{
    audit, clients as clients_repo, collaborators as staff_repo, contracts as contracts_repo,
};
use crate::db::{bulk_write, DbConnection};
use crate::domain::text::fold;
use crate::domain::time::{from_local, show_local};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::import::SheetEvent;
use crate::policy::{Action, Permit};
use crate::services::events::EventInput;
use crate::services::notifications::{notify, Kind};
use crate::session::Session;

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Write the rows that are fine even when others are not (by default one
    /// bad row means nothing is written).
    pub partial: bool,
}

/// What became of one event of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    Created { id: i64 },
    Updated { id: i64, fields: Vec<String> },
    Unchanged { id: i64 },
    Error { reason: String },
}

/// One line of the report: where the event starts in the sheet and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportLine {
    pub line: usize,
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub lines: Vec<ImportLine>,
    /// False after a dry run, or when a bad row stopped an all-or-nothing import.
    pub written: bool,
}

impl ImportReport {
    /// (created, updated, unchanged, errors)
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut n = (0, 0, 0, 0);
        for l in &self.lines {
            match l.outcome {
                Outcome::Created { .. } => n.0 += 1,
                Outcome::Updated { .. } => n.1 += 1,
                Outcome::Unchanged { .. } => n.2 += 1,
                Outcome::Error { .. } => n.3 += 1,
            }
        }
        n
    }
}

/// One sentence for the report from a refused row.
fn reason(e: &Error) -> String {
    match e {
        Error::Validation(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        Error::Rule(s) => s.clone(),
        Error::Denied(d) => d.reason.to_string(),
        other => other.user_message(),
    }
}

fn rule(s: impl Into<String>) -> Error {
    Error::Rule(s.into())
}

impl Crm {
    /// Imports the events of a sheet (see the module's doc). `progress` is told
    /// how many events are done after each one.
    pub fn import_events(
        &self,
        session: &Session,
        sheet: &[SheetEvent],
        opts: ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport> {
        let now = self.now();
        let mut report = None;
        let r = self.write(session, |c, actor| {
            let p = permit(actor, Action::ImportEvents)?;
            let mut look = Lookups {
                support: staff_repo::active_by_role(c, Role::Support)?,
                // A failed statement spoils a PostgreSQL transaction up to the
                // last savepoint; on SQLite it undoes only itself.
                savepoint_each_row: matches!(c, DbConnection::Postgresql(_)),
                ..Lookups::default()
            };
            let refs: Vec<&str> = sheet
                .iter()
                .filter_map(|e| e.external_ref.as_deref())
                .filter(|r| crm_id(r).is_none())
                .collect();
            look.by_ref = refs::events_by_refs(c, &refs)?
                .into_iter()
                .filter_map(|e| Some((e.external_ref.clone()?, e)))
                .collect();
            let bulk = bulk_write::begin(c, "events")?;
            let mut lines = Vec::with_capacity(sheet.len());
            for (i, ev) in sheet.iter().enumerate() {
                look.start_row(c, lines.len())?;
                let result = self.import_one(c, &p, &session.name, &mut look, ev, now);
                let outcome = look.end_row(c, result)?;
                if let Outcome::Created { id } | Outcome::Updated { id, .. } = outcome {
                    look.written.insert(id, ev.line);
                    if let Some(r) = &ev.external_ref {
                        look.written_refs.insert(r.clone(), ev.line);
                    }
                }
                lines.push(ImportLine {
                    line: ev.line,
                    name: ev.name.clone(),
                    outcome,
                });
                if look.queue.len() >= batch::SIZE {
                    batch::flush(c, &p, &mut look.queue, &mut lines, now)?;
                }
                progress(i + 1);
            }
            batch::flush(c, &p, &mut look.queue, &mut lines, now)?;
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

    fn import_one(
        &self,
        c: &mut DbConnection,
        p: &Permit,
        actor_name: &str,
        look: &mut Lookups,
        ev: &SheetEvent,
        now: NaiveDateTime,
    ) -> Result<Outcome> {
        if !ev.problems.is_empty() {
            return Err(rule(ev.problems.join("; ")));
        }
        let name = ev.name.trim();
        if name.is_empty() {
            return Err(rule(
                "no event name (the block's title line, or the Event column)",
            ));
        }
        let utc = |t: Option<NaiveDateTime>, what: &str| -> Result<NaiveDateTime> {
            let t = t.ok_or_else(|| rule(format!("no {what} date")))?;
            from_local(t).ok_or_else(|| {
                rule(format!(
                    "{what}: {t} does not exist here (the clocks change)"
                ))
            })
        };
        let input = EventInput {
            name: name.to_string(),
            starts_at: utc(ev.starts_at, "start")?,
            ends_at: utc(ev.ends_at, "end")?,
            location: ev.location.trim().to_string(),
            attendees: ev.attendees.unwrap_or(0),
            notes: ev.notes.clone(),
        };
        check(&input)?;
        let contract = self.sheet_contract(c, p, actor_name, look, ev, now)?;
        if !contract.signed {
            return Err(rule(format!(
                "contract #{} is not signed: events need a signed contract",
                contract.id
            )));
        }
        if contract.archived_at.is_some() {
            return Err(rule(format!("contract #{} is archived", contract.id)));
        }
        let support = match ev.support.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(find_support(&look.support, s)?),
        };
        let existing = match ev.external_ref.as_deref().map(|r| (r, crm_id(r))) {
            // "#12": the CRM's own id, as an export writes it.
            Some((r, Some(id))) => Some(
                events_repo::get(c, id).map_err(|_| rule(format!("no event {r} in the CRM")))?,
            ),
            Some((r, None)) => {
                if let Some(line) = look.written_refs.get(r) {
                    return Err(rule(format!(
                        "the same event as line {line} of the sheet: each event once"
                    )));
                }
                look.by_ref.get(r).cloned()
            }
            None => {
                let key = (name.to_string(), contract.id, input.starts_at);
                if let Some(line) = look.queued.get(&key) {
                    return Err(rule(format!(
                        "the same event as line {line} of the sheet: each event once"
                    )));
                }
                refs::event_like(c, name, contract.id, input.starts_at)?
            }
        };
        if let Some(line) = existing.as_ref().and_then(|e| look.written.get(&e.id)) {
            return Err(rule(format!(
                "the same event as line {line} of the sheet: each event once"
            )));
        }
        match existing {
            None => import_new(c, p, actor_name, look, ev, &contract, &input, support, now),
            Some(before) => self.import_update(
                c, p, actor_name, look, &before, &contract, ev, &input, support, now,
            ),
        }
    }

    /// The contract of a sheet's event: by the sheet's contract id, or else the
    /// client's only signed contract (which then keeps the sheet's id).
    fn sheet_contract(
        &self,
        c: &mut DbConnection,
        p: &Permit,
        actor_name: &str,
        look: &mut Lookups,
        ev: &SheetEvent,
        now: NaiveDateTime,
    ) -> Result<Contract> {
        if let Some(r) = ev.contract_ref.as_deref() {
            if let Some(id) = crm_id(r) {
                return contracts_repo::get(c, id)
                    .map_err(|_| rule(format!("no contract {r} in the CRM")));
            }
            if let Some(k) = refs::contract_by_ref(c, r)? {
                return Ok(k);
            }
        }
        let client_id = sheet_client(c, look, ev)?;
        let mut signed = look.signed_contracts(c, client_id)?;
        // The client's name is only needed to explain a refusal.
        let mut client_name =
            |c: &mut DbConnection| look.client(c, client_id).map(|k| k.full_name.clone());
        match signed.len() {
            0 => Err(rule(format!("{} has no signed contract", client_name(c)?))),
            1 => {
                let k = signed.remove(0);
                match (ev.contract_ref.as_deref(), k.external_ref.as_deref()) {
                    (Some(r), None) => {
                        look.begin_writes(c)?;
                        refs::set_contract_ref(c, p, k.id, r)?;
                        look.signed.remove(&client_id);
                        let mut ch = Changes::default();
                        ch.field("sheet id", "—", r);
                        audit::record(
                            c,
                            Some(p),
                            "contract",
                            k.id,
                            "import",
                            &ch.0,
                            actor_name,
                            now,
                        )?;
                    }
                    (Some(r), Some(known)) if r != known => {
                        return Err(rule(format!(
                        "contract {r} is not known; {}'s signed contract is {known} in the sheet",
                        client_name(c)?
                    )))
                    }
                    _ => {}
                }
                Ok(k)
            }
            n => Err(rule(format!(
                "{} has {n} signed contracts: give the sheet's Contract ID",
                client_name(c)?
            ))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn import_update(
        &self,
        c: &mut DbConnection,
        p: &Permit,
        actor_name: &str,
        look: &mut Lookups,
        before: &Event,
        contract: &Contract,
        ev: &SheetEvent,
        input: &EventInput,
        support: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<Outcome> {
        if before.contract_id != contract.id {
            return Err(rule(format!(
                "the sheet puts event {} on contract #{}, the CRM on #{}",
                ev.external_ref.as_deref().unwrap_or(&before.name),
                contract.id,
                before.contract_id
            )));
        }
        // An attendees cell left empty keeps what the CRM has.
        let attendees = ev.attendees.unwrap_or(before.attendees);
        let mut ch = Changes::default();
        ch.field("name", &before.name, &input.name)
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
            .field("location", &before.location, &input.location)
            .field("attendees", before.attendees, attendees)
            .field("notes", &before.notes, &input.notes);
        let support_changes = before.support_id != support;
        if ch.is_empty() && !support_changes {
            return Ok(Outcome::Unchanged { id: before.id });
        }
        if before.archived_at.is_some() {
            return Err(rule(format!(
                "event #{} is archived: restore it before importing changes",
                before.id
            )));
        }
        look.begin_writes(c)?;
        let mut fields: Vec<String> = ch.0.iter().map(|f| f.field.clone()).collect();
        if !ch.is_empty() {
            let client = look.client(c, contract.client_id)?.clone();
            let support_name = clients_repo::owner_name(c, before.support_id)?;
            let search = events_repo::search_text(
                before.id,
                &input.name,
                &input.location,
                &client,
                support_name.as_deref(),
            );
            events_repo::update(
                c,
                p,
                before.id,
                before.version,
                &EventChanges {
                    name: &input.name,
                    starts_at: input.starts_at,
                    ends_at: input.ends_at,
                    location: &input.location,
                    attendees,
                    notes: &input.notes,
                    search: &search,
                },
                now,
            )?;
            audit::record(
                c,
                Some(p),
                "event",
                before.id,
                "import",
                &ch.0,
                actor_name,
                now,
            )?;
            if let Some(s) = before
                .support_id
                .filter(|s| *s != p.actor_id() && !support_changes)
            {
                let msg = format!(
                    "{actor_name} imported changes to {} of \"{}\"",
                    fields.join(", "),
                    input.name
                );
                notify(c, s, Kind::EventChanged, "event", before.id, &msg, now)?;
            }
        }
        if support_changes {
            let fresh = events_repo::get(c, before.id)?;
            self.reassign_event_support(c, p, &fresh, support, actor_name, now)?;
            fields.push("support".into());
        }
        Ok(Outcome::Updated {
            id: before.id,
            fields,
        })
    }

    /// Records the ids an event and its contract have in the support team's sheet
    /// (the demo data carries the brief's: events 109 and 1023, contracts 652 and 412).
    pub fn set_sheet_refs(
        &self,
        session: &Session,
        event_id: i64,
        event_ref: &str,
        contract_ref: &str,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let p = permit(actor, Action::ImportEvents)?;
            let event = events_repo::get(c, event_id)?;
            refs::set_event_ref(c, &p, event_id, event_ref)?;
            refs::set_contract_ref(c, &p, event.contract_id, contract_ref)?;
            let mut ch = Changes::default();
            ch.field("sheet id", "—", event_ref);
            audit::record(
                c,
                Some(&p),
                "event",
                event_id,
                "import",
                &ch.0,
                &session.name,
                now,
            )?;
            let mut ch = Changes::default();
            ch.field("sheet id", "—", contract_ref);
            audit::record(
                c,
                Some(&p),
                "contract",
                event.contract_id,
                "import",
                &ch.0,
                &session.name,
                now,
            )
        })
    }
}

/// `#12` → 12: a sheet id that is the CRM's own (as exports write them).
fn crm_id(r: &str) -> Option<i64> {
    r.trim().strip_prefix('#')?.trim().parse().ok()
}

/// The client a sheet's event belongs to: by the contact's e-mail, then by name.
fn sheet_client(c: &mut DbConnection, look: &mut Lookups, ev: &SheetEvent) -> Result<i64> {
    if let Some(email) = ev.client_email.as_deref() {
        if let [one] = look.clients_by_email(c, email)?.as_slice() {
            return Ok(*one);
        }
    }
    let name = ev.client_name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return Err(rule(match ev.client_email.as_deref() {
            Some(e) => format!("no client with the e-mail {e}, and no client name"),
            None => "no Contract ID the CRM knows, and no client to find the contract by".into(),
        }));
    }
    match refs::clients_by_folded_name(c, &fold(name))?.as_slice() {
        [one] => Ok(*one),
        [] => Err(rule(format!("no client named \"{name}\""))),
        many => Err(rule(format!(
            "{} clients are named \"{name}\": give the client's e-mail",
            many.len()
        ))),
    }
}

/// An active support collaborator by full name or e-mail, ignoring case and accents.
fn find_support(staff: &[Collaborator], who: &str) -> Result<i64> {
    let folded = fold(who.trim());
    staff
        .iter()
        .find(|s| fold(&s.full_name) == folded || s.email.to_lowercase() == folded)
        .map(|s| s.id)
        .ok_or_else(|| {
            Error::field(
                "support",
                format!("no active support collaborator \"{}\"", who.trim()),
            )
        })
}

/// What an import reads again and again, read once: the active support staff,
/// clients by e-mail, clients, and each client's signed contracts. An import
/// writes none of these except a contract's sheet id, which drops that
/// client's contracts from here.
#[derive(Default)]
struct Lookups {
    support: Vec<Collaborator>,
    by_email: HashMap<String, Vec<i64>>,
    clients: HashMap<i64, Client>,
    signed: HashMap<i64, Vec<Contract>>,
    /// The events this import created or changed, with their line: a sheet
    /// names each event once (and a new event's full-text entry is written
    /// only at the end, see [`bulk_write`]).
    written: HashMap<i64, usize>,
    /// The same by sheet id.
    written_refs: HashMap<String, usize>,
    /// The events the sheet's ids name, as they were before the import.
    by_ref: HashMap<String, Event>,
    /// New events checked and waiting to be written (see [`batch`]).
    queue: Vec<batch::NewRow>,
    /// The queued events without a sheet id, by name, contract and start, with
    /// their line: they cannot be found in the database yet.
    queued: HashMap<(String, i64, NaiveDateTime), usize>,
    /// The report line of the row being imported.
    row: usize,
    /// Open a savepoint for every row, not only for a row that writes.
    savepoint_each_row: bool,
    /// The row being imported has written something (its contract's sheet id,
    /// changes to its event).
    row_wrote: bool,
    /// The id the next new event takes (SQLite, see [`Lookups::new_event_id`]).
    next_id: Option<i64>,
}

impl Lookups {
    fn clients_by_email(&mut self, c: &mut DbConnection, email: &str) -> Result<Vec<i64>> {
        let key = email.trim().to_lowercase();
        if let Some(ids) = self.by_email.get(&key) {
            return Ok(ids.clone());
        }
        let ids = refs::clients_by_email(c, &key)?;
        self.by_email.insert(key, ids.clone());
        Ok(ids)
    }

    fn client(&mut self, c: &mut DbConnection, id: i64) -> Result<&Client> {
        match self.clients.entry(id) {
            std::collections::hash_map::Entry::Occupied(e) => Ok(e.into_mut()),
            std::collections::hash_map::Entry::Vacant(e) => Ok(e.insert(clients_repo::get(c, id)?)),
        }
    }

    /// Starts a row of the report: its writes are undone if it is refused, so
    /// a refused row leaves no trace.
    fn start_row(&mut self, c: &mut DbConnection, row: usize) -> Result<()> {
        self.row = row;
        self.row_wrote = false;
        if self.savepoint_each_row {
            Self::savepoint(c)?;
        }
        Ok(())
    }

    /// Called before a row's first write: a savepoint, unless one is open. Most
    /// rows write nothing themselves (a new event waits for its batch), and a
    /// savepoint per row cost an import of 100 000 rows a quarter of its time.
    fn begin_writes(&mut self, c: &mut DbConnection) -> Result<()> {
        if !self.in_savepoint() {
            Self::savepoint(c)?;
        }
        self.row_wrote = true;
        Ok(())
    }

    /// The row being imported is inside a savepoint.
    fn in_savepoint(&self) -> bool {
        self.savepoint_each_row || self.row_wrote
    }

    fn savepoint(c: &mut DbConnection) -> Result<()> {
        use diesel::connection::TransactionManager;
        <DbConnection as Connection>::TransactionManager::begin_transaction(c)?;
        Ok(())
    }

    /// Ends a row: keeps its writes when it went through, undoes them when it
    /// was refused (then its outcome is the reason).
    fn end_row(&mut self, c: &mut DbConnection, result: Result<Outcome>) -> Result<Outcome> {
        use diesel::connection::TransactionManager;
        type Tm = <DbConnection as Connection>::TransactionManager;
        let opened = self.in_savepoint();
        match result {
            Ok(o) => {
                if opened {
                    Tm::commit_transaction(c)?;
                }
                Ok(o)
            }
            Err(e) => {
                if opened {
                    Tm::rollback_transaction(c)?;
                }
                Ok(Outcome::Error { reason: reason(&e) })
            }
        }
    }

    /// An id for a new event. On SQLite the import holds the only write lock, so
    /// after the first `MAX(id) + 1` the next ids are known without asking (a
    /// refused row leaves a gap); PostgreSQL draws each from the sequence.
    fn new_event_id(&mut self, c: &mut DbConnection) -> Result<i64> {
        if let (DbConnection::Sqlite(_), Some(id)) = (&*c, self.next_id) {
            self.next_id = Some(id + 1);
            return Ok(id);
        }
        let id = events_repo::next_id(c)?;
        self.next_id = Some(id + 1);
        Ok(id)
    }

    fn signed_contracts(&mut self, c: &mut DbConnection, client_id: i64) -> Result<Vec<Contract>> {
        if let Some(k) = self.signed.get(&client_id) {
            return Ok(k.clone());
        }
        let k = refs::signed_contracts_of(c, client_id)?;
        self.signed.insert(client_id, k.clone());
        Ok(k)
    }
}

/// A new event, queued to be written with its batch (see [`batch`]): its id is
/// taken first so that its search text (which holds the id), sheet id and
/// support go in with the row. The audit entry and the support's notification
/// are those of a creation followed by an assignment.
#[allow(clippy::too_many_arguments)]
fn import_new(
    c: &mut DbConnection,
    p: &Permit,
    actor_name: &str,
    look: &mut Lookups,
    ev: &SheetEvent,
    contract: &Contract,
    input: &EventInput,
    support: Option<i64>,
    now: NaiveDateTime,
) -> Result<Outcome> {
    let support_name = support
        .and_then(|s| look.support.iter().find(|x| x.id == s))
        .map(|x| x.full_name.clone());
    let id = look.new_event_id(c)?;
    let client = look.client(c, contract.client_id)?;
    let search = events_repo::search_text(
        id,
        &input.name,
        &input.location,
        client,
        support_name.as_deref(),
    );
    let mut ch = Changes::default();
    ch.created("name", &input.name)
        .created("contract", format!("#{}", contract.id))
        .created("starts_at", show_local(input.starts_at))
        .created("ends_at", show_local(input.ends_at))
        .created_unless_blank("location", &input.location)
        .created("attendees", input.attendees)
        .created_unless_blank("notes", &input.notes);
    if let Some(name) = &support_name {
        ch.created("support", name);
    }
    if let Some(r) = ev.external_ref.as_deref() {
        ch.created("sheet id", r);
    }
    let (changes, audit_search) = audit::texts("event", id, "import", &ch.0, actor_name);
    let notice = support.filter(|s| *s != p.actor_id()).map(|s| {
        (
            s,
            format!(
                "You are now the support contact of \"{}\" ({})",
                input.name,
                show_local(input.starts_at)
            ),
        )
    });
    if ev.external_ref.is_none() {
        look.queued
            .insert((input.name.clone(), contract.id, input.starts_at), ev.line);
    }
    let row = batch::NewRow {
        index: look.row,
        id,
        external_ref: ev.external_ref.clone(),
        contract_id: contract.id,
        support_id: support,
        input: input.clone(),
        search,
        sort_name: fold(&input.name),
        changes,
        audit_search,
        notice,
    };
    if look.row_wrote {
        // Written with the row's other writes, in its savepoint: if the
        // database refuses the event, its contract keeps no sheet id either.
        batch::write(c, p, std::slice::from_ref(&row), now)?;
    } else {
        look.queue.push(row);
    }
    Ok(Outcome::Created { id })
}
