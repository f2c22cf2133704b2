//! Error reporting and logs. Sentry is off unless `SENTRY_DSN` is set (then nothing
//! touches the network); every event passes through [`scrub`] before it leaves.
//! Logs go to a file in the data directory, never to the terminal the UI owns.

pub mod scrub;

use std::path::Path;

use sentry::protocol::{Event, Level};

/// Keeps Sentry alive for as long as it lives; drop it last.
pub struct TelemetryGuard {
    _sentry: Option<sentry::ClientInitGuard>,
    _log: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// The Sentry client options: release and environment set, PII off, scrubbing on.
pub fn sentry_options(dsn: Option<&str>) -> sentry::ClientOptions {
    let mut o = sentry::ClientOptions::default();
    o.dsn = dsn.and_then(|d| d.parse().ok());
    o.release = sentry::release_name!();
    o.environment = Some(
        std::env::var("EPICEVENTS_ENV")
            .unwrap_or_else(|_| "production".to_string())
            .into(),
    );
    o.send_default_pii = false;
    // The machine's host name identifies a person's workstation: sent only when the
    // operator names the server on purpose.
    let server_name = std::env::var("SENTRY_SERVER_NAME")
        .ok()
        .filter(|s| !s.trim().is_empty());
    o.server_name = server_name.clone().map(Into::into);
    o.attach_stacktrace = true;
    o.before_send = Some(std::sync::Arc::new(move |e| {
        let mut e = scrub::scrub_event(e);
        e.server_name = server_name.clone().map(Into::into);
        Some(e)
    }));
    o
}

/// Starts Sentry (when `SENTRY_DSN` is set) and the log file. Call before the
/// terminal is taken, keep the guard until after it is restored.
pub fn init(log_dir: Option<&Path>) -> TelemetryGuard {
    let dsn = std::env::var("SENTRY_DSN")
        .ok()
        .filter(|d| !d.trim().is_empty());
    let sentry = dsn
        .as_deref()
        .map(|d| sentry::init(sentry_options(Some(d))));
    let log = log_dir.and_then(init_log_file);
    TelemetryGuard {
        _sentry: sentry,
        _log: log,
    }
}

/// Log lines queued for the writer thread at most.
const LOG_QUEUE_LINES: usize = 1_024;

fn init_log_file(dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::{fmt, EnvFilter};
    crate::files::private_dir(dir).ok()?;
    let appender = tracing_appender::rolling::daily(dir, "epicevents.log");
    // A short queue: its buffer is allocated whole at start, and the default
    // (128 000 lines) costs a scripted command more than its own work. Lines
    // beyond it are dropped rather than block the caller.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(appender);
    let filter =
        EnvFilter::try_from_env("EPICEVENTS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let ok = fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .is_ok();
    ok.then_some(guard)
}

/// Reports an unexpected error (not a refusal or a validation message).
pub fn report_error(err: &crate::Error) {
    tracing::error!(error = %err, "unexpected error");
    if !err.is_expected() {
        sentry::capture_message(&scrub::scrub_text(&err.to_string()), Level::Error);
    }
}

/// The business messages SPEC §4 asks for. Only ids go out: no names, no e-mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusinessEvent {
    CollaboratorCreated { collaborator_id: i64, actor_id: i64 },
    CollaboratorUpdated { collaborator_id: i64, actor_id: i64 },
    ContractSigned { contract_id: i64, actor_id: i64 },
}

impl BusinessEvent {
    pub fn message(&self) -> &'static str {
        match self {
            BusinessEvent::CollaboratorCreated { .. } => "collaborator created",
            BusinessEvent::CollaboratorUpdated { .. } => "collaborator updated",
            BusinessEvent::ContractSigned { .. } => "contract signed",
        }
    }
}

/// Sends one business message to Sentry (a no-op when Sentry is off).
pub fn business(ev: BusinessEvent) {
    let (record_key, record_id, actor_id) = match ev {
        BusinessEvent::CollaboratorCreated {
            collaborator_id,
            actor_id,
        }
        | BusinessEvent::CollaboratorUpdated {
            collaborator_id,
            actor_id,
        } => ("collaborator_id", collaborator_id, actor_id),
        BusinessEvent::ContractSigned {
            contract_id,
            actor_id,
        } => ("contract_id", contract_id, actor_id),
    };
    tracing::info!(record_id, actor_id, "{}", ev.message());
    let mut event = Event {
        message: Some(ev.message().to_string()),
        level: Level::Info,
        ..Default::default()
    };
    event
        .tags
        .insert(record_key.to_string(), record_id.to_string());
    event
        .tags
        .insert("actor_id".to_string(), actor_id.to_string());
    sentry::capture_event(event);
}
