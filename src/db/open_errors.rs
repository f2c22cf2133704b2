//! Why a database could not be opened, in words a person can act on: a wrong
//! password, nothing listening, an unknown host, a server that does not answer, SSL
//! refused or required, a missing or unwritable directory, a file that is not a
//! database, a database another program holds locked. Never a driver's
//! "invalid connection url", never a password.

use std::io;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::Connection;

use super::PG_CONNECT_TIMEOUT_SECS;
use crate::error::Error;
use crate::telemetry::scrub::mask_url_password;

/// How long the first look at an SQLite file waits for another program's lock.
const SQLITE_PROBE_BUSY_MS: u32 = 3_000;

/// Checks the directory and creates the file (0600) if it is new; true when created.
/// The directory must already exist: a mistyped path is refused, not grown.
pub(super) fn prepare_sqlite_file(path: &Path) -> Result<bool, Error> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |why: String| Error::Connection(format!("cannot open {}: {why}", path.display()));
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(cannot(format!("{} is not a directory", dir.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(cannot(format!(
                "the directory {} does not exist; create it first or choose another path",
                dir.display()
            )))
        }
        Err(e) => return Err(cannot(format!("{}: {e}", dir.display()))),
    }
    if path.is_dir() {
        return Err(cannot("it is a directory, not a database file".into()));
    }
    crate::files::create_private_file(path).map_err(|e| {
        if is_unwritable(&e) {
            cannot(format!(
                "the directory {} is not writable: {e}",
                dir.display()
            ))
        } else {
            cannot(e.to_string())
        }
    })
}

fn is_unwritable(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied
        || e.raw_os_error() == Some(libc::EROFS)
        || e.raw_os_error() == Some(libc::EPERM)
}

/// Opens one connection and reads the schema, waiting at most a few seconds for a
/// lock held by another program.
pub(super) fn probe_sqlite(url: &str) -> Result<(), String> {
    let mut c = diesel::SqliteConnection::establish(url).map_err(|e| e.to_string())?;
    c.batch_execute(&format!(
        "PRAGMA busy_timeout = {SQLITE_PROBE_BUSY_MS}; SELECT count(*) FROM sqlite_master;"
    ))
    .map_err(|e| e.to_string())
}

/// An SQLite failure at open, said plainly.
pub(super) fn sqlite_open_error(path: &Path, raw: &str) -> Error {
    let p = path.display();
    let lower = raw.to_ascii_lowercase();
    let msg = if lower.contains("not a database") {
        format!("{p} is not an SQLite database (or it is damaged or encrypted)")
    } else if lower.contains("locked") || lower.contains("busy") {
        format!(
            "{p} is locked by another program (still busy after {} s); try again when it is done",
            SQLITE_PROBE_BUSY_MS / 1000
        )
    } else if lower.contains("readonly") || lower.contains("read-only") {
        format!("{p} is read-only: this program needs to write to it")
    } else {
        format!("cannot open {p}: {raw}")
    };
    Error::Connection(msg)
}

/// A PostgreSQL connection failure, said plainly, with the password masked.
pub(super) fn postgres_connect_error(url: &str, raw: &str) -> Error {
    let safe = mask_url_password(url);
    let where_ = host_port(url);
    let lower = raw.to_ascii_lowercase();
    let msg = if lower.contains("password authentication failed")
        || lower.contains("no password supplied")
        || lower.contains("authentication failed")
    {
        format!("PostgreSQL at {where_} refused the user name or password ({safe})")
    } else if lower.contains("could not translate host name")
        || lower.contains("name or service not known")
        || lower.contains("temporary failure in name resolution")
    {
        format!("host not found: {where_} ({safe})")
    } else if lower.contains("connection refused") {
        format!("nothing is listening at {where_}: is PostgreSQL running there? ({safe})")
    } else if lower.contains("timeout expired") || lower.contains("timed out") {
        format!("no answer from PostgreSQL at {where_} within {PG_CONNECT_TIMEOUT_SECS} s ({safe})")
    } else if lower.contains("ssl was required") || lower.contains("does not support ssl") {
        format!(
            "the server at {where_} does not offer SSL, but the URL requires it (sslmode) ({safe})"
        )
    } else if lower.contains("no encryption") || lower.contains("ssl off") {
        format!(
            "PostgreSQL at {where_} refuses unencrypted connections: add sslmode=require to the URL ({safe})"
        )
    } else if lower.contains("does not exist") {
        format!("PostgreSQL at {where_}: {} ({safe})", first_line(raw))
    } else {
        format!("cannot reach PostgreSQL at {safe}: {}", first_line(raw))
    };
    Error::Connection(msg)
}

fn first_line(s: &str) -> String {
    crate::telemetry::scrub::scrub_text(s.lines().next().unwrap_or(s).trim())
}

/// `host:port` of a `postgres://` URL, for messages (no user, no password).
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.is_empty() {
        "the local socket".to_string()
    } else {
        hostport.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_leaves_out_the_credentials() {
        assert_eq!(host_port("postgres://a:b@db:5433/crm?x=1"), "db:5433");
        assert_eq!(host_port("postgresql://db/crm"), "db");
        assert_eq!(host_port("postgres:///crm"), "the local socket");
    }
}
