//! `3 Events`.

use ratatui::layout::Constraint::{Fill, Length};

use super::{archived_mark, page, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::time::show_local;
use crate::error::Result;
use crate::services::query::{EventFilter, EventSort, ListParams, TimeWindow};
use crate::session::Session;
use crate::state::list::{Filters, ListQuery, PageData, RowFacts};

pub struct Events;

impl Events {
    /// The service's filter, sort and paging for a list query.
    fn query(&self, q: &ListQuery, p: &ListParams) -> (EventFilter, EventSort, ListParams) {
        let mut p = p.clone();
        if self.newest_first_for(&q.filters, q.sort) {
            p.descending = !p.descending;
        }
        let f = EventFilter {
            without_support: q.filters.without_support,
            support: q.filters.mine.then_some(q.me),
            window: q.filters.window,
            ..Default::default()
        };
        let sort = [
            EventSort::Start,
            EventSort::End,
            EventSort::Name,
            EventSort::Client,
            EventSort::Attendees,
            EventSort::Support,
        ][q.sort.min(5)];
        (f, sort, p)
    }
}

impl TableScreen for Events {
    fn sheet(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
    ) -> Result<Option<crate::export::Sheet>> {
        let (f, sort, p) = self.query(q, &super::params(q));
        let rows = crate::export::read_all(&p, |p, at| crm.list_events_at(&f, sort, p, at))?;
        Ok(Some(crate::export::events(&rows)))
    }

    fn screen(&self) -> Screen {
        Screen::Events
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("Start", Length(16), false),
            ("End", Length(16), false),
            ("Name", Fill(3), false),
            ("Client", Fill(2), false),
            ("Att.", Length(5), true),
            ("Support", Fill(2), false),
        ]
    }

    fn sort_columns(&self) -> &'static [usize] {
        &[0, 1, 2, 3, 4, 5]
    }

    /// The past reads back from the latest event, by date.
    fn newest_first_for(&self, f: &Filters, sort: usize) -> bool {
        f.window == TimeWindow::Past && sort <= 1
    }

    fn fetch(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData> {
        let (f, sort, p) = self.query(q, p);
        let p = &p;
        Ok(page(
            q,
            &crm.list_events_at(&f, sort, p, &q.at)?,
            |r| r.event.id,
            |r| RowFacts {
                owner: r.client.sales_contact_id,
                support: r.event.support_id,
                archived: r.event.archived_at.is_some(),
                ..RowFacts::default()
            },
            |r| {
                vec![
                    show_local(r.event.starts_at),
                    show_local(r.event.ends_at),
                    archived_mark(&r.event.name, r.event.archived_at.is_some()),
                    r.client.full_name.clone(),
                    r.event.attendees.to_string(),
                    r.support_name.clone().unwrap_or_else(|| "— none —".into()),
                ]
            },
        ))
    }
}
