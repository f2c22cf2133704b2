//! The new events of a sheet, written a batch at a time: one statement each for
//! the events, their audit entries and their notifications, instead of three
//! per row. Every check that can refuse a row has run before it is queued; if
//! the database still refuses a batch (one of its own rules), the batch is
//! written again row by row, so that the refused row is reported at its line
//! and, with `--partial`, the others are still written.

use chrono::NaiveDateTime;
use diesel::Connection;

use super::{reason, ImportLine, Outcome};
use crate::db::models::{NewAuditEntry, NewEvent, NewNotification};
use crate::db::repo::{audit, events as events_repo, notifications};
use crate::db::DbConnection;
use crate::error::Result;
use crate::policy::Permit;
use crate::services::events::EventInput;
use crate::services::notifications::Kind;

/// New events queued before a write: a few hundred keep each statement well
/// under either backend's limit of bound values (15 per event).
pub const SIZE: usize = 500;

/// A checked, numbered new event with what is written beside it.
#[derive(Debug)]
pub struct NewRow {
    /// Its place in the report.
    pub index: usize,
    pub id: i64,
    pub external_ref: Option<String>,
    pub contract_id: i64,
    pub support_id: Option<i64>,
    /// Name, times, location, attendees and notes, as checked.
    pub input: EventInput,
    pub search: String,
    pub sort_name: String,
    /// The audit entry's changes (JSON) and searchable text.
    pub changes: String,
    pub audit_search: String,
    /// The support contact told of the assignment, and what they are told.
    pub notice: Option<(i64, String)>,
}

pub fn write(c: &mut DbConnection, p: &Permit, rows: &[NewRow], now: NaiveDateTime) -> Result<()> {
    let events: Vec<(i64, Option<&str>, NewEvent)> = rows
        .iter()
        .map(|r| {
            (
                r.id,
                r.external_ref.as_deref(),
                NewEvent {
                    name: &r.input.name,
                    contract_id: r.contract_id,
                    support_id: r.support_id,
                    starts_at: r.input.starts_at,
                    ends_at: r.input.ends_at,
                    location: &r.input.location,
                    attendees: r.input.attendees,
                    notes: &r.input.notes,
                    search: &r.search,
                    sort_name: &r.sort_name,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )
        })
        .collect();
    events_repo::insert_many_as(c, p, &events)?;
    let entries: Vec<NewAuditEntry> = rows
        .iter()
        .map(|r| NewAuditEntry {
            actor_id: Some(p.actor_id()),
            entity: "event",
            record_id: r.id,
            action: "import",
            changes: &r.changes,
            search: &r.audit_search,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .collect();
    audit::insert_many(c, &entries)?;
    let notices: Vec<NewNotification> = rows
        .iter()
        .filter_map(|r| {
            let (recipient, message) = r.notice.as_ref()?;
            Some(NewNotification {
                recipient_id: *recipient,
                kind: Kind::SupportAssigned.as_str(),
                entity: "event",
                record_id: r.id,
                message,
                created_at: now,
                updated_at: now,
                version: 1,
            })
        })
        .collect();
    notifications::insert_many(c, &notices)
}

/// Writes the queued rows (and empties the queue). A row the database refuses
/// becomes an error at its line of the report.
pub fn flush(
    c: &mut DbConnection,
    p: &Permit,
    queue: &mut Vec<NewRow>,
    lines: &mut [ImportLine],
    now: NaiveDateTime,
) -> Result<()> {
    let rows = std::mem::take(queue);
    if rows.is_empty() || c.transaction(|c| write(c, p, &rows, now)).is_ok() {
        return Ok(());
    }
    for r in &rows {
        if let Err(e) = c.transaction(|c| write(c, p, std::slice::from_ref(r), now)) {
            if let Some(l) = lines.get_mut(r.index) {
                l.outcome = Outcome::Error { reason: reason(&e) };
            }
        }
    }
    Ok(())
}
