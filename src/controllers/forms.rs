//! Forms: what each one asks for, filled from the database when editing, and the
//! choices of its pickers. Saving is [`super::submit`].

use crate::api::CrmApi;
use crate::domain::time::{show_local, DATETIME_FORMAT_HINT, DATE_FORMAT_HINT};
use crate::domain::Role;
use crate::error::Result;
use crate::services::query::ListParams;
use crate::services::query::{ClientFilter, ClientSort};
use crate::services::query::{ContractFilter, ContractSort};
use crate::session::Session;
use crate::state::fields::FieldName as F;
use crate::state::fields::{
    ChangePasswordField as Cp, ClientField as Cl, CollaboratorField as Co, ContractField as Ct,
    CorrectionField as Cr, DeactivateField as De, EventField as Ev, PaymentField as Pay,
    ResetPasswordField as Rp,
};
use crate::state::form::{Field, FieldKind, Form};
use crate::state::{FormKind, FormState};

fn line(name: &str, label: &str) -> Field {
    Field::new(name, label, FieldKind::SingleLine)
}

fn state(kind: FormKind, title: &str, fields: Vec<Field>) -> FormState {
    FormState {
        kind,
        form: Form::new(title, fields),
        note: String::new(),
    }
}

/// Builds the form for `kind`, filled from the database when editing.
pub fn open(crm: &dyn CrmApi, session: &Session, kind: FormKind) -> Result<FormState> {
    let today = crm.now().date().to_string();
    Ok(match kind {
        FormKind::NewClient => state(
            kind,
            "New client",
            vec![
                line(Cl::FullName.as_str(), "Full name").required(),
                line(Cl::Email.as_str(), "E-mail").required(),
                line(Cl::Phone.as_str(), "Phone").hint("e.g. +33 6 12 34 56 78"),
                line(Cl::CompanyName.as_str(), "Company"),
                line(Cl::FirstContact.as_str(), "First contact")
                    .required()
                    .hint(DATE_FORMAT_HINT)
                    .with_value(&today),
                line(Cl::LastContact.as_str(), "Last contact")
                    .required()
                    .hint(DATE_FORMAT_HINT)
                    .with_value(&today),
            ],
        ),
        FormKind::EditClient { id, .. } => {
            let c = crm.get_client(id)?.client;
            let kind = FormKind::EditClient {
                id,
                version: c.version,
            };
            state(
                kind,
                &format!("Edit client · {}", c.full_name),
                vec![
                    line(Cl::FullName.as_str(), "Full name")
                        .required()
                        .with_value(&c.full_name),
                    line(Cl::Email.as_str(), "E-mail")
                        .required()
                        .with_value(&c.email),
                    line(Cl::Phone.as_str(), "Phone")
                        .hint("e.g. +33 6 12 34 56 78")
                        .with_value(&c.phone),
                    line(Cl::CompanyName.as_str(), "Company").with_value(&c.company_name),
                    line(Cl::FirstContact.as_str(), "First contact")
                        .required()
                        .hint(DATE_FORMAT_HINT)
                        .with_value(&c.first_contact.to_string()),
                    line(Cl::LastContact.as_str(), "Last contact")
                        .required()
                        .hint(DATE_FORMAT_HINT)
                        .with_value(&c.last_contact.to_string()),
                ],
            )
        }
        FormKind::NewContract { client } => {
            let mut client_field = Field::new(Ct::Client.as_str(), "Client", FieldKind::Picker)
                .required()
                .hint("Enter: choose");
            if let Some(id) = client {
                let c = crm.get_client(id)?.client;
                client_field = client_field.with_choice(id, c.full_name);
            }
            state(
                kind,
                "New contract",
                vec![
                    client_field,
                    line(Ct::Total.as_str(), "Total (€)")
                        .required()
                        .hint("1234.56 or 1 234,56"),
                ],
            )
        }
        FormKind::EditContract { id, .. } => {
            let d = crm.get_contract(id)?;
            let kind = FormKind::EditContract {
                id,
                version: d.contract.version,
            };
            let mut s = state(
                kind,
                &format!("Edit contract #{id} · {}", d.client.full_name),
                vec![line(Ct::Total.as_str(), "Total (€)")
                    .required()
                    .hint("1234.56 or 1 234,56")
                    .with_value(&d.contract.total().plain())],
            );
            s.note = format!("Already paid: {}", d.contract.paid());
            s
        }
        FormKind::Payment { contract } => {
            let d = crm.get_contract(contract)?;
            let mut s = state(
                kind,
                &format!("Payment on contract #{contract} · {}", d.client.full_name),
                vec![
                    line(Pay::Amount.as_str(), "Amount (€)")
                        .required()
                        .hint("1234.56 or 1 234,56"),
                    line(Pay::ReceivedOn.as_str(), "Received on")
                        .required()
                        .hint(DATE_FORMAT_HINT)
                        .with_value(&today),
                ],
            );
            s.note = format!("Still due: {} of {}", d.contract.due(), d.contract.total());
            s
        }
        FormKind::Correction { contract } => {
            let d = crm.get_contract(contract)?;
            let (kind_id, kind_label) = correction_kinds()[0];
            let mut s = state(
                kind,
                &format!(
                    "Refund or correction on contract #{contract} · {}",
                    d.client.full_name
                ),
                vec![
                    Field::new(Cr::Kind.as_str(), "Kind", FieldKind::Picker)
                        .required()
                        .hint("Enter: choose")
                        .with_choice(kind_id, kind_label),
                    line(Cr::Amount.as_str(), "Amount (€)")
                        .required()
                        .hint("taken back; 1234.56 or 1 234,56"),
                    line(Cr::ReceivedOn.as_str(), "Date")
                        .required()
                        .hint(DATE_FORMAT_HINT)
                        .with_value(&today),
                    line(Cr::Reason.as_str(), "Reason")
                        .required()
                        .hint("kept with the entry and in the history"),
                ],
            );
            s.note = format!(
                "Paid so far: {} of {}; at most that can be taken back",
                d.contract.paid(),
                d.contract.total()
            );
            s
        }
        FormKind::NewEvent { contract } => {
            let mut contract_field =
                Field::new(Ev::Contract.as_str(), "Contract", FieldKind::Picker)
                    .required()
                    .hint("Enter: choose (signed, of your clients)");
            if let Some(id) = contract {
                let d = crm.get_contract(id)?;
                contract_field =
                    contract_field.with_choice(id, format!("#{id} · {}", d.client.full_name));
            }
            state(kind, "New event", event_fields(contract_field, None))
        }
        FormKind::EditEvent { id, .. } => {
            let d = crm.get_event(id)?;
            let kind = FormKind::EditEvent {
                id,
                version: d.event.version,
            };
            let contract = Field::new(Ev::Contract.as_str(), "Contract", FieldKind::Picker)
                .with_choice(
                    d.contract.id,
                    format!("#{} · {}", d.contract.id, d.client.full_name),
                )
                .read_only();
            state(
                kind,
                &format!("Edit event · {}", d.event.name),
                event_fields(contract, Some(&d.event)),
            )
        }
        FormKind::NewCollaborator => {
            let mut s = state(
                kind,
                "New collaborator",
                vec![
                    line(Co::FullName.as_str(), "Full name").required(),
                    line(Co::Email.as_str(), "E-mail").required(),
                    line(Co::Phone.as_str(), "Phone"),
                    role_field(session, None),
                    Field::new(Co::Password.as_str(), "Initial password", FieldKind::Masked)
                        .required()
                        .hint("12+ characters; changed at first login"),
                ],
            );
            s.note = "The employee number is assigned on save.".into();
            s
        }
        FormKind::EditCollaborator { id, .. } => {
            let c = crm.get_collaborator(id)?;
            let kind = FormKind::EditCollaborator {
                id,
                version: c.version,
            };
            state(
                kind,
                &format!(
                    "Edit collaborator · {} ({})",
                    c.full_name, c.employee_number
                ),
                vec![
                    line(Co::FullName.as_str(), "Full name")
                        .required()
                        .with_value(&c.full_name),
                    line(Co::Email.as_str(), "E-mail")
                        .required()
                        .with_value(&c.email),
                    line(Co::Phone.as_str(), "Phone").with_value(c.phone.as_deref().unwrap_or("")),
                    role_field(session, Some(c.role())),
                ],
            )
        }
        FormKind::ResetPassword { id } => {
            let c = crm.get_collaborator(id)?;
            let mut s = state(
                kind,
                &format!("Reset password · {}", c.full_name),
                vec![
                    Field::new(Rp::Password.as_str(), "New password", FieldKind::Masked).required(),
                    Field::new(Rp::Confirm.as_str(), "Repeat", FieldKind::Masked).required(),
                ],
            );
            s.note = "They will have to change it at their next login.".into();
            s
        }
        FormKind::ChangePassword { forced } => {
            let mut s = state(
                kind,
                "Change your password",
                vec![
                    Field::new(
                        Cp::CurrentPassword.as_str(),
                        "Current password",
                        FieldKind::Masked,
                    )
                    .required(),
                    Field::new(Cp::NewPassword.as_str(), "New password", FieldKind::Masked)
                        .required()
                        .hint("12+ characters"),
                    Field::new(Cp::Confirm.as_str(), "Repeat", FieldKind::Masked).required(),
                ],
            );
            if forced {
                s.note =
                    "Your password was set by someone else: choose your own to continue.".into();
            }
            s
        }
        FormKind::Deactivate { id, .. } => {
            let c = crm.get_collaborator(id)?;
            let h = crm.holdings(id)?;
            let kind = FormKind::Deactivate {
                id,
                version: c.version,
            };
            let mut fields = Vec::new();
            if h.clients > 0 {
                fields.push(
                    Field::new(
                        De::ClientsTo,
                        format!("{} client(s) go to", h.clients),
                        FieldKind::Picker,
                    )
                    .hint("Enter: choose a sales collaborator"),
                );
            }
            if h.upcoming_events > 0 {
                fields.push(
                    Field::new(
                        De::EventsTo,
                        format!("{} event(s) go to", h.upcoming_events),
                        FieldKind::Picker,
                    )
                    .hint("Enter: choose a support collaborator"),
                );
            }
            fields.push(
                line(De::Leave.as_str(), "Leave unassigned")
                    .hint("type yes to leave them without anyone"),
            );
            let mut s = state(
                kind,
                &format!("Deactivate {} ({})", c.full_name, c.employee_number),
                fields,
            );
            s.note = "They will no longer be able to log in. Ctrl-S deactivates.".into();
            s
        }
    })
}

fn event_fields(contract: Field, e: Option<&crate::db::models::Event>) -> Vec<Field> {
    let v = |f: fn(&crate::db::models::Event) -> String| e.map(f).unwrap_or_default();
    vec![
        contract,
        line(Ev::Name.as_str(), "Name")
            .required()
            .with_value(&v(|e| e.name.clone())),
        line(Ev::StartsAt.as_str(), "Start")
            .required()
            .hint(DATETIME_FORMAT_HINT)
            .with_value(&v(|e| show_local(e.starts_at))),
        line(Ev::EndsAt.as_str(), "End")
            .required()
            .hint(DATETIME_FORMAT_HINT)
            .with_value(&v(|e| show_local(e.ends_at))),
        line(Ev::Location.as_str(), "Location").with_value(&v(|e| e.location.clone())),
        line(Ev::Attendees.as_str(), "Attendees").with_value(&v(|e| e.attendees.to_string())),
        Field::new(Ev::Notes.as_str(), "Notes", FieldKind::MultiLine(5))
            .with_value(&v(|e| e.notes.clone())),
    ]
}

fn role_field(session: &Session, current: Option<Role>) -> Field {
    let f = Field::new(Co::Role.as_str(), "Role", FieldKind::Picker)
        .required()
        .hint("Enter: choose");
    let _ = session;
    match current {
        Some(r) => f.with_choice(role_id(r), r.label()),
        None => f,
    }
}

/// What a refund or a correction is, as its picker offers it: (id, label).
pub fn correction_kinds() -> [(i64, &'static str); 2] {
    [
        (0, "Refund · money given back"),
        (1, "Correction · a mistyped entry"),
    ]
}

/// The kind a correction form's picker id stands for.
pub fn correction_kind(id: i64) -> Option<crate::domain::PaymentKind> {
    use crate::domain::PaymentKind;
    match id {
        0 => Some(PaymentKind::Refund),
        1 => Some(PaymentKind::Correction),
        _ => None,
    }
}

/// Roles travel through pickers as ids.
pub fn role_id(r: Role) -> i64 {
    Role::ALL.iter().position(|x| *x == r).unwrap_or(0) as i64
}

pub fn role_from_id(id: i64) -> Option<Role> {
    Role::ALL.get(usize::try_from(id).ok()?).copied()
}

/// The choices of a picker field: `(id, label)`.
pub fn choices(
    crm: &dyn CrmApi,
    session: &Session,
    kind: &FormKind,
    field: &str,
) -> Result<Vec<(i64, String)>> {
    Ok(match field.parse::<F>() {
        Ok(F::Client) => crm
            .list_clients(
                &ClientFilter::default(),
                ClientSort::Name,
                &ListParams {
                    limit: 1000,
                    ..Default::default()
                },
            )?
            .rows
            .into_iter()
            .map(|r| {
                (
                    r.client.id,
                    format!("{} · {}", r.client.full_name, r.client.company_name),
                )
            })
            .collect(),
        Ok(F::Contract) => {
            let mine = if session.role == Role::Sales {
                Some(session.collaborator_id)
            } else {
                None
            };
            crm.list_contracts(
                &ContractFilter {
                    sales_contact: mine,
                    ..Default::default()
                },
                ContractSort::Id,
                &ListParams {
                    limit: 1000,
                    ..Default::default()
                },
            )?
            .rows
            .into_iter()
            .filter(|r| r.contract.signed)
            .map(|r| {
                (
                    r.contract.id,
                    format!(
                        "#{} · {} · {}",
                        r.contract.id,
                        r.client.full_name,
                        r.contract.total()
                    ),
                )
            })
            .collect()
        }
        Ok(F::Role) => Role::ALL
            .iter()
            .filter(|r| session.role == Role::Admin || **r != Role::Admin)
            .map(|r| (role_id(*r), r.label().to_string()))
            .collect(),
        Ok(F::Kind) => correction_kinds()
            .iter()
            .map(|(id, label)| (*id, label.to_string()))
            .collect(),
        Ok(F::ClientsTo | F::SalesContact) => staff(crm, Role::Sales, kind)?,
        Ok(F::EventsTo | F::Support) => staff(crm, Role::Support, kind)?,
        _ => Vec::new(),
    })
}

fn staff(crm: &dyn CrmApi, role: Role, kind: &FormKind) -> Result<Vec<(i64, String)>> {
    let leaving = match kind {
        FormKind::Deactivate { id, .. } => Some(*id),
        _ => None,
    };
    Ok(crm
        .active_staff(role)?
        .into_iter()
        .filter(|c| Some(c.id) != leaving)
        .map(|c| (c.id, format!("{} ({})", c.full_name, c.employee_number)))
        .collect())
}
