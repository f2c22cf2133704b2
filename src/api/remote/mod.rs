//! [`CrmApi`] over HTTPS: a blocking client of `epicevents serve`, for the
//! worker thread of the terminal. It holds the tokens (in memory only), one set
//! per collaborator logged in through it; a call with a [`Session`] uses that
//! collaborator's tokens, a read without one uses those of whoever logged in
//! last. An expired access token is refreshed and the call made again without
//! the caller noticing; a session the server ended is [`Error::SessionEnded`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, TcpConnector};

use super::pin::{client_config, PinVerifier, PinnedTls, Trust};
use super::wire::*;
use super::CrmApi;
use crate::error::{Error, Result};
use crate::session::Session;

mod imports;
mod operations;

/// Longest the client waits for one answer.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Largest answer read (a page of 5 000 rows fits many times over).
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

/// Whose tokens a request carries.
#[derive(Debug, Clone, Copy)]
enum Who {
    Nobody,
    /// Whoever logged in last.
    Current,
    Collaborator(i64),
}

#[derive(Default)]
struct Creds {
    by_id: HashMap<i64, Tokens>,
    current: Option<i64>,
}

pub struct RemoteCrm {
    base: String,
    agent: ureq::Agent,
    verifier: Arc<PinVerifier>,
    creds: Mutex<Creds>,
    /// One refresh at a time: two at once would spend the same refresh token
    /// twice, which the server takes for theft.
    refreshing: Mutex<()>,
}

impl std::fmt::Debug for RemoteCrm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteCrm")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl RemoteCrm {
    /// A client of the server at `url` (`https://host:port`), trusting only the
    /// pinned certificate. Nothing is sent until the first call.
    pub fn connect(url: &str, trust: &Trust) -> Result<RemoteCrm> {
        let base = url.trim().trim_end_matches('/').to_string();
        if !base.starts_with("https://") {
            return Err(Error::Config(format!(
                "the server address must start with https:// (got {base})"
            )));
        }
        let verifier = Arc::new(PinVerifier::new(trust)?);
        let tls = PinnedTls {
            config: client_config(verifier.clone())?,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build();
        let connector = ().chain(TcpConnector::default()).chain(tls);
        let agent = ureq::Agent::with_parts(config, connector, DefaultResolver::default());
        Ok(RemoteCrm {
            base,
            agent,
            verifier,
            creds: Mutex::default(),
            refreshing: Mutex::new(()),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// What this client trusts: a first contact ([`Trust::Ask`]) is accepted
    /// through it once the person has compared the fingerprint.
    pub fn verifier(&self) -> Arc<PinVerifier> {
        self.verifier.clone()
    }

    fn creds(&self) -> std::sync::MutexGuard<'_, Creds> {
        self.creds
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The collaborator reads are made as (whoever logged in last).
    pub fn current(&self) -> Option<i64> {
        self.creds().current
    }

    /// Makes reads go as `id`, who must have logged in through this client.
    pub fn set_current(&self, id: i64) {
        let mut c = self.creds();
        if c.by_id.contains_key(&id) {
            c.current = Some(id);
        }
    }

    /// One request as given, for tests of the server's edges (forged tokens,
    /// oversized bodies): the status and the body. `method` is GET, POST,
    /// PATCH or DELETE.
    #[doc(hidden)]
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>)> {
        let m = match method {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PATCH" => Method::Patch,
            _ => Method::Delete,
        };
        self.exchange(m, path, &[], body, token)
    }

    /// The tokens held for a collaborator (tests).
    #[doc(hidden)]
    pub fn tokens_of(&self, id: i64) -> Option<Tokens> {
        self.creds().by_id.get(&id).cloned()
    }

    /// Takes up tokens kept from an earlier process (the scripting commands keep
    /// them between runs); reads go as their collaborator from now on.
    pub fn resume(&self, tokens: Tokens) -> Session {
        self.keep(tokens)
    }

    /// The fingerprint of the certificate refused last, if one was.
    pub fn refused_fingerprint(&self) -> Option<String> {
        self.verifier.refused()
    }

    /// Checks that the server answers and is the pinned one.
    pub fn probe(&self) -> Result<()> {
        self.needs_first_admin().map(|_| ())
    }

    fn id_of(&self, who: Who) -> Option<i64> {
        match who {
            Who::Nobody => None,
            Who::Current => self.creds().current,
            Who::Collaborator(id) => Some(id),
        }
    }

    fn access(&self, who: Who) -> Result<Option<String>> {
        let Some(id) = self.id_of(who) else {
            return match who {
                Who::Nobody => Ok(None),
                _ => Err(Error::SessionEnded("not logged in".into())),
            };
        };
        match self.creds().by_id.get(&id) {
            Some(t) => Ok(Some(t.access_token.clone())),
            None => Err(Error::SessionEnded("not logged in".into())),
        }
    }

    fn keep(&self, tokens: Tokens) -> Session {
        let session = tokens.session.clone();
        let mut c = self.creds();
        c.current = Some(session.collaborator_id);
        c.by_id.insert(session.collaborator_id, tokens);
        session
    }

    fn forget(&self, id: i64) {
        let mut c = self.creds();
        c.by_id.remove(&id);
        if c.current == Some(id) {
            c.current = None;
        }
    }

    /// One HTTP exchange; the status and the body.
    fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>)> {
        let url = format!("{}{}", self.base, path);
        let auth = token.map(|t| format!("Bearer {t}"));
        macro_rules! prepare {
            ($b:expr) => {{
                let mut b = $b.header("Accept", "application/json");
                if let Some(a) = &auth {
                    b = b.header("Authorization", a.as_str());
                }
                for (k, v) in query {
                    b = b.query(*k, v.as_str());
                }
                b
            }};
        }
        let sent = match method {
            Method::Get => prepare!(self.agent.get(&url)).call(),
            Method::Delete => prepare!(self.agent.delete(&url)).call(),
            Method::Post => match body {
                Some(v) => prepare!(self.agent.post(&url)).send_json(v),
                None => prepare!(self.agent.post(&url)).send_empty(),
            },
            Method::Patch => match body {
                Some(v) => prepare!(self.agent.patch(&url)).send_json(v),
                None => prepare!(self.agent.patch(&url)).send_empty(),
            },
        };
        let mut resp = sent.map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| self.transport_error(e))?;
        Ok((status, bytes))
    }

    fn transport_error(&self, e: ureq::Error) -> Error {
        if let Some(seen) = self.verifier.refused() {
            return Error::UntrustedServer(format!(
                "REFUSED: the server at {} presented certificate {seen}, but {} is pinned. \
                 Someone may be intercepting the connection, or the server's certificate \
                 changed; nothing was sent. Check the fingerprint with the server's operator.",
                self.base,
                self.verifier.pinned()
            ));
        }
        Error::Connection(format!("cannot reach the server at {}: {e}", self.base))
    }

    /// A request as `who`, refreshing an expired access token once.
    fn request<T: DeserializeOwned>(
        &self,
        who: Who,
        method: Method,
        path: &str,
        query: &[(&'static str, String)],
        body: Option<Value>,
    ) -> Result<T> {
        let token = self.access(who)?;
        let (mut status, mut bytes) =
            self.exchange(method, path, query, body.as_ref(), token.as_deref())?;
        if status == 401 {
            if let (Some(old), Some(id)) = (&token, self.id_of(who)) {
                if problem(&bytes).is_some_and(|p| p.code == "token_expired") {
                    let fresh = self.refresh(id, old)?;
                    (status, bytes) =
                        self.exchange(method, path, query, body.as_ref(), Some(&fresh))?;
                }
            }
        }
        if (200..300).contains(&status) {
            let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(text).map_err(|e| {
                Error::Connection(format!("the server's answer could not be read: {e}"))
            });
        }
        let err = match problem(&bytes) {
            Some(p) => p.into_error(),
            None => Error::Connection(format!("the server answered {status}")),
        };
        if let (Error::SessionEnded(_), Some(id)) = (&err, self.id_of(who)) {
            self.forget(id);
        }
        Err(err)
    }

    /// New tokens for collaborator `id`, unless another call already got them
    /// since `stale` was read. Returns the access token to use.
    fn refresh(&self, id: i64, stale: &str) -> Result<String> {
        let _one = self
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let refresh_token = match self.creds().by_id.get(&id) {
            Some(t) if t.access_token != stale => return Ok(t.access_token.clone()),
            Some(t) => t.refresh_token.clone(),
            None => return Err(Error::SessionEnded("not logged in".into())),
        };
        let body = serde_json::to_value(RefreshBody { refresh_token }).ok();
        let (status, bytes) = self.exchange(
            Method::Post,
            "/v1/session/refresh",
            &[],
            body.as_ref(),
            None,
        )?;
        if status == 200 {
            let tokens: Tokens = serde_json::from_slice(&bytes).map_err(|e| {
                Error::Connection(format!("the server's answer could not be read: {e}"))
            })?;
            let access = tokens.access_token.clone();
            let mut c = self.creds();
            c.by_id.insert(id, tokens);
            return Ok(access);
        }
        self.forget(id);
        Err(match problem(&bytes) {
            Some(p) => match p.into_error() {
                e @ Error::SessionEnded(_) => e,
                other => Error::SessionEnded(other.to_string()),
            },
            None => Error::SessionEnded(format!("the server answered {status}")),
        })
    }

    fn get<T: DeserializeOwned>(
        &self,
        who: Who,
        path: &str,
        query: &[(&'static str, String)],
    ) -> Result<T> {
        self.request(who, Method::Get, path, query, None)
    }

    fn post<T: DeserializeOwned>(&self, who: Who, path: &str, body: impl Serialize) -> Result<T> {
        let v = serde_json::to_value(body)
            .map_err(|e| Error::Connection(format!("cannot encode the request: {e}")))?;
        self.request(who, Method::Post, path, &[], Some(v))
    }

    fn patch(&self, who: Who, path: &str, body: impl Serialize) -> Result<()> {
        let v = serde_json::to_value(body)
            .map_err(|e| Error::Connection(format!("cannot encode the request: {e}")))?;
        self.request(who, Method::Patch, path, &[], Some(v))
    }

    /// A POST with nothing to send.
    fn act<T: DeserializeOwned>(&self, who: Who, path: &str) -> Result<T> {
        self.request(who, Method::Post, path, &[], None)
    }
}

impl RemoteCrm {
    /// Opens `GET /v1/changes` for collaborator `id` (see
    /// [`crate::api::changes`]): the open event stream, read line by line.
    /// An expired access token is refreshed first; a session the server ended
    /// is [`Error::SessionEnded`]. The server ends a stream when its access
    /// token would expire (15 minutes); a connection that went silent without
    /// closing is given up after [`STREAM_LIMIT`] all the same.
    pub(crate) fn open_changes(&self, id: i64) -> Result<Box<dyn std::io::BufRead + Send>> {
        let tls = PinnedTls {
            config: client_config(self.verifier.clone())?,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(30)))
            .timeout_global(Some(STREAM_LIMIT))
            .build();
        let connector = ().chain(TcpConnector::default()).chain(tls);
        let agent = ureq::Agent::with_parts(config, connector, DefaultResolver::default());
        let url = format!("{}/v1/changes", self.base);
        let mut token = self.access(Who::Collaborator(id))?;
        for attempt in 0..2 {
            let auth = format!("Bearer {}", token.as_deref().unwrap_or(""));
            let mut resp = agent
                .get(&url)
                .header("Accept", "text/event-stream")
                .header("Authorization", auth.as_str())
                .call()
                .map_err(|e| self.transport_error(e))?;
            let status = resp.status().as_u16();
            if status == 200 {
                let reader = resp.into_body().into_with_config().reader();
                return Ok(Box::new(std::io::BufReader::new(reader)));
            }
            let bytes = resp
                .body_mut()
                .with_config()
                .limit(MAX_ANSWER)
                .read_to_vec()
                .map_err(|e| self.transport_error(e))?;
            let p = problem(&bytes);
            if status == 401
                && attempt == 0
                && p.as_ref().is_some_and(|p| p.code == "token_expired")
            {
                let old = token.clone().unwrap_or_default();
                token = Some(self.refresh(id, &old)?);
                continue;
            }
            return Err(match p {
                Some(p) => p.into_error(),
                None => Error::Connection(format!("the server answered {status}")),
            });
        }
        Err(Error::Connection(
            "the server refused the change stream".into(),
        ))
    }
}

/// Longest one change stream is kept open by the client.
const STREAM_LIMIT: Duration = Duration::from_secs(20 * 60);

/// The problem document in an error answer.
fn problem(bytes: &[u8]) -> Option<Problem> {
    serde_json::from_slice(bytes).ok()
}
