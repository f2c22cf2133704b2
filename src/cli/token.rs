//! The session kept between two commands in local mode: a token signed with
//! HMAC-SHA-256 under a secret that only the database's holder can read.
//!
//! The secret (32 random bytes, 0600) sits beside an SQLite file, or in the data
//! directory for a PostgreSQL URL; the token (0600) sits in the config directory.
//! Both are named after the database, so logging in to one database says nothing
//! about another. The signature covers the collaborator's password hash: a new
//! password (changed or reset) ends every session opened with the old one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use crate::db::Target;

/// Why no valid session could be read. Each says what happened; the caller adds
/// "log in again".
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("not logged in")]
    Missing,
    #[error("the session expired after {0} minutes without use")]
    Expired(u64),
    #[error("the session is no longer valid")]
    Invalid,
    #[error("session storage: {0}")]
    Io(String),
}

/// The claims of a token: who, since when, last used when (Unix milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    pub collaborator_id: i64,
    pub logged_in_ms: i64,
    pub last_used_ms: i64,
}

/// Where one database's secret and token live.
#[derive(Debug, Clone)]
pub struct Store {
    secret_path: PathBuf,
    token_path: PathBuf,
}

/// Default idle time before a session ends: 8 hours.
pub const DEFAULT_IDLE_MINUTES: u64 = 8 * 60;

/// `EPICEVENTS_SESSION_IDLE_MINUTES`, or 8 hours. 0 ends a session at once
/// (useful to try the "log in again" path).
pub fn idle_minutes() -> crate::Result<u64> {
    Ok(
        crate::config::env_num::<u64>("EPICEVENTS_SESSION_IDLE_MINUTES")?
            .unwrap_or(DEFAULT_IDLE_MINUTES),
    )
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io(e: impl std::fmt::Display) -> TokenError {
    TokenError::Io(e.to_string())
}

impl Store {
    /// The secret and token paths for `target`. An SQLite file is named by its
    /// canonical path (it exists once the database is open); a PostgreSQL URL by
    /// itself without its password.
    pub fn for_target(target: &Target) -> Result<Store, TokenError> {
        let dirs = crate::config::project_dirs().map_err(io)?;
        let (identity, secret_path) = match target {
            Target::SqliteFile(p) => {
                let canon = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                let mut name = canon.file_name().unwrap_or_default().to_os_string();
                name.push(".session-key");
                let secret = canon.with_file_name(name);
                (canon.display().to_string(), secret)
            }
            Target::Postgres(url) => {
                let id = crate::telemetry::scrub::mask_url_password(url);
                let key =
                    hex(&ring::digest::digest(&ring::digest::SHA256, id.as_bytes()).as_ref()[..12]);
                let secret = dirs
                    .data_dir()
                    .join("session-keys")
                    .join(format!("{key}.key"));
                (id, secret)
            }
        };
        let key =
            hex(&ring::digest::digest(&ring::digest::SHA256, identity.as_bytes()).as_ref()[..12]);
        let token_path = dirs
            .config_dir()
            .join("sessions")
            .join(format!("{key}.token"));
        Ok(Store {
            secret_path,
            token_path,
        })
    }

    pub fn token_path(&self) -> &Path {
        &self.token_path
    }

    /// The secret, created on first use (0600, in a 0700 directory).
    fn secret(&self, create: bool) -> Result<hmac::Key, TokenError> {
        match std::fs::read(&self.secret_path) {
            Ok(bytes) if bytes.len() >= 32 => return Ok(hmac::Key::new(hmac::HMAC_SHA256, &bytes)),
            Ok(_) => {
                return Err(TokenError::Io(format!(
                    "the session key {} is damaged; delete it and log in again",
                    self.secret_path.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(TokenError::Missing),
            Err(e) => return Err(io(e)),
        }
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| TokenError::Io("no randomness for a session key".into()))?;
        if let Some(dir) = self.secret_path.parent() {
            crate::files::private_dir(dir).map_err(io)?;
        }
        match write_new(&self.secret_path, &bytes) {
            Ok(()) => Ok(hmac::Key::new(hmac::HMAC_SHA256, &bytes)),
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.secret(false),
            Err(e) => Err(io(e)),
        }
    }

    /// Signs and stores `claims`, bound to `password_hash`.
    pub fn save(&self, claims: &Claims, password_hash: &str) -> Result<(), TokenError> {
        let key = self.secret(true)?;
        let body = body(claims);
        let tag = hmac::sign(&key, signed_text(&body, password_hash).as_bytes());
        let token = format!(
            "{body}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref())
        );
        if let Some(dir) = self.token_path.parent() {
            crate::files::private_dir(dir).map_err(io)?;
        }
        replace_private(&self.token_path, token.as_bytes()).map_err(io)
    }

    /// The stored claims, unverified (verification needs the password hash,
    /// read from the database by the collaborator id found here).
    pub fn load(&self) -> Result<(Claims, String), TokenError> {
        let text = match std::fs::read_to_string(&self.token_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(TokenError::Missing),
            Err(e) => return Err(io(e)),
        };
        let text = text.trim();
        let (body, _) = text.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let parts: Vec<&str> = body.split('.').collect();
        let [v, id, login, used] = parts[..] else {
            return Err(TokenError::Invalid);
        };
        if v != "v1" {
            return Err(TokenError::Invalid);
        }
        let num = |s: &str| s.parse::<i64>().map_err(|_| TokenError::Invalid);
        let claims = Claims {
            collaborator_id: num(id)?,
            logged_in_ms: num(login)?,
            last_used_ms: num(used)?,
        };
        Ok((claims, text.to_string()))
    }

    /// Checks the signature of `token` (as returned by [`Store::load`]) against
    /// `password_hash`, and the idle time against `now_ms`.
    pub fn verify(
        &self,
        token: &str,
        claims: &Claims,
        password_hash: &str,
        now_ms: i64,
        idle_minutes: u64,
    ) -> Result<(), TokenError> {
        let key = self.secret(false).map_err(|e| match e {
            TokenError::Missing => TokenError::Invalid,
            other => other,
        })?;
        let (body, sig) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| TokenError::Invalid)?;
        hmac::verify(&key, signed_text(body, password_hash).as_bytes(), &sig)
            .map_err(|_| TokenError::Invalid)?;
        let idle_ms = (idle_minutes as i64).saturating_mul(60_000);
        if now_ms.saturating_sub(claims.last_used_ms) > idle_ms {
            return Err(TokenError::Expired(idle_minutes));
        }
        Ok(())
    }

    /// Forgets the session; true when there was one.
    pub fn remove(&self) -> Result<bool, TokenError> {
        match std::fs::remove_file(&self.token_path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io(e)),
        }
    }
}

fn body(c: &Claims) -> String {
    format!(
        "v1.{}.{}.{}",
        c.collaborator_id, c.logged_in_ms, c.last_used_ms
    )
}

fn signed_text(body: &str, password_hash: &str) -> String {
    format!("{body}\n{password_hash}")
}

fn open_private(path: &Path, create_new: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    if create_new {
        o.create_new(true);
    } else {
        o.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = open_private(path, true)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes `bytes` to a 0600 temporary file and renames it over `path`, so a
/// reader never sees half a token.
pub(crate) fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut f = open_private(&tmp, false)?;
        f.write_all(bytes)?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> Store {
        Store {
            secret_path: dir.join("k"),
            token_path: dir.join("t"),
        }
    }

    #[test]
    fn a_token_verifies_only_with_its_password_hash_and_within_the_idle_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = store(dir.path());
        let c = Claims {
            collaborator_id: 7,
            logged_in_ms: 1_000,
            last_used_ms: 1_000,
        };
        s.save(&c, "hash-a").expect("save");
        let (read, token) = s.load().expect("load");
        assert_eq!(read, c);
        assert!(s.verify(&token, &read, "hash-a", 1_000 + 60_000, 1).is_ok());
        assert!(matches!(
            s.verify(&token, &read, "hash-b", 1_000, 1),
            Err(TokenError::Invalid)
        ));
        assert!(matches!(
            s.verify(&token, &read, "hash-a", 1_000 + 60_001, 1),
            Err(TokenError::Expired(1))
        ));
        // A forged id keeps the old signature: refused.
        let forged = token.replacen("v1.7.", "v1.8.", 1);
        let fc = Claims {
            collaborator_id: 8,
            ..c
        };
        assert!(matches!(
            s.verify(&forged, &fc, "hash-a", 1_000, 1),
            Err(TokenError::Invalid)
        ));
        assert!(s.remove().expect("remove"));
        assert!(matches!(s.load(), Err(TokenError::Missing)));
    }
}
