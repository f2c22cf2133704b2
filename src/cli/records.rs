//! The columns of each entity in the scripting output. These names are the JSON
//! field names, documented in the README and kept stable: new fields may be
//! added, none renamed or removed.

use super::output::Cell;
use crate::db::models::{Collaborator, Notification};
use crate::services::audit::AuditRow;
use crate::services::query::{ClientRow, ContractRow, EventRow};

pub const CLIENT: &[&str] = &[
    "id",
    "full_name",
    "email",
    "phone",
    "company_name",
    "first_contact",
    "last_contact",
    "sales_contact_id",
    "sales_contact",
    "archived",
    "version",
];

pub fn client(r: &ClientRow) -> Vec<Cell> {
    let c = &r.client;
    vec![
        Cell::Int(c.id),
        Cell::text(&c.full_name),
        Cell::text(&c.email),
        Cell::text(&c.phone),
        Cell::text(&c.company_name),
        Cell::Date(c.first_contact),
        Cell::Date(c.last_contact),
        Cell::opt_int(c.sales_contact_id),
        Cell::opt(r.sales_contact_name.as_deref()),
        Cell::Bool(c.archived_at.is_some()),
        Cell::Int(i64::from(c.version)),
    ]
}

pub const CONTRACT: &[&str] = &[
    "id",
    "external_ref",
    "client_id",
    "client",
    "sales_contact",
    "total",
    "due",
    "signed",
    "signed_at",
    "created_at",
    "archived",
    "version",
];

pub fn contract(r: &ContractRow) -> Vec<Cell> {
    let k = &r.contract;
    vec![
        Cell::Int(k.id),
        Cell::opt(k.external_ref.as_deref()),
        Cell::Int(k.client_id),
        Cell::text(&r.client.full_name),
        Cell::opt(r.sales_contact_name.as_deref()),
        Cell::Money(k.total_cents),
        Cell::Money(k.due_cents),
        Cell::Bool(k.signed),
        Cell::opt_utc(k.signed_at),
        Cell::utc(k.created_at),
        Cell::Bool(k.archived_at.is_some()),
        Cell::Int(i64::from(k.version)),
    ]
}

pub const EVENT: &[&str] = &[
    "id",
    "external_ref",
    "name",
    "contract_id",
    "client_id",
    "client",
    "support_id",
    "support",
    "starts_at",
    "ends_at",
    "location",
    "attendees",
    "archived",
    "version",
    "notes",
];

pub fn event(r: &EventRow) -> Vec<Cell> {
    let e = &r.event;
    vec![
        Cell::Int(e.id),
        Cell::opt(e.external_ref.as_deref()),
        Cell::text(&e.name),
        Cell::Int(e.contract_id),
        Cell::Int(r.client.id),
        Cell::text(&r.client.full_name),
        Cell::opt_int(e.support_id),
        Cell::opt(r.support_name.as_deref()),
        Cell::utc(e.starts_at),
        Cell::utc(e.ends_at),
        Cell::text(&e.location),
        Cell::Int(i64::from(e.attendees)),
        Cell::Bool(e.archived_at.is_some()),
        Cell::Int(i64::from(e.version)),
        Cell::text(&e.notes),
    ]
}

pub const COLLABORATOR: &[&str] = &[
    "id",
    "employee_number",
    "full_name",
    "email",
    "phone",
    "role",
    "active",
    "version",
];

pub fn collaborator(c: &Collaborator) -> Vec<Cell> {
    vec![
        Cell::Int(c.id),
        Cell::text(&c.employee_number),
        Cell::text(&c.full_name),
        Cell::text(&c.email),
        Cell::opt(c.phone.as_deref()),
        Cell::Text(c.role().as_str().to_string()),
        Cell::Bool(c.active),
        Cell::Int(i64::from(c.version)),
    ]
}

pub const NOTIFICATION: &[&str] = &[
    "id",
    "created_at",
    "kind",
    "entity",
    "record_id",
    "message",
    "read",
];

pub fn notification(n: &Notification) -> Vec<Cell> {
    vec![
        Cell::Int(n.id),
        Cell::utc(n.created_at),
        Cell::text(&n.kind),
        Cell::text(&n.entity),
        Cell::Int(n.record_id),
        Cell::text(&n.message),
        Cell::Bool(n.read_at.is_some()),
    ]
}

pub const AUDIT: &[&str] = &[
    "id",
    "created_at",
    "actor",
    "entity",
    "record_id",
    "action",
    "changes",
];

pub fn audit(r: &AuditRow) -> Vec<Cell> {
    let e = &r.entry;
    let changes: Vec<String> = r
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} → {}",
                c.field,
                c.before.as_deref().unwrap_or("—"),
                c.after.as_deref().unwrap_or("—")
            )
        })
        .collect();
    vec![
        Cell::Int(e.id),
        Cell::utc(e.created_at),
        Cell::text(&r.actor_name),
        Cell::text(&e.entity),
        Cell::Int(e.record_id),
        Cell::text(&e.action),
        Cell::Text(changes.join("; ")),
    ]
}
