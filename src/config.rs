//! Settings from the environment (and a `.env` file, loaded by the binary).
//! Every variable is documented in `.env.example`.

use std::time::Duration;

use directories::ProjectDirs;

use crate::error::{Error, Result};

/// Where this program keeps its database, log and keys file.
pub fn project_dirs() -> Result<ProjectDirs> {
    ProjectDirs::from("com", "Epic Events", "epicevents")
        .ok_or_else(|| Error::Config("no home directory to keep the data in".into()))
}

/// Tunables of the business core.
#[derive(Debug, Clone)]
pub struct CrmConfig {
    /// bcrypt cost; 12 by default (`EPICEVENTS_BCRYPT_COST`, 4–31).
    pub bcrypt_cost: u32,
    /// Failed logins before the account locks.
    pub lockout_threshold: i32,
    /// How long a locked account stays locked.
    pub lockout_duration: Duration,
    /// Minimum password length.
    pub min_password_len: usize,
}

impl Default for CrmConfig {
    fn default() -> Self {
        CrmConfig {
            bcrypt_cost: 12,
            lockout_threshold: 5,
            lockout_duration: Duration::from_secs(15 * 60),
            min_password_len: 12,
        }
    }
}

impl CrmConfig {
    /// Reads `EPICEVENTS_BCRYPT_COST`, `EPICEVENTS_LOCKOUT_ATTEMPTS` and
    /// `EPICEVENTS_LOCKOUT_MINUTES`; a malformed value is an error, not a silent default.
    pub fn from_env() -> Result<CrmConfig> {
        let mut c = CrmConfig::default();
        if let Some(v) = env_num::<u32>("EPICEVENTS_BCRYPT_COST")? {
            if !(4..=31).contains(&v) {
                return Err(Error::Config(
                    "EPICEVENTS_BCRYPT_COST must be between 4 and 31".into(),
                ));
            }
            c.bcrypt_cost = v;
        }
        if let Some(v) = env_num::<i32>("EPICEVENTS_LOCKOUT_ATTEMPTS")? {
            c.lockout_threshold = v.max(1);
        }
        if let Some(v) = env_num::<u64>("EPICEVENTS_LOCKOUT_MINUTES")? {
            c.lockout_duration = Duration::from_secs(v * 60);
        }
        Ok(c)
    }
}

/// Reads a number from the environment; unset or empty is `None`.
pub fn env_num<T: std::str::FromStr>(name: &str) -> Result<Option<T>> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::Config(format!("{name} is not a valid number: {v:?}"))),
        Err(_) => Ok(None),
    }
}
