//! `5 Notifications`: mine, newest first; unread ones only on request.

use ratatui::layout::Constraint::{Fill, Length};

use super::{page, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::domain::time::show_local;
use crate::error::Result;
use crate::services::query::ListParams;
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Notifications;

impl TableScreen for Notifications {
    fn screen(&self) -> Screen {
        Screen::Notifications
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("When", Length(16), false),
            ("", Length(1), false),
            ("Message", Fill(1), false),
        ]
    }

    fn newest_first(&self) -> bool {
        true
    }

    fn fetch(
        &self,
        crm: &dyn CrmApi,
        session: &Session,
        q: &ListQuery,
        p: &ListParams,
    ) -> Result<PageData> {
        Ok(page(
            q,
            &crm.list_notifications_at(session, q.filters.unread_only, p, &q.at)?,
            |r| r.id,
            |r| RowFacts {
                unread: r.read_at.is_none(),
                ..RowFacts::default()
            },
            |r| {
                vec![
                    show_local(r.created_at),
                    if r.read_at.is_none() {
                        "●".into()
                    } else {
                        String::new()
                    },
                    r.message.clone(),
                ]
            },
        ))
    }
}
