//! Detail views: every field of a record and its related records, one key away.

use crate::api::CrmApi;
use crate::domain::time::show_local;
use crate::domain::Cents;
use crate::error::Result;
use crate::state::{DetailState, Entity};

fn opt(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}

fn stamp(archived_at: Option<chrono::NaiveDateTime>) -> Vec<(String, String)> {
    match archived_at {
        Some(t) => vec![(
            "Archived".into(),
            format!("{} · read-only until restored", show_local(t)),
        )],
        None => Vec::new(),
    }
}

/// Loads one record for its detail view.
pub fn load(crm: &dyn CrmApi, entity: Entity, id: i64) -> Result<DetailState> {
    match entity {
        Entity::Client => client(crm, id),
        Entity::Contract => contract(crm, id),
        Entity::Event => event(crm, id),
        Entity::Collaborator => collaborator(crm, id),
    }
}

fn base(entity: Entity, id: i64, version: i32, title: String) -> DetailState {
    DetailState {
        entity,
        id,
        version,
        archived: false,
        title,
        lines: Vec::new(),
        related: Vec::new(),
        selected: 0,
        owner: None,
        support: None,
        signed: false,
        paid: false,
        active: true,
        role: None,
        holds: (0, 0),
        scroll: 0,
    }
}

fn client(crm: &dyn CrmApi, id: i64) -> Result<DetailState> {
    let d = crm.get_client(id)?;
    let c = &d.client;
    let mut s = base(
        Entity::Client,
        id,
        c.version,
        format!("Client · {}", c.full_name),
    );
    s.archived = c.archived_at.is_some();
    s.owner = c.sales_contact_id;
    s.lines = vec![
        ("Name".into(), c.full_name.clone()),
        ("E-mail".into(), c.email.clone()),
        ("Phone".into(), opt(Some(&c.phone))),
        ("Company".into(), opt(Some(&c.company_name))),
        ("First contact".into(), c.first_contact.to_string()),
        ("Last contact".into(), c.last_contact.to_string()),
        ("Sales contact".into(), opt(d.sales_contact_name.as_deref())),
        ("Created".into(), show_local(c.created_at)),
        (
            "Updated".into(),
            format!("{} (version {})", show_local(c.updated_at), c.version),
        ),
    ];
    s.lines.extend(stamp(c.archived_at));
    for k in &d.contracts {
        s.related.push((
            Entity::Contract,
            k.contract.id,
            format!(
                "Contract #{} · {} · due {} · {}",
                k.contract.id,
                k.contract.total(),
                k.contract.due(),
                if k.contract.signed {
                    "signed"
                } else {
                    "not signed"
                }
            ),
        ));
    }
    for e in &d.events {
        s.related.push((
            Entity::Event,
            e.event.id,
            format!(
                "Event · {} · {}",
                e.event.name,
                show_local(e.event.starts_at)
            ),
        ));
    }
    Ok(s)
}

fn contract(crm: &dyn CrmApi, id: i64) -> Result<DetailState> {
    let d = crm.get_contract(id)?;
    let k = &d.contract;
    let mut s = base(
        Entity::Contract,
        id,
        k.version,
        format!("Contract #{} · {}", k.id, d.client.full_name),
    );
    s.archived = k.archived_at.is_some();
    s.owner = d.client.sales_contact_id;
    s.signed = k.signed;
    s.paid = k.paid() > Cents(0);
    s.lines = vec![
        ("Contract".into(), format!("#{}", k.id)),
        (
            "Client".into(),
            format!("{} ({})", d.client.full_name, d.client.email),
        ),
        ("Sales contact".into(), opt(d.sales_contact_name.as_deref())),
        ("Total".into(), k.total().display()),
        ("Paid".into(), k.paid().display()),
        ("Still due".into(), k.due().display()),
        (
            "Signed".into(),
            match k.signed_at {
                Some(t) => format!(
                    "yes, {} by {}",
                    show_local(t),
                    opt(d.signed_by_name.as_deref())
                ),
                None => "no".into(),
            },
        ),
        ("Created".into(), show_local(k.created_at)),
        (
            "Updated".into(),
            format!("{} (version {})", show_local(k.updated_at), k.version),
        ),
    ];
    s.lines.extend(stamp(k.archived_at));
    for (p, who) in &d.payments {
        s.lines.push((
            "Payment".into(),
            format!(
                "{} on {} (recorded by {who})",
                Cents(p.amount_cents),
                p.received_on
            ),
        ));
    }
    s.related.push((
        Entity::Client,
        d.client.id,
        format!("Client · {}", d.client.full_name),
    ));
    for e in &d.events {
        s.related.push((
            Entity::Event,
            e.event.id,
            format!(
                "Event · {} · {}",
                e.event.name,
                show_local(e.event.starts_at)
            ),
        ));
    }
    Ok(s)
}

fn event(crm: &dyn CrmApi, id: i64) -> Result<DetailState> {
    let d = crm.get_event(id)?;
    let e = &d.event;
    let mut s = base(Entity::Event, id, e.version, format!("Event · {}", e.name));
    s.archived = e.archived_at.is_some();
    s.owner = d.client.sales_contact_id;
    s.support = e.support_id;
    s.signed = d.contract.signed;
    s.lines = vec![
        ("Name".into(), e.name.clone()),
        (
            "Event / contract".into(),
            format!("#{} / #{}", e.id, d.contract.id),
        ),
        ("Client".into(), d.client.full_name.clone()),
        (
            "Client contact".into(),
            format!("{} · {}", d.client.email, opt(Some(&d.client.phone))),
        ),
        ("Sales contact".into(), opt(d.sales_contact_name.as_deref())),
        ("Start".into(), show_local(e.starts_at)),
        ("End".into(), show_local(e.ends_at)),
        ("Support".into(), opt(d.support_name.as_deref())),
        ("Location".into(), opt(Some(&e.location))),
        ("Attendees".into(), e.attendees.to_string()),
    ];
    for (i, line) in e.notes.lines().enumerate() {
        s.lines.push((
            if i == 0 {
                "Notes".into()
            } else {
                String::new()
            },
            line.to_string(),
        ));
    }
    s.lines.push((
        "Updated".into(),
        format!("{} (version {})", show_local(e.updated_at), e.version),
    ));
    s.lines.extend(stamp(e.archived_at));
    s.related.push((
        Entity::Client,
        d.client.id,
        format!("Client · {}", d.client.full_name),
    ));
    s.related.push((
        Entity::Contract,
        d.contract.id,
        format!("Contract #{} · {}", d.contract.id, d.contract.total()),
    ));
    if let Some(sid) = e.support_id {
        s.related.push((
            Entity::Collaborator,
            sid,
            format!("Support · {}", opt(d.support_name.as_deref())),
        ));
    }
    Ok(s)
}

fn collaborator(crm: &dyn CrmApi, id: i64) -> Result<DetailState> {
    let c = crm.get_collaborator(id)?;
    let h = crm.holdings(id)?;
    let mut s = base(
        Entity::Collaborator,
        id,
        c.version,
        format!("Collaborator · {}", c.full_name),
    );
    s.active = c.active;
    s.role = Some(c.role());
    s.holds = (h.clients, h.upcoming_events);
    s.lines = vec![
        ("Name".into(), c.full_name.clone()),
        ("Employee no.".into(), c.employee_number.clone()),
        ("E-mail".into(), c.email.clone()),
        ("Phone".into(), opt(c.phone.as_deref())),
        ("Role".into(), c.role().label().into()),
        (
            "Active".into(),
            if c.active {
                "yes".into()
            } else {
                "no (cannot log in)".into()
            },
        ),
        ("Clients owned".into(), h.clients.to_string()),
        ("Upcoming events".into(), h.upcoming_events.to_string()),
        (
            "Must change password".into(),
            if c.must_change_password {
                "yes".into()
            } else {
                "no".into()
            },
        ),
        ("Created".into(), show_local(c.created_at)),
        (
            "Updated".into(),
            format!("{} (version {})", show_local(c.updated_at), c.version),
        ),
    ];
    if let Some(t) = c.locked_until {
        s.lines.push(("Locked until".into(), show_local(t)));
    }
    Ok(s)
}
