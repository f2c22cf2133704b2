//! The audit trail: one row per write, in the same transaction as the write.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{capped, Dbb, ListParams, Page, COUNT_CAP};
use crate::db::models::{AuditEntry, NewAuditEntry};
use crate::db::schema::audit_entries;
use crate::db::{Backend, DbConnection};
use crate::error::Result;
use crate::policy::Permit;

/// One changed field: its name, and the value before and after (as shown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// One record's history: entity name and id.
    pub record: Option<(String, i64)>,
    pub actor: Option<i64>,
}

/// At most 200 bytes of `v`, cut on a character boundary.
fn searchable_prefix(v: &str) -> &str {
    let mut end = v.len().min(200);
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    &v[..end]
}

/// Writes an audit row. `permit` is `None` only for the first admin account, which
/// nobody could authorise.
// Each argument is a column of the audit row; bundling them would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConnection,
    permit: Option<&Permit>,
    entity: &str,
    record_id: i64,
    action: &str,
    changes: &[FieldChange],
    actor_name: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let json = serde_json::to_string(changes).unwrap_or_else(|_| "[]".to_string());
    let id = format!("#{record_id}");
    let mut parts = vec![entity, id.as_str(), action, actor_name];
    // The Changes column is searchable like every visible column: who touched
    // "Aaron Piquet"? Long values (notes) are cut, a filter is a few words.
    for c in changes {
        parts.push(c.field.as_str());
        for v in [&c.before, &c.after].into_iter().flatten() {
            parts.push(searchable_prefix(v));
        }
    }
    let search = crate::domain::text::search_text(parts);
    diesel::insert_into(audit_entries::table)
        .values(&NewAuditEntry {
            actor_id: permit.map(|p| p.actor_id()),
            entity,
            record_id,
            action,
            changes: &json,
            search: &search,
            created_at: now,
            updated_at: now,
            version: 1,
        })
        .execute(conn)?;
    Ok(())
}

type Boxed<'a> = audit_entries::BoxedQuery<'a, Dbb>;

fn filtered<'a>(f: &'a AuditFilter, p: &'a ListParams) -> Boxed<'a> {
    let mut q = audit_entries::table.into_boxed::<Dbb>();
    if let Some((entity, id)) = &f.record {
        q = q
            .filter(audit_entries::entity.eq(entity.as_str()))
            .filter(audit_entries::record_id.eq(*id));
    }
    if let Some(a) = f.actor {
        q = q.filter(audit_entries::actor_id.eq(a));
    }
    crate::apply_terms!(
        q,
        Backend::Postgres,
        &p.terms,
        "audit",
        audit_entries::search
    );
    q
}

/// Newest first unless `descending` is false... the natural reading order of a
/// trail is newest first, so `descending = false` means newest first here.
pub fn list(conn: &mut DbConnection, f: &AuditFilter, p: &ListParams) -> Result<Page<AuditEntry>> {
    let (total, total_capped) = if p.exact_count {
        (filtered(f, p).count().get_result::<i64>(conn)?, false)
    } else {
        capped(
            filtered(f, p)
                .select(audit_entries::id)
                .limit(COUNT_CAP + 1)
                .load::<i64>(conn)?
                .len(),
        )
    };
    let q = filtered(f, p);
    let q = if p.descending {
        q.order(audit_entries::id.asc())
    } else {
        q.order(audit_entries::id.desc())
    };
    let rows = q
        .offset(p.offset)
        .limit(p.limit)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        offset: p.offset,
        total,
        total_capped,
    })
}

/// The record an entry is about (entity name, id).
pub fn target(conn: &mut DbConnection, id: i64) -> Result<(String, i64)> {
    audit_entries::table
        .find(id)
        .select((audit_entries::entity, audit_entries::record_id))
        .first::<(String, i64)>(conn)
        .optional()?
        .ok_or(crate::error::Error::NotFound {
            entity: "audit entry",
            id,
        })
}

/// Decodes the JSON `changes` column.
pub fn changes_of(entry: &AuditEntry) -> Vec<FieldChange> {
    serde_json::from_str(&entry.changes).unwrap_or_default()
}
