//! `3 Events`.

use ratatui::layout::Constraint::{Fill, Length};

use super::{archived_mark, page, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::time::show_local;
use crate::error::Result;
use crate::services::query::{EventFilter, EventSort, ListParams};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Events;

impl TableScreen for Events {
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
        &[0, 1, 2, 3, 4]
    }

    fn fetch(
        &self,
        crm: &dyn CrmApi,
        _: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData> {
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
        ][q.sort.min(4)];
        Ok(page(
            q,
            &crm.list_events(&f, sort, p)?,
            |r| r.event.id,
            |r| RowFacts {
                owner: r.client.sales_contact_id,
                support: r.event.support_id,
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
