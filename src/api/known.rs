//! Servers seen before, like SSH's `known_hosts`: with neither `--ca-cert` nor
//! `--server-fingerprint`, the first connection shows the server's fingerprint
//! and asks; the answer is kept per server address in the config directory
//! (`known_servers`, 0600), and a server that later shows another certificate is
//! refused loudly.

use std::path::{Path, PathBuf};

use super::pin::Trust;
use super::remote::RemoteCrm;
use crate::error::{Error, Result};

/// What the file says of a server's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Never seen: ask.
    New,
    /// Seen with this fingerprint.
    Same,
    /// Seen with another one: refuse.
    Changed { remembered: String },
}

/// The `known_servers` file: one `URL FINGERPRINT` line per server.
#[derive(Debug, Clone)]
pub struct KnownServers {
    path: PathBuf,
}

/// The address as remembered: no trailing slash, scheme and host in lower case.
fn key(url: &str) -> String {
    url.trim().trim_end_matches('/').to_lowercase()
}

impl KnownServers {
    pub fn at(path: impl Into<PathBuf>) -> KnownServers {
        KnownServers { path: path.into() }
    }

    /// `known_servers` in the user's config directory.
    pub fn default_file() -> Result<KnownServers> {
        Ok(KnownServers::at(
            crate::config::project_dirs()?
                .config_dir()
                .join("known_servers"),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn entries(&self) -> Result<Vec<(String, String)>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(Error::Config(format!("{}: {e}", self.path.display())));
            }
        };
        Ok(text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                Some((it.next()?.to_string(), it.next()?.to_string()))
            })
            .collect())
    }

    /// The fingerprint remembered for `url`.
    pub fn lookup(&self, url: &str) -> Result<Option<String>> {
        let k = key(url);
        Ok(self
            .entries()?
            .into_iter()
            .find(|(u, _)| *u == k)
            .map(|(_, f)| f))
    }

    pub fn check(&self, url: &str, fingerprint: &str) -> Result<Known> {
        Ok(match self.lookup(url)? {
            None => Known::New,
            Some(f) if f.eq_ignore_ascii_case(fingerprint) => Known::Same,
            Some(remembered) => Known::Changed { remembered },
        })
    }

    /// Remembers (or replaces) the fingerprint of `url`; the file is 0600.
    pub fn remember(&self, url: &str, fingerprint: &str) -> Result<()> {
        crate::server::tls::parse_fingerprint(fingerprint)?;
        let k = key(url);
        let mut lines: Vec<String> = self
            .entries()?
            .into_iter()
            .filter(|(u, _)| *u != k)
            .map(|(u, f)| format!("{u} {f}"))
            .collect();
        lines.push(format!("{k} {fingerprint}"));
        if let Some(dir) = self.path.parent() {
            crate::files::private_dir(dir)
                .map_err(|e| Error::Config(format!("{}: {e}", dir.display())))?;
        }
        crate::server::tls::write_private(&self.path, (lines.join("\n") + "\n").as_bytes())
    }
}

/// The fingerprint the server at `url` presents, read without trusting it: the
/// handshake is refused, so nothing is sent.
pub fn peek_fingerprint(url: &str) -> Result<String> {
    let nobody = format!("SHA256:{}", ["00"; 32].join(":"));
    let probe = RemoteCrm::connect(url, &Trust::Fingerprint(nobody))?;
    match probe.probe() {
        Err(Error::UntrustedServer(_)) => probe.refused_fingerprint().ok_or_else(|| {
            Error::Connection(format!("no certificate came from the server at {url}"))
        }),
        Err(e) => Err(e),
        Ok(()) => Err(Error::UntrustedServer(format!(
            "the server at {url} accepted a connection it should not have"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_remembered_once_each_and_a_change_is_seen() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let k = KnownServers::at(tmp.path().join("cfg/known_servers"));
        let a = crate::server::tls::fingerprint(b"a");
        let b = crate::server::tls::fingerprint(b"b");
        assert_eq!(k.check("https://crm:8443", &a).expect("check"), Known::New);
        k.remember("https://CRM:8443/", &a).expect("remember");
        assert_eq!(k.check("https://crm:8443", &a).expect("check"), Known::Same);
        assert_eq!(
            k.check("https://crm:8443", &b).expect("check"),
            Known::Changed {
                remembered: a.clone()
            }
        );
        assert_eq!(
            k.check("https://other:8443", &a).expect("check"),
            Known::New
        );
        k.remember("https://crm:8443", &b).expect("replace");
        assert_eq!(k.lookup("https://crm:8443").expect("lookup"), Some(b));
        assert_eq!(k.entries().expect("entries").len(), 1);
        assert!(k.remember("https://x", "not a fingerprint").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(k.path())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
