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
            ("Record", Length(24), false),
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
        let entries = crm.list_audit_at(session, &f, p, &q.at)?;
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
                    record(r),
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

/// Each change of an entry as one line, as people read it:
/// `Sales contact: Bill Boquet → Anne Roy`, `Archived: no → yes`.
fn changes(r: &AuditRow) -> Vec<String> {
    r.changes
        .iter()
        .map(|c| {
            let field = label(&c.field);
            match (&c.before, &c.after) {
                (Some(b), Some(a)) => format!("{field}: {} → {}", value(b), value(a)),
                (None, Some(a)) => format!("{field}: {}", value(a)),
                (Some(b), None) => format!("{field}: {} → ∅", value(b)),
                (None, None) => field,
            }
        })
        .collect()
}

/// A stored name as a label: `sales_contact` → `Sales contact`.
/// The record an entry is about, by its name when it still has one:
/// "Client: Kevin Casey", "Contract #11 (Kevin Casey)", else "Client #104".
fn record(r: &crate::services::audit::AuditRow) -> String {
    let kind = label(&r.entry.entity);
    match (r.entry.entity.as_str(), r.record_label.as_str()) {
        (_, "") => format!("{kind} #{}", r.entry.record_id),
        ("contract", l) => format!("{kind} {l}"),
        (_, l) => format!("{kind}: {l}"),
    }
}

fn label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// A stored value on one line, with yes/no for flags.
fn value(v: &str) -> String {
    match v {
        "true" => "yes".into(),
        "false" => "no".into(),
        other => one_line(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_flags_read_as_words() {
        assert_eq!(label("sales_contact"), "Sales contact");
        assert_eq!(label("client"), "Client");
        assert_eq!(value("false"), "no");
        assert_eq!(value("true"), "yes");
        assert_eq!(value("a\nb"), "a ⏎ b");
    }
}
