//! Saving a form: its text is parsed (dates, money, numbers) and becomes a service
//! call. Parse errors and the services' refusals come back as messages at fields.

use crate::state::fields::{
    ChangePasswordField as Cp, ClientField as Cl, CollaboratorField as Co, ContractField as Ct,
    CorrectionField as Cr, DeactivateField as De, EventField as Ev, PaymentField as Pay,
    ResetPasswordField as Rp,
};
use chrono::NaiveDate;

use super::forms::{correction_kind, role_from_id};
use crate::api::CrmApi;
use crate::domain::time::{from_local, parse_date, parse_local_datetime, show_local};
use crate::domain::{Cents, Role};
use crate::error::{Error, FieldError, Result};
use crate::services::clients::ClientInput;
use crate::services::collaborators::{CollaboratorInput, Handover};
use crate::services::events::EventInput;
use crate::session::Session;
use crate::state::form::Form;
use crate::state::{FormKind, FormState};

/// What a successful save did, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub message: String,
    /// A record to show (after creating one).
    pub open: Option<(crate::state::Entity, i64)>,
    /// Nothing was written: the values need a yes to this question first (a
    /// payment, a lower total, a date that makes little sense). On yes the
    /// caller marks the form confirmed ([`Form::confirm`]) and saves again.
    pub ask: Option<String>,
}

/// The most attendees an event form takes.
pub const MAX_ATTENDEES: i32 = 1_000_000;

/// `Ok(Saved)` asking `question`, unless the form already has its yes.
fn ask_first(f: &Form, question: String) -> Option<Result<Saved>> {
    (!f.is_confirmed(&question)).then(|| {
        Ok(Saved {
            message: String::new(),
            open: None,
            ask: Some(question),
        })
    })
}

fn text(form: &Form, name: &str) -> String {
    form.value(name).unwrap_or_default()
}

/// Parses the fields and calls the service. Parse errors come back as field errors.
pub fn submit(crm: &dyn CrmApi, session: &Session, st: &FormState) -> Result<Saved> {
    use crate::state::Entity;
    let f = &st.form;
    let mut errs = Vec::new();
    let saved = |m: String, open: Option<(Entity, i64)>| {
        Ok(Saved {
            message: m,
            open,
            ask: None,
        })
    };
    match &st.kind {
        FormKind::NewClient | FormKind::EditClient { .. } => {
            let first_contact = date_field(f, Cl::FirstContact.as_str(), &mut errs);
            let last_contact = date_field(f, Cl::LastContact.as_str(), &mut errs);
            let input = ClientInput {
                full_name: text(f, Cl::FullName.as_str()),
                email: text(f, Cl::Email.as_str()),
                phone: text(f, Cl::Phone.as_str()),
                company_name: text(f, Cl::CompanyName.as_str()),
                first_contact,
                last_contact,
            };
            if !errs.is_empty() {
                // The other fields' checks too, so every error shows at once.
                let dates_ok = ClientInput {
                    last_contact: first_contact,
                    ..input.clone()
                };
                also(&mut errs, crate::services::clients::check(&dates_ok));
            }
            finish(errs)?;
            match st.kind {
                FormKind::EditClient { id, version } => {
                    crm.update_client(session, id, version, &input)?;
                    saved(format!("Client {} saved", input.full_name.trim()), None)
                }
                _ => {
                    let id = crm.create_client(session, &input)?;
                    saved(
                        format!("Client {} created", input.full_name.trim()),
                        Some((Entity::Client, id)),
                    )
                }
            }
        }
        FormKind::NewContract { .. } => {
            let client = f.choice(Ct::Client.as_str()).map(|(id, _)| id);
            let total = money(f, Ct::Total.as_str(), &mut errs);
            not_zero(total, Ct::Total.as_str(), &mut errs);
            if client.is_none() {
                errs.push(FieldError {
                    field: Ct::Client.as_str(),
                    message: "choose a client".into(),
                });
            }
            finish(errs)?;
            let id = crm.create_contract(session, client.unwrap_or_default(), total)?;
            saved(
                format!("Contract #{id} created"),
                Some((Entity::Contract, id)),
            )
        }
        FormKind::EditContract { id, version } => {
            let total = money(f, Ct::Total.as_str(), &mut errs);
            not_zero(total, Ct::Total.as_str(), &mut errs);
            finish(errs)?;
            let before = crm.get_contract(*id)?.contract;
            if total < before.paid() {
                return Err(Error::field(
                    Ct::Total.as_str(),
                    format!("cannot be less than the {} already paid", before.paid()),
                ));
            }
            if before.signed && total < before.total() {
                let q = format!(
                    "Lower the total of signed contract #{id} from {} to {total}?",
                    before.total()
                );
                if let Some(ask) = ask_first(f, q) {
                    return ask;
                }
            }
            crm.update_contract(session, *id, *version, total)?;
            saved(format!("Contract #{id} saved"), None)
        }
        FormKind::Payment { contract } => {
            let amount = money(f, Pay::Amount.as_str(), &mut errs);
            let received = date_field(f, Pay::ReceivedOn.as_str(), &mut errs);
            let today = today(crm);
            if received > today {
                errs.push(FieldError {
                    field: Pay::ReceivedOn.as_str(),
                    message: format!("cannot be in the future (today is {today})"),
                });
            }
            finish(errs)?;
            let d = crm.get_contract(*contract)?;
            if amount > d.contract.due() {
                // Said before asking; the service checks again under a lock.
                return Err(Error::field(
                    Pay::Amount.as_str(),
                    format!(
                        "overpayment refused: only {} is still due",
                        d.contract.due()
                    ),
                ));
            }
            // The confirmation widget shows stored text through the sanitizer.
            let q = format!(
                "Record {amount} on contract #{contract} ({})?",
                d.client.full_name.trim()
            );
            if let Some(ask) = ask_first(f, q) {
                return ask;
            }
            crm.record_payment(session, *contract, amount, received)?;
            let due = crm.get_contract(*contract)?.contract.due();
            saved(
                format!("Payment of {amount} recorded; {due} still due"),
                None,
            )
        }
        FormKind::Correction { contract } => {
            let kind = f
                .choice(Cr::Kind.as_str())
                .and_then(|(id, _)| correction_kind(id));
            if kind.is_none() {
                errs.push(FieldError {
                    field: Cr::Kind.as_str(),
                    message: "choose refund or correction".into(),
                });
            }
            let amount = money(f, Cr::Amount.as_str(), &mut errs);
            if amount == Cents(0) && !errs.iter().any(|e| e.field == Cr::Amount.as_str()) {
                errs.push(FieldError {
                    field: Cr::Amount.as_str(),
                    message: "must be more than zero (it is taken off what was paid)".into(),
                });
            }
            let on = date_field(f, Cr::ReceivedOn.as_str(), &mut errs);
            let today = today(crm);
            if on > today {
                errs.push(FieldError {
                    field: Cr::ReceivedOn.as_str(),
                    message: format!("cannot be in the future (today is {today})"),
                });
            }
            let reason = text(f, Cr::Reason.as_str());
            if reason.trim().is_empty() {
                errs.push(FieldError {
                    field: Cr::Reason.as_str(),
                    message: "required: say why the money is taken back".into(),
                });
            }
            finish(errs)?;
            let kind = kind.unwrap_or(crate::domain::PaymentKind::Refund);
            let d = crm.get_contract(*contract)?;
            if amount > d.contract.paid() {
                // Said before asking; the service checks again under a lock.
                return Err(Error::field(
                    Cr::Amount.as_str(),
                    format!(
                        "cannot take back more than was paid ({})",
                        d.contract.paid()
                    ),
                ));
            }
            let q = format!(
                "Take back {amount} from contract #{contract} ({}) as a {kind}?",
                d.client.full_name.trim()
            );
            if let Some(ask) = ask_first(f, q) {
                return ask;
            }
            crm.record_correction(session, *contract, kind, amount, &reason, on)?;
            let due = crm.get_contract(*contract)?.contract.due();
            let what = match kind {
                crate::domain::PaymentKind::Correction => "Correction",
                _ => "Refund",
            };
            saved(format!("{what} of {amount} recorded; {due} now due"), None)
        }
        FormKind::NewEvent { .. } | FormKind::EditEvent { .. } => {
            let input = event_input(f, &mut errs);
            let contract = f.choice(Ev::Contract.as_str()).map(|(id, _)| id);
            if contract.is_none() {
                errs.push(FieldError {
                    field: Ev::Contract.as_str(),
                    message: "choose a signed contract".into(),
                });
            }
            if !errs.is_empty() {
                let times_ok = EventInput {
                    ends_at: input.starts_at + chrono::Duration::hours(1),
                    ..input.clone()
                };
                also(&mut errs, crate::services::events::check(&times_ok));
            }
            finish(errs)?;
            if let Some(ask) = event_dates(crm, st, &input, contract.unwrap_or_default())? {
                return ask;
            }
            match st.kind {
                FormKind::EditEvent { id, version } => {
                    crm.update_event(session, id, version, &input)?;
                    saved(format!("Event {} saved", input.name.trim()), None)
                }
                _ => {
                    let id = crm.create_event(session, contract.unwrap_or_default(), &input)?;
                    saved(
                        format!("Event {} created", input.name.trim()),
                        Some((Entity::Event, id)),
                    )
                }
            }
        }
        FormKind::NewCollaborator | FormKind::EditCollaborator { .. } => {
            let role = f
                .choice(Co::Role.as_str())
                .and_then(|(id, _)| role_from_id(id));
            if role.is_none() {
                errs.push(FieldError {
                    field: Co::Role.as_str(),
                    message: "choose a role".into(),
                });
            }
            finish(errs)?;
            let phone = text(f, Co::Phone.as_str());
            let input = CollaboratorInput {
                full_name: text(f, Co::FullName.as_str()),
                email: text(f, Co::Email.as_str()),
                phone: (!phone.trim().is_empty()).then_some(phone),
                role: role.unwrap_or(Role::Support),
            };
            match st.kind {
                FormKind::EditCollaborator { id, version } => {
                    crm.update_collaborator(session, id, version, &input)?;
                    saved(format!("{} saved", input.full_name.trim()), None)
                }
                _ => {
                    let id =
                        crm.create_collaborator(session, &input, &text(f, Co::Password.as_str()))?;
                    let no = crm.get_collaborator(id)?.employee_number;
                    saved(
                        format!("{} created as {no}", input.full_name.trim()),
                        Some((Entity::Collaborator, id)),
                    )
                }
            }
        }
        FormKind::ResetPassword { id } => {
            let (p, c) = (
                text(f, Rp::Password.as_str()),
                text(f, Rp::Confirm.as_str()),
            );
            if p != c {
                return Err(Error::field(
                    Rp::Confirm.as_str(),
                    "the two passwords differ",
                ));
            }
            crm.reset_password(session, *id, &p)?;
            saved(
                "Password reset; it must be changed at the next login".into(),
                None,
            )
        }
        FormKind::ChangePassword { .. } => {
            let (p, c) = (
                text(f, Cp::NewPassword.as_str()),
                text(f, Cp::Confirm.as_str()),
            );
            if p != c {
                return Err(Error::field(
                    Cp::Confirm.as_str(),
                    "the two passwords differ",
                ));
            }
            crm.change_own_password(session, &text(f, Cp::CurrentPassword.as_str()), &p)?;
            saved("Password changed".into(), None)
        }
        FormKind::Deactivate { id, version } => {
            let leave = text(f, De::Leave.as_str())
                .trim()
                .eq_ignore_ascii_case("yes");
            let handover = Handover {
                clients_to: f.choice(De::ClientsTo.as_str()).map(|(id, _)| id),
                events_to: f.choice(De::EventsTo.as_str()).map(|(id, _)| id),
                leave_unassigned: leave,
            };
            crm.set_collaborator_active(session, *id, *version, false, handover)?;
            saved("Collaborator deactivated".into(), None)
        }
    }
}

fn date_field(f: &Form, name: &'static str, errs: &mut Vec<FieldError>) -> NaiveDate {
    match parse_date(&text(f, name)) {
        Ok(d) => d,
        Err(m) => {
            errs.push(FieldError {
                field: name,
                message: m,
            });
            NaiveDate::default()
        }
    }
}

fn money(f: &Form, name: &'static str, errs: &mut Vec<FieldError>) -> Cents {
    match Cents::parse(&text(f, name)) {
        Ok(c) => c,
        Err(e) => {
            errs.push(FieldError {
                field: name,
                message: e.to_string(),
            });
            Cents(0)
        }
    }
}

fn event_input(f: &Form, errs: &mut Vec<FieldError>) -> EventInput {
    let mut when = |name: &'static str| match parse_local_datetime(&text(f, name)) {
        Ok(t) => match from_local(t) {
            Some(utc) => utc,
            None => {
                errs.push(FieldError {
                    field: name,
                    message: "this time does not exist here (clock change)".into(),
                });
                t
            }
        },
        Err(m) => {
            errs.push(FieldError {
                field: name,
                message: m,
            });
            chrono::NaiveDateTime::default()
        }
    };
    let starts_at = when(Ev::StartsAt.as_str());
    let ends_at = when(Ev::EndsAt.as_str());
    let att = text(f, Ev::Attendees.as_str());
    let attendees = if att.trim().is_empty() {
        0
    } else {
        let digits = att.trim().chars().all(|c| c.is_ascii_digit());
        match att.trim().parse::<i32>() {
            Ok(n) if (0..=MAX_ATTENDEES).contains(&n) => n,
            _ if digits => {
                errs.push(FieldError {
                    field: Ev::Attendees.as_str(),
                    message: format!(
                        "at most {}",
                        crate::services::query::group_thousands(i64::from(MAX_ATTENDEES))
                    ),
                });
                0
            }
            _ => {
                errs.push(FieldError {
                    field: Ev::Attendees.as_str(),
                    message: "a whole number, 0 or more".into(),
                });
                0
            }
        }
    };
    EventInput {
        name: text(f, Ev::Name.as_str()),
        starts_at,
        ends_at,
        location: text(f, Ev::Location.as_str()),
        attendees,
        notes: text(f, Ev::Notes.as_str()),
    }
}

/// Adds a service check's field errors to the form's own.
fn also(errs: &mut Vec<FieldError>, checked: Result<()>) {
    if let Err(Error::Validation(more)) = checked {
        for e in more {
            if !errs.iter().any(|x| x.field == e.field) {
                errs.push(e);
            }
        }
    }
}

fn not_zero(total: Cents, name: &'static str, errs: &mut Vec<FieldError>) {
    if total == Cents(0) && !errs.iter().any(|e| e.field == name) {
        errs.push(FieldError {
            field: name,
            message: "a contract of 0.00 € is not a contract: enter its total, e.g. 12 500".into(),
        });
    }
}

/// Today where the user is (or in UTC, whichever is later): a payment
/// received today is never "in the future" whatever the time zone.
fn today(crm: &dyn CrmApi) -> NaiveDate {
    let now = crm.now();
    now.date().max(crate::domain::time::to_local(now).date())
}

/// An event that starts before its contract existed, or a new one that
/// starts in the past, is asked about (past events may be entered on purpose).
fn event_dates(
    crm: &dyn CrmApi,
    st: &FormState,
    input: &EventInput,
    contract: i64,
) -> Result<Option<Result<Saved>>> {
    let f = &st.form;
    let new = !matches!(st.kind, FormKind::EditEvent { .. });
    if !new && !f.changed(Ev::StartsAt.as_str()) {
        return Ok(None);
    }
    let contract = match st.kind {
        FormKind::EditEvent { id, .. } => crm.get_event(id)?.contract,
        _ => crm.get_contract(contract)?.contract,
    };
    let start = show_local(input.starts_at);
    let mut why = Vec::new();
    if input.starts_at < contract.created_at {
        why.push(format!(
            "before contract #{} was made ({})",
            contract.id,
            show_local(contract.created_at)
        ));
    }
    if new && input.starts_at < crm.now() {
        why.push("in the past".to_string());
    }
    if why.is_empty() {
        return Ok(None);
    }
    let q = format!(
        "The event starts {start}, {}. Save it anyway?",
        why.join(" and ")
    );
    Ok(ask_first(f, q))
}

fn finish(errs: Vec<FieldError>) -> Result<()> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errs))
    }
}
