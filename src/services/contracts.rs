//! Contracts: written by management, signed and paid against by the client's sales
//! contact. The amount due is the total minus the payments ledger.

use chrono::NaiveDate;

use super::{permit, Changes, Crm};
use crate::db::models::{Client, Contract, NewContract, NewPayment, Payment};
use crate::db::repo::contracts::{self as repo, ContractFilter, ContractRow, ContractSort};
use crate::db::repo::events::{self as events_repo, EventFilter, EventRow, EventSort};
use crate::db::repo::{
    audit, clients as clients_repo, collaborators as staff_repo, payments as payments_repo,
};
use crate::db::repo::{ListParams, Page};
use crate::domain::{Cents, PaymentKind, Role};
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::services::notifications::{notify, Kind};
use crate::session::Session;
use crate::telemetry::{business, BusinessEvent};

/// Everything the contract detail view shows.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ContractDetail {
    pub contract: Contract,
    pub client: Client,
    pub sales_contact_name: Option<String>,
    pub signed_by_name: Option<String>,
    /// Newest first, with who recorded each.
    pub payments: Vec<(Payment, String)>,
    pub events: Vec<EventRow>,
}

impl Crm {
    pub fn list_contracts<'a>(
        &self,
        f: &ContractFilter,
        sort: ContractSort,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<ContractRow>> {
        let backend = self.backend();
        self.db().read(|c| repo::list(c, backend, f, sort, p))
    }

    pub fn get_contract(&self, id: i64) -> Result<ContractDetail> {
        let backend = self.backend();
        self.db().read(|c| {
            let contract = repo::get(c, id)?;
            let client = clients_repo::get(c, contract.client_id)?;
            let sales_contact_name = clients_repo::owner_name(c, client.sales_contact_id)?;
            let signed_by_name = clients_repo::owner_name(c, contract.signed_by_id)?;
            let payments = payments_repo::for_contract(c, id)?;
            let names = staff_repo::names(c, payments.iter().map(|p| p.recorded_by_id))?;
            let payments = payments
                .into_iter()
                .map(|p| {
                    let who = names.get(&p.recorded_by_id).cloned().unwrap_or_default();
                    (p, who)
                })
                .collect();
            let all = ListParams {
                include_archived: contract.archived_at.is_some(),
                limit: 200,
                ..Default::default()
            };
            let events = events_repo::list(
                c,
                backend,
                &EventFilter {
                    contract: Some(id),
                    ..Default::default()
                },
                EventSort::Start,
                &all,
            )?
            .rows;
            Ok(ContractDetail {
                contract,
                client,
                sales_contact_name,
                signed_by_name,
                payments,
                events,
            })
        })
    }

    /// Management writes a contract for a client; nothing is paid yet.
    pub fn create_contract(&self, session: &Session, client_id: i64, total: Cents) -> Result<i64> {
        // A contract for nothing is a mistake (an amount typed in the wrong field).
        if total.0 <= 0 {
            return Err(Error::field("total", "must be more than 0.00 €"));
        }
        let now = self.now();
        self.write(session, |c, actor| {
            let p = permit(actor, Action::CreateContract)?;
            let client = clients_repo::get(c, client_id)
                .map_err(|_| Error::field("client", "choose a client"))?;
            if client.archived_at.is_some() {
                return Err(Error::field(
                    "client",
                    "this client is archived; restore it first",
                ));
            }
            let owner = clients_repo::owner_name(c, client.sales_contact_id)?;
            let id = repo::insert(
                c,
                &p,
                &NewContract {
                    client_id,
                    total_cents: total.0,
                    due_cents: total.0,
                    signed: false,
                    signed_at: None,
                    signed_by_id: None,
                    search: "",
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            let search = repo::search_text(id, &client, owner.as_deref(), false);
            diesel_search(c, id, &search)?;
            let mut ch = Changes::default();
            ch.created("client", &client.full_name)
                .created("total", total);
            audit::record(
                c,
                Some(&p),
                "contract",
                id,
                "create",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(id)
        })
    }

    /// Changes the total; refused below what has already been paid.
    pub fn update_contract(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        total: Cents,
    ) -> Result<()> {
        if total.0 <= 0 {
            return Err(Error::field("total", "must be more than 0.00 €"));
        }
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("contract", id, before.version, version)?;
            let client = clients_repo::get(c, before.client_id)?;
            let p = permit(
                actor,
                Action::UpdateContract {
                    owner: client.sales_contact_id,
                },
            )?;
            let paid = before.total_cents - before.due_cents;
            if total.0 < paid {
                return Err(Error::field(
                    "total",
                    format!("cannot be less than what is already paid ({})", Cents(paid)),
                ));
            }
            if total.0 == before.total_cents {
                return Ok(());
            }
            let owner = clients_repo::owner_name(c, client.sales_contact_id)?;
            let search = repo::search_text(id, &client, owner.as_deref(), before.signed);
            repo::update_total(c, &p, id, version, total.0, total.0 - paid, &search, now)?;
            let mut ch = Changes::default();
            ch.field("total", before.total(), total).field(
                "due",
                before.due(),
                Cents(total.0 - paid),
            );
            audit::record(
                c,
                Some(&p),
                "contract",
                id,
                "update",
                &ch.0,
                &session.name,
                now,
            )
        })
    }

    /// Signs a contract: records who and when, tells the sales contact and management.
    pub fn sign_contract(&self, session: &Session, id: i64, version: i32) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("contract", id, before.version, version)?;
            let client = clients_repo::get(c, before.client_id)?;
            let p = permit(
                actor,
                Action::SignContract {
                    owner: client.sales_contact_id,
                },
            )?;
            if before.signed {
                return Err(Error::Rule(format!("contract #{id} is already signed")));
            }
            if before.archived_at.is_some() {
                return Err(Error::Rule(format!(
                    "contract #{id} is archived; restore it first"
                )));
            }
            repo::sign(c, &p, id, version, now)?;
            let owner = clients_repo::owner_name(c, client.sales_contact_id)?;
            let search = repo::search_text(id, &client, owner.as_deref(), true);
            diesel_search(c, id, &search)?;
            let mut ch = Changes::default();
            ch.field("signed", "no", "yes")
                .field("signed_by", "—", &session.name);
            audit::record(
                c,
                Some(&p),
                "contract",
                id,
                "sign",
                &ch.0,
                &session.name,
                now,
            )?;
            let message = format!(
                "Contract #{id} for {} was signed by {}",
                client.full_name, session.name
            );
            let mut recipients: Vec<i64> = staff_repo::active_by_role(c, Role::Management)?
                .iter()
                .map(|m| m.id)
                .collect();
            recipients.extend(client.sales_contact_id);
            recipients.sort_unstable();
            recipients.dedup();
            for r in recipients.into_iter().filter(|r| *r != actor.id) {
                notify(c, r, Kind::ContractSigned, "contract", id, &message, now)?;
            }
            Ok(())
        })?;
        business(BusinessEvent::ContractSigned {
            contract_id: id,
            actor_id: session.collaborator_id,
        });
        Ok(())
    }

    /// Records a payment. The contract is locked and the amount checked against
    /// what is due in one statement, so an overpayment is refused even when two
    /// people record at once; the database lowers the amount due with the row.
    pub fn record_payment(
        &self,
        session: &Session,
        contract_id: i64,
        amount: Cents,
        received_on: NaiveDate,
    ) -> Result<i64> {
        if amount.0 <= 0 {
            return Err(Error::field("amount", "must be more than zero"));
        }
        let now = self.now();
        self.write(session, |c, actor| {
            let contract = repo::get(c, contract_id)?;
            let client = clients_repo::get(c, contract.client_id)?;
            let p = permit(
                actor,
                Action::RecordPayment {
                    owner: client.sales_contact_id,
                },
            )?;
            if contract.archived_at.is_some() {
                return Err(Error::Rule(format!(
                    "contract #{contract_id} is archived; restore it first"
                )));
            }
            if !repo::hold_for_ledger(c, &p, contract_id, amount.0)? {
                let due = repo::get(c, contract_id)?.due();
                return Err(Error::field(
                    "amount",
                    format!("overpayment refused: only {due} is still due"),
                ));
            }
            let entry = Entry {
                contract_id,
                kind: PaymentKind::Payment,
                amount_cents: amount.0,
                reason: "",
                received_on,
            };
            let pid = insert_entry(c, &p, actor.id, &entry, now)?;
            let after = repo::get(c, contract_id)?;
            let mut ch = Changes::default();
            ch.created("payment", format!("{amount} received {received_on}"))
                .field("due", contract.due(), after.due());
            audit::record(
                c,
                Some(&p),
                "contract",
                contract_id,
                "payment",
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(pid)
        })
    }

    /// Undoes money recorded by mistake without touching history: a new ledger row
    /// of `kind` (refund or correction) takes `amount` back off what was paid, with
    /// the reason kept beside it and in the audit. Management and admins only.
    pub fn record_correction(
        &self,
        session: &Session,
        contract_id: i64,
        kind: PaymentKind,
        amount: Cents,
        reason: &str,
        received_on: NaiveDate,
    ) -> Result<i64> {
        if !kind.is_reversal() {
            return Err(Error::field("kind", "must be a refund or a correction"));
        }
        if amount.0 <= 0 {
            return Err(Error::field(
                "amount",
                "must be more than zero (it is taken off what was paid)",
            ));
        }
        let reason = reason.trim();
        let mut checks = super::validate::Checks::default();
        checks.text("reason", reason, true, 500);
        checks.finish()?;
        let now = self.now();
        self.write(session, |c, actor| {
            let contract = repo::get(c, contract_id)?;
            let p = permit(actor, Action::CorrectPayment)?;
            // Archived records are read-only until restored, money included.
            if contract.archived_at.is_some() {
                return Err(Error::Rule(format!(
                    "contract #{contract_id} is archived; restore it first"
                )));
            }
            let paid = contract.paid();
            // More than was paid is refused before the database adds it to what
            // is due (an absurd amount cannot overflow there); the hold checks
            // again under the lock.
            if amount > paid || !repo::hold_for_ledger(c, &p, contract_id, -amount.0)? {
                let paid = repo::get(c, contract_id)?.paid();
                return Err(Error::field(
                    "amount",
                    format!("cannot take back more than was paid ({paid})"),
                ));
            }
            let entry = Entry {
                contract_id,
                kind,
                amount_cents: -amount.0,
                reason,
                received_on,
            };
            let pid = insert_entry(c, &p, actor.id, &entry, now)?;
            let after = repo::get(c, contract_id)?;
            let mut ch = Changes::default();
            ch.created(
                kind.as_ref(),
                format!("-{amount} on {received_on}: {reason}"),
            )
            .field("due", contract.due(), after.due());
            audit::record(
                c,
                Some(&p),
                "contract",
                contract_id,
                kind.as_ref(),
                &ch.0,
                &session.name,
                now,
            )?;
            Ok(pid)
        })
    }

    /// Archives or restores one contract (its events follow).
    pub fn set_contract_archived(
        &self,
        session: &Session,
        id: i64,
        version: i32,
        archived: bool,
    ) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let before = repo::get(c, id)?;
            super::expect_version("contract", id, before.version, version)?;
            let p = permit(
                actor,
                if archived {
                    Action::Archive
                } else {
                    Action::Restore
                },
            )?;
            if before.archived_at.is_some() == archived {
                return Ok(());
            }
            if !archived {
                let client = clients_repo::get(c, before.client_id)?;
                if client.archived_at.is_some() {
                    return Err(Error::Rule(
                        "its client is archived: restore the client".into(),
                    ));
                }
            }
            let (stamp, previous) = if archived {
                (Some(now), None)
            } else {
                (None, before.archived_at)
            };
            repo::set_archived(c, &p, id, version, stamp, now)?;
            let events = events_repo::cascade_archive(c, &p, &[id], stamp, previous, now)?;
            let mut ch = Changes::default();
            ch.field("archived", !archived, archived);
            if events > 0 {
                ch.field("with it", "", format!("{events} event(s)"));
            }
            audit::record(
                c,
                Some(&p),
                "contract",
                id,
                if archived { "archive" } else { "restore" },
                &ch.0,
                &session.name,
                now,
            )
        })
    }
}

/// Updates only the `search` column (no version bump: it is derived data).
fn diesel_search(c: &mut crate::db::DbConnection, id: i64, search: &str) -> Result<()> {
    use crate::db::schema::contracts;
    use diesel::prelude::*;
    diesel::update(contracts::table.find(id))
        .set(contracts::search.eq(search))
        .execute(c)?;
    Ok(())
}

/// One row for the ledger, as the services describe it.
struct Entry<'a> {
    contract_id: i64,
    kind: PaymentKind,
    amount_cents: i64,
    reason: &'a str,
    received_on: NaiveDate,
}

fn insert_entry(
    c: &mut crate::db::DbConnection,
    p: &crate::policy::Permit,
    recorded_by_id: i64,
    e: &Entry<'_>,
    now: chrono::NaiveDateTime,
) -> Result<i64> {
    payments_repo::insert(
        c,
        p,
        &NewPayment {
            contract_id: e.contract_id,
            amount_cents: e.amount_cents,
            kind: e.kind.as_ref().to_string(),
            reason: e.reason.to_string(),
            received_on: e.received_on,
            recorded_by_id,
            created_at: now,
            updated_at: now,
            version: 1,
        },
    )
}
