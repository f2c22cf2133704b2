//! The team server's sessions: one row per login, its refresh tokens stored as
//! digests. The server signs and checks the tokens; what is kept of them lives
//! here, behind the services like every other table.

use chrono::NaiveDateTime;

use super::Crm;
use crate::db::repo::sessions as repo;
use crate::error::Result;

pub use crate::db::repo::sessions::{Refresh, SessionRow};

impl Crm {
    /// Opens a session for `collaborator_id` with its first refresh token's
    /// digest; returns the session id.
    pub fn open_server_session(
        &self,
        collaborator_id: i64,
        token_hash: &str,
        expires_at: NaiveDateTime,
    ) -> Result<i64> {
        let now = self.now();
        self.db()
            .write(|c| repo::open(c, collaborator_id, token_hash, now, expires_at))
    }

    /// Spends a refresh token (a reused one ends its whole session).
    pub fn use_refresh_token(&self, token_hash: &str) -> Result<Refresh> {
        let now = self.now();
        self.db().write(|c| repo::use_token(c, token_hash, now))
    }

    /// Adds the next refresh token of a session.
    pub fn add_refresh_token(&self, session_id: i64, token_hash: &str) -> Result<()> {
        let now = self.now();
        self.db()
            .write(|c| repo::add_token(c, session_id, token_hash, now))
    }

    pub fn server_session(&self, id: i64) -> Result<Option<SessionRow>> {
        self.db().read(|c| repo::get(c, id))
    }

    /// Ends one session (logout), keeping why.
    pub fn end_server_session(&self, id: i64, reason: &str) -> Result<()> {
        let now = self.now();
        self.db().write(|c| repo::revoke(c, id, now, reason))
    }
}
