//! The audit trail: one row per write, in the same transaction as the write.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::list::{keyset, Ask, KeyValue, ListRequest, ListSpec, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{AuditEntry, NewAuditEntry};
use crate::db::schema::audit_entries;
use crate::db::search::{self, Indexed, SearchCol};
use crate::db::{Backend, DbConnection};
use crate::error::Result;
use crate::policy::Permit;

/// One changed field: its name, and the value before and after (as shown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// An entry's changes as stored (JSON) and its searchable text.
pub fn texts(
    entity: &str,
    record_id: i64,
    action: &str,
    changes: &[FieldChange],
    actor_name: &str,
) -> (String, String) {
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
    (json, crate::domain::text::search_text(parts))
}

/// Writes many audit rows in one statement (an import's batch of new records).
pub fn insert_many(conn: &mut DbConnection, entries: &[NewAuditEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                audit_entries::actor_id.eq(e.actor_id),
                audit_entries::entity.eq(e.entity),
                audit_entries::record_id.eq(e.record_id),
                audit_entries::action.eq(e.action),
                audit_entries::changes.eq(e.changes),
                audit_entries::search.eq(e.search),
                audit_entries::created_at.eq(e.created_at),
                audit_entries::updated_at.eq(e.updated_at),
                audit_entries::version.eq(e.version),
            )
        })
        .collect();
    crate::with_backend!(conn, |c| diesel::insert_into(audit_entries::table)
        .values(&rows)
        .execute(c))?;
    Ok(())
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
    let (json, search) = texts(entity, record_id, action, changes, actor_name);
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

/// The trail's filters and terms (substrings: a pg_trgm index on PostgreSQL).
fn filtered<'a>(backend: Backend, f: &'a AuditFilter, p: &ListParams) -> Boxed<'a> {
    let mut q = audit_entries::table.into_boxed::<Dbb>();
    if let Some((entity, id)) = &f.record {
        q = q
            .filter(audit_entries::entity.eq(entity.as_str()))
            .filter(audit_entries::record_id.eq(*id));
    }
    if let Some(a) = f.actor {
        q = q.filter(audit_entries::actor_id.eq(a));
    }
    let search = SearchCol {
        col: || Box::new(audit_entries::search),
        sql: "audit_entries.search",
    };
    for c in &search::conds(&p.terms, Indexed::Substrings) {
        q = q.filter(search::pred(backend, c, &search));
    }
    q
}

/// The audit trail (see [`crate::db::repo::list`]): one order, by id, newest
/// first when the list is "ascending" (the natural reading order of a trail).
pub struct AuditList;

impl ListSpec for AuditList {
    type Filter = AuditFilter;
    type Sort = ();
    type Row = AuditEntry;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &AuditFilter,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        Ok(crate::answer!(
            filtered(backend, f, p),
            ask,
            audit_entries::id,
            conn
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &AuditFilter,
        _sort: (),
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        let q = match scope {
            Scope::Matched(ids) => audit_entries::table
                .into_boxed::<Dbb>()
                .filter(audit_entries::id.eq_any(ids)),
            Scope::Walk => filtered(backend, f, p),
        };
        let key = SortKey {
            parts: Vec::new(),
            id: || Box::new(audit_entries::id),
        };
        let newest_first = Seek {
            desc: !s.desc,
            ..s.clone()
        };
        Ok(keyset::seek(q, &key, &newest_first)?
            .select(audit_entries::id)
            .load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        _sort: (),
        ids: &[i64],
    ) -> Result<Vec<(AuditEntry, Vec<KeyValue>)>> {
        let rows: Vec<AuditEntry> = audit_entries::table
            .filter(audit_entries::id.eq_any(ids))
            .select(AuditEntry::as_select())
            .load(conn)?;
        Ok(rows.into_iter().map(|r| (r, Vec::new())).collect())
    }

    fn id(row: &AuditEntry) -> i64 {
        row.id
    }
}

/// One read of the trail, newest first unless `descending`.
pub fn list<'a>(
    conn: &mut DbConnection,
    f: &AuditFilter,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<AuditEntry>> {
    let backend = super::list::backend_of(conn);
    super::list::list::<AuditList>(conn, backend, f, (), req.into())
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
