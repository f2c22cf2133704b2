//! Notifications: an inbox per collaborator.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::Text;

use super::list::{keyset, Ask, KeyValue, ListRequest, ListSpec, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{NewNotification, Notification};
use crate::db::schema::notifications;
use crate::db::search::{self, Indexed, SearchCol};
use crate::db::Backend;
use crate::db::DbConnection;
use crate::error::{Error, Result};

pub fn insert(conn: &mut DbConnection, new: &NewNotification) -> Result<()> {
    diesel::insert_into(notifications::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// Writes many notifications in one statement (an import's batch).
pub fn insert_many(conn: &mut DbConnection, new: &[NewNotification]) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    crate::with_backend!(conn, |c| diesel::insert_into(notifications::table)
        .values(new)
        .execute(c))?;
    Ok(())
}

/// True when this recipient already has a notification of this kind for the record.
pub fn exists(
    conn: &mut DbConnection,
    recipient: i64,
    kind: &str,
    entity: &str,
    record_id: i64,
) -> Result<bool> {
    let n: i64 = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(notifications::kind.eq(kind))
        .filter(notifications::entity.eq(entity))
        .filter(notifications::record_id.eq(record_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn unread_count(conn: &mut DbConnection, recipient: i64) -> Result<i64> {
    Ok(notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

type Boxed<'a> = notifications::BoxedQuery<'a, Dbb>;

/// Whose inbox, and whether only the unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbox {
    pub recipient: i64,
    pub unread_only: bool,
}

fn filtered<'a>(backend: Backend, f: &Inbox, p: &ListParams) -> Boxed<'a> {
    let mut q = notifications::table
        .filter(notifications::recipient_id.eq(f.recipient))
        .into_boxed::<Dbb>();
    if f.unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    // Messages are short and per person: a plain LIKE is enough. Folded terms
    // against lower(message) keeps it case-insensitive on both backends.
    let search = SearchCol {
        col: || Box::new(diesel::dsl::sql::<Text>("lower(notifications.message)")),
        sql: "lower(notifications.message)",
    };
    for c in &search::conds(&p.terms, Indexed::Substrings) {
        q = q.filter(search::pred(backend, c, &search));
    }
    q
}

/// An inbox (see [`crate::db::repo::list`]): newest first when "ascending".
pub struct NotificationList;

impl ListSpec for NotificationList {
    type Filter = Inbox;
    type Sort = ();
    type Row = Notification;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &Inbox,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        Ok(crate::answer!(
            filtered(backend, f, p),
            ask,
            notifications::id,
            conn
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &Inbox,
        _sort: (),
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        let q = match scope {
            Scope::Matched(ids) => notifications::table
                .into_boxed::<Dbb>()
                .filter(notifications::id.eq_any(ids)),
            Scope::Walk => filtered(backend, f, p),
        };
        let key = SortKey {
            parts: Vec::new(),
            id: || Box::new(notifications::id),
        };
        let newest_first = Seek {
            desc: !s.desc,
            ..s.clone()
        };
        Ok(keyset::seek(q, &key, &newest_first)?
            .select(notifications::id)
            .load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        _sort: (),
        ids: &[i64],
    ) -> Result<Vec<(Notification, Vec<KeyValue>)>> {
        let rows: Vec<Notification> = notifications::table
            .filter(notifications::id.eq_any(ids))
            .select(Notification::as_select())
            .load(conn)?;
        Ok(rows.into_iter().map(|r| (r, Vec::new())).collect())
    }

    fn id(row: &Notification) -> i64 {
        row.id
    }
}

/// One read of an inbox, newest first unless `descending`.
pub fn list<'a>(
    conn: &mut DbConnection,
    recipient: i64,
    unread_only: bool,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<Notification>> {
    let backend = super::list::backend_of(conn);
    let inbox = Inbox {
        recipient,
        unread_only,
    };
    super::list::list::<NotificationList>(conn, backend, &inbox, (), req.into())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Notification> {
    notifications::table
        .find(id)
        .select(Notification::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "notification",
            id,
        })
}

pub fn mark_read(
    conn: &mut DbConnection,
    _permit: &crate::policy::Permit,
    id: i64,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::read_at.is_null()),
    )
    .set((
        notifications::read_at.eq(Some(now)),
        notifications::version.eq(notifications::version + 1),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}

/// Back to unread (the owner wants to come back to it later).
pub fn mark_unread(
    conn: &mut DbConnection,
    _permit: &crate::policy::Permit,
    id: i64,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::read_at.is_not_null()),
    )
    .set((
        notifications::read_at.eq(None::<NaiveDateTime>),
        notifications::version.eq(notifications::version + 1),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}
