//! `2 Contracts`.

use ratatui::layout::Constraint::{Fill, Length};

use super::{archived_mark, page, yes_no, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::Cents;
use crate::error::Result;
use crate::services::query::{ContractFilter, ContractSort, ListParams};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Contracts;

/// The service's filter and sort for a list query.
fn query(q: &ListQuery) -> (ContractFilter, ContractSort) {
    let f = ContractFilter {
        unsigned: q.filters.unsigned,
        balance_due: q.filters.balance_due,
        sales_contact: q.filters.mine.then_some(q.me),
        client: None,
    };
    let sort = [
        ContractSort::Id,
        ContractSort::Client,
        ContractSort::Total,
        ContractSort::Due,
        ContractSort::Signed,
        ContractSort::SalesContact,
    ][q.sort.min(5)];
    (f, sort)
}

impl TableScreen for Contracts {
    fn sheet(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
    ) -> Result<Option<crate::export::Sheet>> {
        let (f, sort) = query(q);
        let rows = crate::export::read_all(&super::params(q), |p, at| {
            crm.list_contracts_at(&f, sort, p, at)
        })?;
        Ok(Some(crate::export::contracts(&rows)))
    }

    fn screen(&self) -> Screen {
        Screen::Contracts
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("#", Length(7), true),
            ("Client", Fill(3), false),
            ("Total", Length(13), true),
            ("Due", Length(13), true),
            ("Signed", Length(6), false),
            ("Sales contact", Fill(2), false),
        ]
    }

    fn sort_columns(&self) -> &'static [usize] {
        &[0, 1, 2, 3, 4, 5]
    }

    fn fetch(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData> {
        let (f, sort) = query(q);
        Ok(page(
            q,
            &crm.list_contracts_at(&f, sort, p, &q.at)?,
            |r| r.contract.id,
            |r| RowFacts {
                owner: r.client.sales_contact_id,
                signed: r.contract.signed,
                paid: r.contract.due_cents < r.contract.total_cents,
                archived: r.contract.archived_at.is_some(),
                ..RowFacts::default()
            },
            |r| {
                vec![
                    archived_mark(
                        &format!("#{}", r.contract.id),
                        r.contract.archived_at.is_some(),
                    ),
                    r.client.full_name.clone(),
                    Cents(r.contract.total_cents).display(),
                    Cents(r.contract.due_cents).display(),
                    yes_no(r.contract.signed),
                    r.sales_contact_name.clone().unwrap_or_else(|| "—".into()),
                ]
            },
        ))
    }
}
