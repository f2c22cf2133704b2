//! `show`, `create`, `update`, `sign`, `pay`, `assign`, `archive`, `restore`:
//! each one service call, so one policy check and one audit row. Without
//! `--if-version`, a write applies to the version just read.

use chrono::{NaiveDate, NaiveDateTime};

use super::api::Api;
use super::args::{
    ClientFields, CollaboratorFields, ContractCmd, ContractFields, EventCmd, EventFields, Format,
    IdCmd, RecordCmd,
};
use super::output::{Cell, Table};
use super::{lists, records, CliError, CliResult};
use crate::domain::{Cents, PaymentKind, Role};
use crate::services::clients::ClientInput;
use crate::services::collaborators::CollaboratorInput;
use crate::services::events::EventInput;
use crate::services::query::{ClientRow, ContractRow, EventRow};
use crate::session::Session;

fn usage(flag: &str, why: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("{flag}: {why}"))
}

fn date(flag: &str, s: &str) -> CliResult<NaiveDate> {
    crate::domain::time::parse_date(s).map_err(|e| usage(flag, e))
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A local `YYYY-MM-DD HH:MM` as UTC.
fn local_time(flag: &str, s: &str) -> CliResult<NaiveDateTime> {
    let local = crate::domain::time::parse_local_datetime(s).map_err(|e| usage(flag, e))?;
    crate::domain::time::from_local(local)
        .ok_or_else(|| usage(flag, "this time does not exist here (clock change)"))
}

fn money(flag: &str, s: &str) -> CliResult<Cents> {
    Cents::parse(s).map_err(|e| usage(flag, e))
}

fn show(format: Format, columns: &[&'static str], cells: Vec<Cell>) -> CliResult {
    let mut t = Table::record(format, columns);
    t.row(cells)?;
    t.finish_single()
}

/// Prints what a write did: the id on standard output (for scripts), the sentence
/// on standard error.
fn done(what: &str, id: i64) -> CliResult {
    println!("{id}");
    eprintln!("{what} #{id}");
    Ok(())
}

fn version(given: Option<i32>, current: i32) -> i32 {
    given.unwrap_or(current)
}

pub fn clients(api: &Api, s: &Session, cmd: RecordCmd<ClientFields>) -> CliResult {
    match cmd {
        RecordCmd::List(l) => lists::clients(api, s, &l.list, l.format),
        RecordCmd::Show(c) => {
            let d = api.get_client(c.id)?;
            let row = ClientRow {
                client: d.client,
                sales_contact_name: d.sales_contact_name,
            };
            show(c.format, records::CLIENT, records::client(&row))
        }
        RecordCmd::Create(f) => {
            let input = ClientInput {
                full_name: f.full_name.clone().unwrap_or_default(),
                email: f.email.clone().unwrap_or_default(),
                phone: f.phone.clone().unwrap_or_default(),
                company_name: f.company_name.clone().unwrap_or_default(),
                first_contact: opt_date("--first-contact", &f.first_contact)?.unwrap_or(today()),
                last_contact: opt_date("--last-contact", &f.last_contact)?.unwrap_or(today()),
            };
            let id = api.create_client(s, &input)?;
            done("created client", id)
        }
        RecordCmd::Update {
            id,
            fields: f,
            if_version,
        } => {
            let c = api.get_client(id)?.client;
            let input = ClientInput {
                full_name: f.full_name.unwrap_or(c.full_name),
                email: f.email.unwrap_or(c.email),
                phone: f.phone.unwrap_or(c.phone),
                company_name: f.company_name.unwrap_or(c.company_name),
                first_contact: opt_date("--first-contact", &f.first_contact)?
                    .unwrap_or(c.first_contact),
                last_contact: opt_date("--last-contact", &f.last_contact)?
                    .unwrap_or(c.last_contact),
            };
            api.update_client(s, id, version(if_version, c.version), &input)?;
            done("updated client", id)
        }
        RecordCmd::Archive(c) => archive_client(api, s, c, true),
        RecordCmd::Restore(c) => archive_client(api, s, c, false),
    }
}

fn opt_date(flag: &str, v: &Option<String>) -> CliResult<Option<NaiveDate>> {
    v.as_deref().map(|d| date(flag, d)).transpose()
}

fn archive_client(api: &Api, s: &Session, c: IdCmd, archived: bool) -> CliResult {
    let cur = api.get_client(c.id)?.client;
    api.set_client_archived(s, c.id, version(c.if_version, cur.version), archived)?;
    done(
        if archived {
            "archived client"
        } else {
            "restored client"
        },
        c.id,
    )
}

pub fn contracts(api: &Api, s: &Session, cmd: ContractCmd) -> CliResult {
    match cmd {
        ContractCmd::Record(r) => contract_record(api, s, r),
        ContractCmd::Sign(c) => {
            let cur = api.get_contract(c.id)?.contract;
            api.sign_contract(s, c.id, version(c.if_version, cur.version))?;
            done("signed contract", c.id)
        }
        ContractCmd::Pay {
            id,
            amount,
            date: d,
        } => {
            let amount = money("AMOUNT", &amount)?;
            let on = match d {
                Some(d) => date("--date", &d)?,
                None => today(),
            };
            api.record_payment(s, id, amount, on)?;
            eprintln!("recorded a payment of {amount} on contract #{id}");
            println!("{id}");
            Ok(())
        }
        ContractCmd::Correct {
            id,
            amount,
            kind,
            reason,
            date: d,
        } => {
            let amount = money("AMOUNT", &amount)?;
            let kind: PaymentKind = kind
                .parse()
                .ok()
                .filter(|k: &PaymentKind| k.is_reversal())
                .ok_or_else(|| usage("--kind", "refund or correction"))?;
            let on = match d {
                Some(d) => date("--date", &d)?,
                None => today(),
            };
            api.record_correction(s, id, kind, amount, &reason, on)?;
            eprintln!("recorded a {kind} of -{amount} on contract #{id}");
            println!("{id}");
            Ok(())
        }
    }
}

fn contract_record(api: &Api, s: &Session, cmd: RecordCmd<ContractFields>) -> CliResult {
    match cmd {
        RecordCmd::List(l) => lists::contracts(api, s, &l.list, l.format),
        RecordCmd::Show(c) => {
            let d = api.get_contract(c.id)?;
            let row = ContractRow {
                contract: d.contract,
                client: d.client,
                sales_contact_name: d.sales_contact_name,
            };
            show(c.format, records::CONTRACT, records::contract(&row))
        }
        RecordCmd::Create(f) => {
            let client = f
                .client
                .ok_or_else(|| CliError::Usage("--client ID is required".into()))?;
            let total = money(
                "--total",
                f.total
                    .as_deref()
                    .ok_or_else(|| CliError::Usage("--total AMOUNT is required".into()))?,
            )?;
            let id = api.create_contract(s, client, total)?;
            done("created contract", id)
        }
        RecordCmd::Update {
            id,
            fields: f,
            if_version,
        } => {
            if f.client.is_some() {
                return Err(CliError::Usage("a contract's client cannot change".into()));
            }
            let cur = api.get_contract(id)?.contract;
            let total = match f.total.as_deref() {
                Some(t) => money("--total", t)?,
                None => Cents(cur.total_cents),
            };
            api.update_contract(s, id, version(if_version, cur.version), total)?;
            done("updated contract", id)
        }
        RecordCmd::Archive(c) => archive_contract(api, s, c, true),
        RecordCmd::Restore(c) => archive_contract(api, s, c, false),
    }
}

fn archive_contract(api: &Api, s: &Session, c: IdCmd, archived: bool) -> CliResult {
    let cur = api.get_contract(c.id)?.contract;
    api.set_contract_archived(s, c.id, version(c.if_version, cur.version), archived)?;
    done(
        if archived {
            "archived contract"
        } else {
            "restored contract"
        },
        c.id,
    )
}

pub fn events(api: &Api, s: &Session, cmd: EventCmd) -> CliResult {
    match cmd {
        EventCmd::Record(r) => event_record(api, s, r),
        EventCmd::Assign {
            id,
            email,
            none: _,
            if_version,
        } => {
            let cur = api.get_event(id)?.event;
            let support = match email {
                None => None,
                Some(e) => {
                    let wanted = e.trim().to_lowercase();
                    let staff = api.active_staff(Role::Support)?;
                    let who = staff
                        .iter()
                        .find(|c| c.email.to_lowercase() == wanted)
                        .ok_or_else(|| {
                            CliError::Crm(crate::Error::field(
                                "support",
                                format!("no active support collaborator has the e-mail {e}"),
                            ))
                        })?;
                    Some(who.id)
                }
            };
            api.assign_support(s, id, version(if_version, cur.version), support)?;
            done("assigned event", id)
        }
    }
}

fn event_record(api: &Api, s: &Session, cmd: RecordCmd<EventFields>) -> CliResult {
    match cmd {
        RecordCmd::List(l) => lists::events(api, s, &l.list, l.format),
        RecordCmd::Show(c) => {
            let d = api.get_event(c.id)?;
            let row = EventRow {
                event: d.event,
                client: d.client,
                support_name: d.support_name,
            };
            show(c.format, records::EVENT, records::event(&row))
        }
        RecordCmd::Create(f) => {
            let contract = f
                .contract
                .ok_or_else(|| CliError::Usage("--contract ID is required".into()))?;
            let need = |v: &Option<String>, flag: &str| {
                v.clone()
                    .ok_or_else(|| CliError::Usage(format!("{flag} is required")))
            };
            let input = EventInput {
                name: need(&f.name, "--name")?,
                starts_at: local_time("--start", &need(&f.start, "--start")?)?,
                ends_at: local_time("--end", &need(&f.end, "--end")?)?,
                location: f.location.unwrap_or_default(),
                attendees: f.attendees.unwrap_or(0),
                notes: f.notes.unwrap_or_default(),
            };
            let id = api.create_event(s, contract, &input)?;
            done("created event", id)
        }
        RecordCmd::Update {
            id,
            fields: f,
            if_version,
        } => {
            if f.contract.is_some() {
                return Err(CliError::Usage("an event's contract cannot change".into()));
            }
            let e = api.get_event(id)?.event;
            let input = EventInput {
                name: f.name.unwrap_or(e.name),
                starts_at: match f.start {
                    Some(t) => local_time("--start", &t)?,
                    None => e.starts_at,
                },
                ends_at: match f.end {
                    Some(t) => local_time("--end", &t)?,
                    None => e.ends_at,
                },
                location: f.location.unwrap_or(e.location),
                attendees: f.attendees.unwrap_or(e.attendees),
                notes: f.notes.unwrap_or(e.notes),
            };
            api.update_event(s, id, version(if_version, e.version), &input)?;
            done("updated event", id)
        }
        RecordCmd::Archive(c) => archive_event(api, s, c, true),
        RecordCmd::Restore(c) => archive_event(api, s, c, false),
    }
}

fn archive_event(api: &Api, s: &Session, c: IdCmd, archived: bool) -> CliResult {
    let cur = api.get_event(c.id)?.event;
    api.set_event_archived(s, c.id, version(c.if_version, cur.version), archived)?;
    done(
        if archived {
            "archived event"
        } else {
            "restored event"
        },
        c.id,
    )
}

pub fn collaborators(api: &Api, s: &Session, cmd: RecordCmd<CollaboratorFields>) -> CliResult {
    let role = |r: &Option<String>| -> CliResult<Option<Role>> {
        r.as_deref()
            .map(|r| r.parse::<Role>().map_err(|e| usage("--role", e)))
            .transpose()
    };
    match cmd {
        RecordCmd::List(l) => lists::collaborators(api, s, &l.list, l.format),
        RecordCmd::Show(c) => {
            let who = api.get_collaborator(c.id)?;
            show(c.format, records::COLLABORATOR, records::collaborator(&who))
        }
        RecordCmd::Create(f) => {
            let input = CollaboratorInput {
                full_name: f.full_name.clone().unwrap_or_default(),
                email: f.email.clone().unwrap_or_default(),
                phone: f.phone.clone().filter(|p| !p.trim().is_empty()),
                role: role(&f.role)?
                    .ok_or_else(|| CliError::Usage("--role is required".into()))?,
            };
            if !f.password_stdin {
                return Err(CliError::Usage(
                    "--password-stdin is required: the initial password is read from standard input"
                        .into(),
                ));
            }
            let password = super::auth::line_from_stdin()?;
            let id = api.create_collaborator(s, &input, &password)?;
            done("created collaborator", id)
        }
        RecordCmd::Update {
            id,
            fields: f,
            if_version,
        } => {
            if f.password_stdin {
                return Err(CliError::Usage(
                    "passwords are changed on the screen, not by update".into(),
                ));
            }
            let c = api.get_collaborator(id)?;
            let input = CollaboratorInput {
                full_name: f.full_name.unwrap_or(c.full_name.clone()),
                email: f.email.unwrap_or(c.email.clone()),
                phone: match f.phone {
                    Some(p) if p.trim().is_empty() => None,
                    Some(p) => Some(p),
                    None => c.phone.clone(),
                },
                role: role(&f.role)?.unwrap_or(c.role()),
            };
            api.update_collaborator(s, id, version(if_version, c.version), &input)?;
            done("updated collaborator", id)
        }
        RecordCmd::Archive(_) | RecordCmd::Restore(_) => Err(CliError::Usage(
            "collaborators are deactivated on the screen, which asks who takes over their clients and events"
                .into(),
        )),
    }
}
