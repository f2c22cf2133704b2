//! Notifications: an inbox per collaborator.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{capped, Dbb, ListParams, Page, COUNT_CAP};
use crate::db::models::{NewNotification, Notification};
use crate::db::schema::notifications;
use crate::db::DbConnection;
use crate::error::{Error, Result};

pub fn insert(conn: &mut DbConnection, new: &NewNotification) -> Result<()> {
    diesel::insert_into(notifications::table)
        .values(new)
        .execute(conn)?;
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

fn filtered<'a>(recipient: i64, unread_only: bool, p: &'a ListParams) -> Boxed<'a> {
    let mut q = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .into_boxed::<Dbb>();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    for t in &p.terms {
        // Messages are short and per person: a plain LIKE is enough. Folded terms
        // against lower(message) keeps it case-insensitive on both backends.
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Text>("lower(notifications.message)")
                .like(crate::db::search::like_pattern(t))
                .escape('\\'),
        );
    }
    q
}

/// Newest first.
pub fn list(
    conn: &mut DbConnection,
    recipient: i64,
    unread_only: bool,
    p: &ListParams,
) -> Result<Page<Notification>> {
    let (total, total_capped) = if p.exact_count {
        (
            filtered(recipient, unread_only, p)
                .count()
                .get_result::<i64>(conn)?,
            false,
        )
    } else {
        capped(
            filtered(recipient, unread_only, p)
                .select(notifications::id)
                .limit(COUNT_CAP + 1)
                .load::<i64>(conn)?
                .len(),
        )
    };
    let q = filtered(recipient, unread_only, p);
    let q = if p.descending {
        q.order(notifications::id.asc())
    } else {
        q.order(notifications::id.desc())
    };
    let rows = q
        .offset(p.offset)
        .limit(p.limit)
        .select(Notification::as_select())
        .load(conn)?;
    Ok(Page {
        rows,
        offset: p.offset,
        total,
        total_capped,
    })
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
