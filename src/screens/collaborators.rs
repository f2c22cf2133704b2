//! `4 Collaborators` (admin and management).

use ratatui::layout::Constraint::{Fill, Length};

use super::{page, yes_no, ColumnDef, TableScreen};
use crate::action::Screen;
use crate::api::CrmApi;
use crate::error::Result;
use crate::services::query::{CollaboratorFilter, CollaboratorSort, ListParams};
use crate::session::Session;
use crate::state::list::{ListQuery, PageData, RowFacts};

pub struct Collaborators;

impl TableScreen for Collaborators {
    fn screen(&self) -> Screen {
        Screen::Collaborators
    }

    fn columns(&self) -> Vec<ColumnDef> {
        vec![
            ("Name", Fill(3), false),
            ("No.", Length(7), false),
            ("E-mail", Fill(4), false),
            ("Role", Length(10), false),
            ("Active", Length(6), false),
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
        let sort = [
            CollaboratorSort::Name,
            CollaboratorSort::EmployeeNumber,
            CollaboratorSort::Email,
            CollaboratorSort::Role,
            CollaboratorSort::Active,
        ][q.sort.min(4)];
        Ok(page(
            q,
            &crm.list_collaborators_at(&CollaboratorFilter::default(), sort, p, &q.at)?,
            |r| r.id,
            |r| RowFacts {
                role: Some(r.role()),
                ..RowFacts::default()
            },
            |r| {
                vec![
                    r.full_name.clone(),
                    r.employee_number.clone(),
                    r.email.clone(),
                    r.role.clone(),
                    yes_no(r.active),
                ]
            },
        ))
    }
}
