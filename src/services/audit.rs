//! Reading the audit trail (admin and management only).

use super::Crm;
use crate::db::models::AuditEntry;
use crate::db::repo::audit::{self as repo, AuditFilter, FieldChange};
use crate::db::repo::{collaborators as staff_repo, Page};
use crate::error::Result;
use crate::policy::Action;
use crate::session::Session;

/// One audit entry as shown: who, and the decoded changes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor_name: String,
    pub changes: Vec<FieldChange>,
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
            Ok(page.map(|entry| {
                let actor_name = entry
                    .actor_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_else(|| "system".into());
                let changes = repo::changes_of(&entry);
                AuditRow {
                    entry,
                    actor_name,
                    changes,
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
