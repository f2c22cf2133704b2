//! `1 Clients`.

use ratatui::layout::Constraint::{Fill, Length};

use super::{archived_mark, page, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::error::Result;
use crate::services::query::{ClientFilter, ClientSort, ListParams};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Clients;

/// The service's filter and sort for a list query.
fn query(q: &ListQuery) -> (ClientFilter, ClientSort) {
    let f = ClientFilter {
        sales_contact: q.filters.mine.then_some(q.me),
    };
    let sort = [
        ClientSort::Name,
        ClientSort::Company,
        ClientSort::Email,
        ClientSort::LastContact,
        ClientSort::SalesContact,
    ][q.sort.min(4)];
    (f, sort)
}

impl TableScreen for Clients {
    fn sheet(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
    ) -> Result<Option<crate::export::Sheet>> {
        let (f, sort) = query(q);
        let rows = crate::export::read_all(&super::params(q), |p, at| {
            crm.list_clients_at(&f, sort, p, at)
        })?;
        Ok(Some(crate::export::clients(&rows)))
    }

    fn screen(&self) -> Screen {
        Screen::Clients
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("Name", Fill(3), false),
            ("Company", Fill(3), false),
            ("E-mail", Fill(3), false),
            ("Last contact", Length(12), false),
            ("Sales contact", Fill(2), false),
        ]
    }

    fn sort_columns(&self) -> &'static [usize] {
        &[0, 1, 2, 3, 4]
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
            &crm.list_clients_at(&f, sort, p, &q.at)?,
            |r| r.client.id,
            |r| RowFacts {
                owner: r.client.sales_contact_id,
                archived: r.client.archived_at.is_some(),
                ..RowFacts::default()
            },
            |r| {
                vec![
                    archived_mark(&r.client.full_name, r.client.archived_at.is_some()),
                    r.client.company_name.clone(),
                    r.client.email.clone(),
                    r.client.last_contact.to_string(),
                    r.sales_contact_name.clone().unwrap_or_else(|| "—".into()),
                ]
            },
        ))
    }
}
