//! How the remote client knows it talks to the team's server: by the server
//! certificate's SHA-256 fingerprint, or by a CA certificate (PEM) given to it.
//! The system's trust store plays no part: a team server is rarely under a
//! public name, and a public CA would let anyone it trusts stand in.
//!
//! The check is a rustls [`ServerCertVerifier`]; ureq reaches the server through
//! [`PinnedTls`], a connector that wraps the TCP stream with this verifier's
//! configuration. A refused certificate is remembered so the caller can say
//! loudly which fingerprint was seen instead of the pinned one.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use crate::error::{Error, Result};
use crate::server::tls::{fingerprint, install_crypto, parse_fingerprint};

/// What the client trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// `--server-fingerprint SHA256:…`: exactly this leaf certificate.
    Fingerprint(String),
    /// `--ca-cert PEM`: the certificate(s) in this file, either the server's own
    /// (self-signed) or a CA that signed it.
    CaCert(std::path::PathBuf),
    /// First contact: nothing is trusted until the person at the keyboard has
    /// compared the fingerprint and [`PinVerifier::accept`]ed it.
    Ask,
}

/// Checks the server's certificate against the pin.
#[derive(Debug)]
pub struct PinVerifier {
    provider: Arc<CryptoProvider>,
    /// Leaf digests accepted as they are (one more once a first contact is
    /// accepted).
    pinned: Mutex<Vec<[u8; 32]>>,
    /// A CA given with `--ca-cert`, for certificates it signed.
    ca: Option<Arc<WebPkiServerVerifier>>,
    /// The fingerprint of the last certificate refused.
    refused: Mutex<Option<String>>,
}

impl PinVerifier {
    pub fn new(trust: &Trust) -> Result<PinVerifier> {
        install_crypto();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let (pinned, ca) = match trust {
            Trust::Fingerprint(f) => (vec![parse_fingerprint(f)?], None),
            Trust::CaCert(path) => ca_file(path, &provider)?,
            Trust::Ask => (Vec::new(), None),
        };
        Ok(PinVerifier {
            provider,
            pinned: Mutex::new(pinned),
            ca,
            refused: Mutex::new(None),
        })
    }

    /// The fingerprint refused last, if any.
    pub fn refused(&self) -> Option<String> {
        self.refused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Trusts the certificate with this fingerprint from now on: the person
    /// compared it with the one the server's administrator gave them.
    pub fn accept(&self, fingerprint: &str) -> Result<()> {
        let digest = parse_fingerprint(fingerprint)?;
        let mut pinned = self.pins();
        if !pinned.contains(&digest) {
            pinned.push(digest);
        }
        Ok(())
    }

    fn pins(&self) -> std::sync::MutexGuard<'_, Vec<[u8; 32]>> {
        self.pinned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The pinned fingerprint(s), for messages.
    pub fn pinned(&self) -> String {
        let v: Vec<String> = self
            .pins()
            .iter()
            .map(|d| {
                let hex: Vec<String> = d.iter().map(|b| format!("{b:02X}")).collect();
                format!("SHA256:{}", hex.join(":"))
            })
            .collect();
        v.join(", ")
    }
}

type CaVerifier = Arc<WebPkiServerVerifier>;

fn ca_file(
    path: &Path,
    provider: &Arc<CryptoProvider>,
) -> Result<(Vec<[u8; 32]>, Option<CaVerifier>)> {
    let bad =
        |e: &dyn std::fmt::Display| Error::Config(format!("--ca-cert {}: {e}", path.display()));
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(&e))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(&e))?;
    if certs.is_empty() {
        return Err(bad(&"no certificate in the file"));
    }
    let pinned = certs
        .iter()
        .map(|c| {
            let d = ring::digest::digest(&ring::digest::SHA256, c);
            let mut a = [0u8; 32];
            a.copy_from_slice(d.as_ref());
            a
        })
        .collect();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certs);
    let ca = if added > 0 {
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .ok()
    } else {
        None
    };
    Ok((pinned, ca))
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let d = ring::digest::digest(&ring::digest::SHA256, end_entity);
        if self.pins().iter().any(|p| p.as_slice() == d.as_ref()) {
            return Ok(ServerCertVerified::assertion());
        }
        if let Some(ca) = &self.ca {
            if let Ok(ok) = ca.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            {
                return Ok(ok);
            }
        }
        *self
            .refused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(fingerprint(end_entity));
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::ApplicationVerificationFailure,
        ))
    }

    // The handshake's signatures are checked as usual: the pin says which key,
    // these prove the server holds it.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The client's rustls configuration around a [`PinVerifier`].
pub fn client_config(verifier: Arc<PinVerifier>) -> Result<Arc<ClientConfig>> {
    let provider = verifier.provider.clone();
    let cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// A ureq connector that speaks TLS with [`client_config`]'s configuration.
#[derive(Debug)]
pub struct PinnedTls {
    pub config: Arc<ClientConfig>,
}

impl<In: Transport> Connector<In> for PinnedTls {
    type Out = Either<In, PinnedTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let name = ServerName::try_from(host).map_err(|_| ureq::Error::Tls("invalid host name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)
            .map_err(|_| ureq::Error::Tls("cannot start TLS"))?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(PinnedTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

/// A TLS stream for ureq.
pub struct PinnedTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for PinnedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinnedTransport")
    }
}

impl Transport for PinnedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
