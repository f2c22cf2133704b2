//! Reading the audit trail (admin and management only).

use super::Crm;
use crate::db::models::AuditEntry;
use crate::db::repo::audit::{self as repo, AuditFilter, FieldChange};
use crate::db::repo::{collaborators as staff_repo, Page};
use std::collections::HashMap;

use crate::error::Result;
use crate::policy::Action;
use crate::session::Session;

/// One audit entry as shown: who, and the decoded changes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor_name: String,
    pub changes: Vec<FieldChange>,
    /// What the record is called today (a client's or collaborator's name, an
    /// event's name, a contract's client), so the trail reads as words rather
    /// than numbers; empty when the record no longer has one.
    #[serde(default)]
    pub record_label: String,
}

impl Crm {
    /// Refused to sales and support, checked against the fresh actor.
    pub fn list_audit<'a>(
        &self,
        session: &Session,
        f: &AuditFilter,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<AuditRow>> {
        let actor = self.actor(session)?;
        crate::policy::authorize(&actor, &Action::ViewAudit)?;
        self.db().read(|c| {
            let page = repo::list(c, f, p)?;
            let names = staff_repo::names(c, page.rows.iter().filter_map(|e| e.actor_id))?;
            let labels = record_labels(c, &page.rows)?;
            Ok(page.map(|entry| {
                let record_label = labels
                    .get(&(entry.entity.clone(), entry.record_id))
                    .cloned()
                    .unwrap_or_default();
                let actor_name = entry
                    .actor_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_else(|| "system".into());
                let changes = repo::changes_of(&entry);
                AuditRow {
                    entry,
                    actor_name,
                    changes,
                    record_label,
                }
            }))
        })
    }

    /// The record an audit entry is about, to open it from the trail.
    pub fn audit_target(&self, session: &Session, id: i64) -> Result<(String, i64)> {
        let actor = self.actor(session)?;
        crate::policy::authorize(&actor, &Action::ViewAudit)?;
        self.db().read(|c| repo::target(c, id))
    }
}

/// The current name of each record a page of the trail is about, read in one
/// query per kind of record.
fn record_labels(
    c: &mut crate::db::DbConnection,
    rows: &[AuditEntry],
) -> Result<HashMap<(String, i64), String>> {
    use crate::db::schema::{clients, contracts, events};
    use diesel::prelude::*;
    let ids = |entity: &str| -> Vec<i64> {
        rows.iter()
            .filter(|e| e.entity == entity)
            .map(|e| e.record_id)
            .collect()
    };
    let mut labels = HashMap::new();
    let (client_ids, event_ids, contract_ids, staff_ids) = (
        ids("client"),
        ids("event"),
        ids("contract"),
        ids("collaborator"),
    );
    if !client_ids.is_empty() {
        let found: Vec<(i64, String)> = clients::table
            .filter(clients::id.eq_any(client_ids))
            .select((clients::id, clients::full_name))
            .load(c)?;
        labels.extend(found.into_iter().map(|(id, n)| (("client".into(), id), n)));
    }
    if !event_ids.is_empty() {
        let found: Vec<(i64, String)> = events::table
            .filter(events::id.eq_any(event_ids))
            .select((events::id, events::name))
            .load(c)?;
        labels.extend(found.into_iter().map(|(id, n)| (("event".into(), id), n)));
    }
    if !contract_ids.is_empty() {
        let found: Vec<(i64, String)> = contracts::table
            .inner_join(clients::table)
            .filter(contracts::id.eq_any(contract_ids))
            .select((contracts::id, clients::full_name))
            .load(c)?;
        labels.extend(
            found
                .into_iter()
                .map(|(id, n)| (("contract".into(), id), format!("#{id} ({n})"))),
        );
    }
    for (id, n) in staff_repo::names(c, staff_ids)? {
        labels.insert(("collaborator".into(), id), n);
    }
    Ok(labels)
}
