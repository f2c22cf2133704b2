//! Sessions of the team server and their refresh tokens. Not business records:
//! no permit is needed, as for the failed-login counters, because nothing here
//! grants a right; it only records who proved their password and when that
//! proof stops counting.
//!
//! Refresh tokens are stored as SHA-256 digests (hex), never as issued.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{refresh_tokens, sessions};
use crate::db::DbConnection;
use crate::error::Result;

/// A session row as the server checks it on each request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub collaborator_id: i64,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

/// What a refresh token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// Unknown digest.
    Unknown,
    /// Used before: its session is now revoked.
    Reused { session: SessionRow },
    /// Fresh: it is now marked used; `session` may still be revoked or expired.
    Fresh { session: SessionRow },
}

/// Opens a session whose refresh token digest is `token_hash`.
pub fn open(
    conn: &mut DbConnection,
    collaborator_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<i64> {
    let id = crate::with_backend!(conn, |c| diesel::insert_into(sessions::table)
        .values((
            sessions::collaborator_id.eq(collaborator_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::updated_at.eq(now),
        ))
        .returning(sessions::id)
        .get_result::<i64>(c))?;
    add_token(conn, id, token_hash, now)?;
    Ok(id)
}

/// Records a newly issued refresh token of session `id`.
pub fn add_token(
    conn: &mut DbConnection,
    id: i64,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(id),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<SessionRow>> {
    Ok(sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Looks a refresh token up and uses it: a fresh one is marked used; a used one
/// revokes its session ("refresh token reused": someone else holds a copy).
pub fn use_token(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> Result<Refresh> {
    let found: Option<(i64, Option<NaiveDateTime>)> = refresh_tokens::table
        .find(token_hash)
        .select((refresh_tokens::session_id, refresh_tokens::used_at))
        .first(conn)
        .optional()?;
    let Some((sid, used_at)) = found else {
        return Ok(Refresh::Unknown);
    };
    if used_at.is_some() {
        revoke(conn, sid, now, "refresh token reused")?;
        let session = get(conn, sid)?.ok_or(crate::Error::NotFound {
            entity: "session",
            id: sid,
        })?;
        return Ok(Refresh::Reused { session });
    }
    diesel::update(refresh_tokens::table.find(token_hash))
        .set(refresh_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
    let session = get(conn, sid)?.ok_or(crate::Error::NotFound {
        entity: "session",
        id: sid,
    })?;
    Ok(Refresh::Fresh { session })
}

/// Ends one session (logout, reuse). An ended session keeps its first reason.
pub fn revoke(conn: &mut DbConnection, id: i64, now: NaiveDateTime, reason: &str) -> Result<()> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(Some(now)),
        sessions::revoked_reason.eq(Some(reason)),
        sessions::updated_at.eq(now),
        sessions::version.eq(sessions::version + 1),
    ))
    .execute(conn)?;
    Ok(())
}

/// Ends every open session of a collaborator whose rights just changed; returns
/// how many were open.
pub fn revoke_all(
    conn: &mut DbConnection,
    collaborator_id: i64,
    now: NaiveDateTime,
    reason: &str,
) -> Result<usize> {
    Ok(diesel::update(
        sessions::table
            .filter(sessions::collaborator_id.eq(collaborator_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(Some(now)),
        sessions::revoked_reason.eq(Some(reason)),
        sessions::updated_at.eq(now),
        sessions::version.eq(sessions::version + 1),
    ))
    .execute(conn)?)
}
