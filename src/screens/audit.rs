//! `6 Audit` (admin and management): who changed what, newest first, with each
//! entry's changes in full under the table.

use ratatui::layout::Constraint::{Fill, Length};

use super::{one_line, page, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::time::show_local;
use crate::error::Result;
use crate::services::audit::AuditRow;
use crate::services::query::{AuditFilter, ListParams};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Audit;

impl TableScreen for Audit {
    fn screen(&self) -> Screen {
        Screen::Audit
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("When", Length(16), false),
            ("Who", Fill(2), false),
            ("Record", Length(16), false),
            ("Action", Length(14), false),
            ("Changes", Fill(5), false),
        ]
    }

    fn newest_first(&self) -> bool {
        true
    }

    fn fetch(
        &self,
        crm: &dyn CrmApi,
        session: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData> {
        let f = AuditFilter {
            record: q.filters.record.clone(),
            actor: None,
        };
        let entries = crm.list_audit(session, &f, p)?;
        let previews: Vec<Vec<String>> = entries.rows.iter().map(changes).collect();
        let mut data = page(
            q,
            &entries,
            |r| r.entry.id,
            |_| RowFacts::default(),
            |r| {
                vec![
                    show_local(r.entry.created_at),
                    r.actor_name.clone(),
                    format!("{} #{}", r.entry.entity, r.entry.record_id),
                    r.entry.action.clone(),
                ]
            },
        );
        // The Changes cell is the panel's lines on one line.
        for (cells, lines) in data.rows.iter_mut().zip(&previews) {
            cells.push(lines.join("; "));
        }
        data.previews = previews;
        Ok(data)
    }
}

/// Each change of an entry as one line: `field: before → after`.
fn changes(r: &AuditRow) -> Vec<String> {
    r.changes
        .iter()
        .map(|c| match (&c.before, &c.after) {
            (Some(b), Some(a)) => format!("{}: {} → {}", c.field, one_line(b), one_line(a)),
            (None, Some(a)) => format!("{}: {}", c.field, one_line(a)),
            (Some(b), None) => format!("{}: {} → ∅", c.field, one_line(b)),
            (None, None) => c.field.clone(),
        })
        .collect()
}
