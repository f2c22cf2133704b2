//! Live updates for the screens: a [`Subscription`] delivers [`Feed`] items on
//! a plain channel, from a thread of its own, whichever way the terminal runs:
//!
//! - **in process** ([`Crm`]): the process's change hub. On PostgreSQL it is
//!   fed by `LISTEN` on one pooled connection, so writes from every
//!   workstation and server arrive; on an SQLite file, this process's writes
//!   arrive as they commit and another process's writes are noticed by a
//!   `PRAGMA data_version` check once a second (as "reload everything": the
//!   file does not say which record changed).
//! - **remote** ([`RemoteCrm`]): `GET /v1/changes` (Server-Sent Events) read
//!   line by line. When the stream drops, it is opened again with backoff
//!   (0.5 s doubling to 30 s) and [`Feed::Connected`] tells the screen to
//!   reload what it shows, since changes may have been missed. The server
//!   ends a stream when the access token it was opened with would expire;
//!   the client then reconnects with a fresh token (refreshed like any
//!   call). A session the server ended is [`Feed::Ended`].
//!
//! Dropping the [`Subscription`] stops its thread (within a second or, over
//! the network, at the next keep-alive).

use std::io::BufRead;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::TryRecvError;

use super::remote::RemoteCrm;
use crate::error::{Error, Result};
pub use crate::services::changes::Change;
use crate::session::Session;
use crate::Crm;

/// What a subscription delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feed {
    /// Listening (again): reload what is shown, changes may have been missed.
    Connected,
    /// A committed change.
    Change(Change),
    /// The stream broke; it is being opened again.
    Dropped(String),
    /// The session is over (revoked, expired, deactivated): nothing more comes.
    Ended(String),
}

/// Something the terminal can be told about changes by.
pub trait ChangeFeed: Send + Sync {
    /// Changes seen by `session` from now on, until the subscription is dropped.
    fn subscribe(&self, session: &Session) -> Result<Subscription>;
}

/// A live subscription: read [`Subscription::rx`]; drop it to stop.
#[derive(Debug)]
pub struct Subscription {
    pub rx: Receiver<Feed>,
    stop: Arc<AtomicBool>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn start(
    name: &str,
    body: impl FnOnce(Sender<Feed>, Arc<AtomicBool>) + Send + 'static,
) -> Result<Subscription> {
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || body(tx, flag))
        .map_err(|e| Error::Config(format!("cannot start the change feed: {e}")))?;
    Ok(Subscription { rx, stop })
}

/// How often the in-process feed looks at its hub.
const LOCAL_POLL: Duration = Duration::from_millis(25);

impl ChangeFeed for Crm {
    fn subscribe(&self, _session: &Session) -> Result<Subscription> {
        let mut hub = self.subscribe_changes()?;
        start("epicevents-feed", move |tx, stop| {
            if tx.send(Feed::Connected).is_err() {
                return;
            }
            while !stop.load(Ordering::Relaxed) {
                let item = match hub.try_recv() {
                    Ok(c) => Feed::Change(c),
                    Err(TryRecvError::Lagged(_)) => Feed::Change(Change::everything(0)),
                    Err(TryRecvError::Empty) => {
                        std::thread::sleep(LOCAL_POLL);
                        continue;
                    }
                    Err(TryRecvError::Closed) => return,
                };
                if tx.send(item).is_err() {
                    return;
                }
            }
        })
    }
}

/// First wait before opening a dropped stream again, and the longest.
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

impl ChangeFeed for Arc<RemoteCrm> {
    fn subscribe(&self, session: &Session) -> Result<Subscription> {
        let remote = self.clone();
        let id = session.collaborator_id;
        start("epicevents-feed", move |tx, stop| {
            let mut backoff = BACKOFF_FIRST;
            while !stop.load(Ordering::Relaxed) {
                let why = match remote.open_changes(id) {
                    Ok(reader) => match read_stream(reader, &tx, &stop) {
                        Read::Stopped => return,
                        Read::Ended(why) => {
                            // The server closed it on purpose (token lifetime,
                            // or the session ended): reconnect at once; the
                            // next attempt says which.
                            backoff = BACKOFF_FIRST;
                            if tx.send(Feed::Dropped(why)).is_err() {
                                return;
                            }
                            continue;
                        }
                        Read::Broke(why) => {
                            backoff = BACKOFF_FIRST;
                            why
                        }
                    },
                    Err(Error::SessionEnded(why)) => {
                        let _ = tx.send(Feed::Ended(why));
                        return;
                    }
                    Err(e) => e.to_string(),
                };
                if tx.send(Feed::Dropped(why)).is_err() {
                    return;
                }
                if !pause(backoff, &stop) {
                    return;
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        })
    }
}

/// Sleeps `d` unless stopped meanwhile; false when stopped.
fn pause(d: Duration, stop: &AtomicBool) -> bool {
    let step = Duration::from_millis(100);
    let mut left = d;
    while !left.is_zero() {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let s = left.min(step);
        std::thread::sleep(s);
        left -= s;
    }
    !stop.load(Ordering::Relaxed)
}

/// How reading one stream ended.
enum Read {
    /// The subscriber went away.
    Stopped,
    /// The server sent `event: end` with this reason.
    Ended(String),
    /// The connection broke.
    Broke(String),
}

/// Reads Server-Sent Events (`event:` and `data:` lines, a blank line ends
/// one; `:` lines are keep-alives) until the stream ends.
fn read_stream(mut reader: Box<dyn BufRead + Send>, tx: &Sender<Feed>, stop: &AtomicBool) -> Read {
    let mut event = String::new();
    let mut data = String::new();
    let mut line = String::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Read::Stopped;
        }
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => return Read::Broke("the server closed the change stream".into()),
            Ok(_) => {}
            Err(e) => return Read::Broke(format!("the change stream broke: {e}")),
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            let item = match event.as_str() {
                "ready" => Some(Feed::Connected),
                "change" => serde_json::from_str::<Change>(&data).ok().map(Feed::Change),
                "end" => return Read::Ended(std::mem::take(&mut data)),
                _ => None,
            };
            event.clear();
            data.clear();
            if let Some(item) = item {
                if tx.send(item).is_err() {
                    return Read::Stopped;
                }
            }
        } else if let Some(v) = l.strip_prefix("event:") {
            event = v.trim().to_string();
        } else if let Some(v) = l.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
}
