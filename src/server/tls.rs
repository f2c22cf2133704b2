//! The server's certificate: given as PEM files, or generated (self-signed, with
//! rcgen) on first start and kept 0600 in the data directory. Its SHA-256
//! fingerprint is what workstations pin.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};

/// Installs ring as the process's one rustls crypto provider (the server, the
/// remote client and Sentry's transport all use it). Safe to call repeatedly.
pub fn install_crypto() {
    // Err only when a provider is already installed: then it is ours.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A certificate chain and its key, ready for rustls.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// `SHA256:AB:CD:…` of the leaf certificate.
    pub fingerprint: String,
    /// Where it was read from, or written to.
    pub cert_path: PathBuf,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("fingerprint", &self.fingerprint)
            .field("cert_path", &self.cert_path)
            .finish_non_exhaustive()
    }
}

/// `SHA256:` and the digest of `der` as colon-separated upper-case hex pairs,
/// as `openssl x509 -fingerprint -sha256` prints it.
pub fn fingerprint(der: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    let hex: Vec<String> = d.as_ref().iter().map(|b| format!("{b:02X}")).collect();
    format!("SHA256:{}", hex.join(":"))
}

/// The 32 digest bytes of a fingerprint as typed: with or without the `SHA256:`
/// prefix and the colons, any case.
pub fn parse_fingerprint(s: &str) -> Result<[u8; 32]> {
    let t = s.trim();
    let t = t
        .strip_prefix("SHA256:")
        .or_else(|| t.strip_prefix("sha256:"))
        .unwrap_or(t);
    let hex: String = t.chars().filter(|c| *c != ':').collect();
    let bad = || {
        Error::Config(
            "a server fingerprint is SHA256: followed by 64 hexadecimal digits (colons allowed)"
                .into(),
        )
    };
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Config(format!("{what} {}: {e}", path.display()))
}

/// Reads a PEM certificate chain and key.
pub fn load(cert: &Path, key: &Path) -> Result<Identity> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| io("cannot read the certificate", cert, e))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| io("cannot parse the certificate", cert, e))?;
    let leaf = chain
        .first()
        .ok_or_else(|| io("no certificate in", cert, "empty PEM"))?;
    let fingerprint = fingerprint(leaf);
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| io("cannot read the key", key, e))?;
    Ok(Identity {
        chain,
        key,
        fingerprint,
        cert_path: cert.to_path_buf(),
    })
}

/// The generated certificate in `dir` (`cert.pem`, `key.pem`), made on first
/// use for `localhost`, `127.0.0.1`, `::1` and this machine's host name.
pub fn self_signed(dir: &Path) -> Result<Identity> {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    if !cert.exists() || !key.exists() {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
        if let Ok(h) = std::fs::read_to_string("/etc/hostname") {
            let h = h.trim();
            if !h.is_empty() {
                names.push(h.to_string());
            }
        }
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| Error::Config(format!("cannot generate a certificate: {e}")))?;
        write_private(&key, made.signing_key.serialize_pem().as_bytes())?;
        write_private(&cert, made.cert.pem().as_bytes())?;
    }
    load(&cert, &key)
}

/// Writes `bytes` to a new 0600 file (replacing one left half-written).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let _ = std::fs::remove_file(path);
    crate::files::create_private_file(path).map_err(|e| io("cannot create", path, e))?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| io("cannot open", path, e))?;
    f.write_all(bytes)
        .map_err(|e| io("cannot write", path, e))?;
    f.sync_all().map_err(|e| io("cannot write", path, e))
}

/// The rustls configuration of the server (HTTP/1.1, ring).
pub fn server_config(id: &Identity) -> Result<Arc<rustls::ServerConfig>> {
    install_crypto();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(id.chain.clone(), id.key.clone_key())
        .map_err(|e| Error::Config(format!("TLS certificate: {e}")))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_in_every_spelling() {
        let f = fingerprint(b"abc");
        assert!(f.starts_with("SHA256:BA:78:16:BF"));
        let bytes = parse_fingerprint(&f).expect("own format");
        let bare: String = f["SHA256:".len()..].replace(':', "").to_lowercase();
        assert_eq!(parse_fingerprint(&bare).expect("bare hex"), bytes);
        assert!(parse_fingerprint("SHA256:12:34").is_err());
    }
}
