//! The scripting commands against the team server (`--server URL`): the tokens
//! the server hands out at login are kept between commands, one file per server
//! in the config directory (0600, replaced atomically), and never the password.
//!
//! The access token lives 15 minutes; an expired one is refreshed by the
//! client on the next call, and the refresh token the server rotates is
//! written back at once. Two commands started together must not both spend the
//! same refresh token (the server takes a reused one for a stolen one and ends
//! the session), so a refresh happens under an exclusive lock on the file's
//! lock beside it, and the second command reads the fresh tokens instead.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::token::{hex, now_ms, replace_private};
use super::{CliError, CliResult};
use crate::api::remote::RemoteCrm;
use crate::api::wire::Tokens;
use crate::api::CrmApi;
use crate::error::Error;
use crate::session::Session;

/// Refresh when the access token has less than this left (a command then has
/// time to finish on it).
const MARGIN_MS: i64 = 60_000;

/// What the file holds.
#[derive(Serialize, Deserialize)]
struct Stored {
    server: String,
    /// When the access token expires, Unix milliseconds (estimated on receipt).
    access_expires_ms: i64,
    tokens: Tokens,
}

/// A client of one server and the file its session is kept in.
pub struct ServerLink {
    pub crm: RemoteCrm,
    file: PathBuf,
    /// The refresh token as last read or written, to see a rotation.
    kept: std::sync::Mutex<Option<String>>,
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::Failed(format!("session storage: {e}"))
}

/// The file name for a server: a digest of its address as `known_servers`
/// writes it (lower case, no trailing slash).
fn file_for(url: &str) -> CliResult<PathBuf> {
    let key = url.trim().trim_end_matches('/').to_lowercase();
    let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let dirs = crate::config::project_dirs().map_err(CliError::from)?;
    Ok(dirs
        .config_dir()
        .join("sessions")
        .join(format!("server-{}.json", hex(&digest.as_ref()[..12]))))
}

impl ServerLink {
    pub fn new(crm: RemoteCrm) -> CliResult<ServerLink> {
        let file = file_for(crm.base_url())?;
        Ok(ServerLink {
            crm,
            file,
            kept: std::sync::Mutex::new(None),
        })
    }

    pub fn token_path(&self) -> &Path {
        &self.file
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read(&self) -> CliResult<Option<Stored>> {
        let bytes = match std::fs::read(&self.file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(failed(format!("{}: {e}", self.file.display()))),
        };
        match serde_json::from_slice::<Stored>(&bytes) {
            Ok(s) => Ok(Some(s)),
            // A damaged file is a missing session, not a crash.
            Err(_) => Err(CliError::NotLoggedIn(format!(
                "the session file {} cannot be read",
                self.file.display()
            ))),
        }
    }

    fn write(&self, tokens: &Tokens) -> CliResult {
        let stored = Stored {
            server: self.crm.base_url().to_string(),
            access_expires_ms: now_ms().saturating_add(tokens.expires_in.saturating_mul(1000)),
            tokens: tokens.clone(),
        };
        let text = serde_json::to_vec(&stored).map_err(failed)?;
        if let Some(dir) = self.file.parent() {
            crate::files::private_dir(dir).map_err(failed)?;
        }
        replace_private(&self.file, &text).map_err(failed)?;
        *self.kept() = Some(tokens.refresh_token.clone());
        Ok(())
    }

    /// Forgets the session; true when there was one.
    pub fn remove(&self) -> CliResult<bool> {
        match std::fs::remove_file(&self.file) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(failed(e)),
        }
    }

    /// An exclusive lock held while tokens are refreshed.
    fn lock(&self) -> CliResult<File> {
        if let Some(dir) = self.file.parent() {
            crate::files::private_dir(dir).map_err(failed)?;
        }
        let path = self.file.with_extension("lock");
        let mut o = std::fs::OpenOptions::new();
        o.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let f = o.open(&path).map_err(failed)?;
        f.lock().map_err(failed)?;
        Ok(f)
    }

    /// Logs in and keeps the tokens.
    pub fn login(&self, email: &str, password: &str) -> CliResult<Session> {
        let session = self.crm.login(email, password)?;
        let tokens = self
            .crm
            .tokens_of(session.collaborator_id)
            .ok_or_else(|| CliError::Failed("the server sent no tokens".into()))?;
        self.write(&tokens)?;
        Ok(session)
    }

    /// The kept session, its access token refreshed first when it is about to
    /// expire (under the lock, so only one command spends the refresh token).
    pub fn require(&self) -> CliResult<Session> {
        let stored = self.read()?.ok_or_else(|| {
            CliError::NotLoggedIn(format!("not logged in to {}", self.crm.base_url()))
        })?;
        if stored.access_expires_ms - MARGIN_MS > now_ms() {
            *self.kept() = Some(stored.tokens.refresh_token.clone());
            return Ok(self.crm.resume(stored.tokens));
        }
        let _lock = self.lock()?;
        // Another command may have refreshed while this one waited.
        let stored = self.read()?.ok_or_else(|| {
            CliError::NotLoggedIn(format!("not logged in to {}", self.crm.base_url()))
        })?;
        *self.kept() = Some(stored.tokens.refresh_token.clone());
        let session = self.crm.resume(stored.tokens);
        if stored.access_expires_ms - MARGIN_MS > now_ms() {
            return Ok(session);
        }
        // Any authenticated call refreshes an expired access token; this one
        // also says whether the account is still active.
        let r = self.crm.actor(&session);
        self.save_rotation(session.collaborator_id)?;
        r?;
        Ok(session)
    }

    /// Writes back tokens the client rotated during the command; removes the
    /// file when the server ended the session.
    pub fn save_rotation(&self, collaborator_id: i64) -> CliResult {
        match self.crm.tokens_of(collaborator_id) {
            Some(t) => {
                let changed = self.kept().as_deref() != Some(t.refresh_token.as_str());
                if changed {
                    self.write(&t)?;
                }
                Ok(())
            }
            None => self.remove().map(|_| ()),
        }
    }

    /// Ends the session on the server (`DELETE /v1/session`) and deletes the
    /// file. False when there was none.
    pub fn logout(&self) -> CliResult<bool> {
        let Some(stored) = self.read().or_else(|e| match e {
            CliError::NotLoggedIn(_) => self.remove().map(|_| None),
            other => Err(other),
        })?
        else {
            return Ok(false);
        };
        let session = self.crm.resume(stored.tokens);
        match self.crm.logout(&session) {
            Ok(()) | Err(Error::SessionEnded(_)) => {}
            // The server could not be told: keep the file so it can be tried again.
            Err(e) => return Err(e.into()),
        }
        self.remove()?;
        Ok(true)
    }
}
