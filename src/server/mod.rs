//! `epicevents serve`: the team server. The same services, policy and diesel
//! layer the terminal runs in process, behind HTTPS, so that workstations hold
//! a short-lived token instead of the database's password.
//!
//! axum on tokio, TLS by rustls (ring). Each request is bounded (a 64 KiB body,
//! 32 MiB for a sheet's import; a timeout), logged in one line, and answered
//! with problem documents on failure. Ctrl-C or SIGTERM ends the change
//! streams, stops accepting and lets requests in flight end.

pub mod access;
pub mod auth;
pub mod problem;
pub mod routes;
pub mod throttle;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;

use crate::config::env_num;
use crate::error::{Error, Result};
use crate::Crm;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Largest body of an import (`/v1/import/…`): the parsed rows of a whole
/// sheet, 200 to 300 bytes of JSON a row, so a sheet of 100 000 rows fits.
pub const IMPORT_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// The server's own settings, from its environment only (nothing a client
/// sends changes them). The services' settings (lockout, bcrypt cost) come
/// with the [`Crm`], also built from the server's environment.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Lifetime of an access token (`EPICEVENTS_ACCESS_MINUTES`, 15).
    pub access_ttl: chrono::Duration,
    /// Lifetime of a session, refreshed or not (`EPICEVENTS_SESSION_HOURS`, 12).
    pub refresh_ttl: chrono::Duration,
    /// Longest a request may take (`EPICEVENTS_REQUEST_SECONDS`, 30).
    pub request_timeout: Duration,
    /// Failed logins one address may make per window before 429
    /// (`EPICEVENTS_LOGIN_FAILURES_PER_ADDRESS`, 30 per 10 minutes).
    pub login_failures_per_address: usize,
    pub address_window: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            access_ttl: chrono::Duration::minutes(15),
            refresh_ttl: chrono::Duration::hours(12),
            request_timeout: Duration::from_secs(30),
            login_failures_per_address: 30,
            address_window: Duration::from_secs(600),
        }
    }
}

impl ServerSettings {
    pub fn from_env() -> Result<ServerSettings> {
        let d = ServerSettings::default();
        Ok(ServerSettings {
            access_ttl: env_num::<i64>("EPICEVENTS_ACCESS_MINUTES")?
                .map_or(d.access_ttl, chrono::Duration::minutes),
            refresh_ttl: env_num::<i64>("EPICEVENTS_SESSION_HOURS")?
                .map_or(d.refresh_ttl, chrono::Duration::hours),
            request_timeout: env_num::<u64>("EPICEVENTS_REQUEST_SECONDS")?
                .map_or(d.request_timeout, Duration::from_secs),
            login_failures_per_address: env_num::<usize>("EPICEVENTS_LOGIN_FAILURES_PER_ADDRESS")?
                .unwrap_or(d.login_failures_per_address),
            address_window: d.address_window,
        })
    }
}

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub listen: SocketAddr,
    /// Holds the generated certificate and the token-signing secret (0700).
    pub data_dir: PathBuf,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub settings: ServerSettings,
}

/// What every handler sees.
#[derive(Clone)]
pub struct AppState {
    pub crm: Crm,
    pub keys: Arc<auth::Keys>,
    pub settings: Arc<ServerSettings>,
    pub throttle: Arc<throttle::Throttle>,
    pub openapi: Arc<utoipa::openapi::OpenApi>,
    /// Turns `true` when the server begins to stop: open change streams end
    /// then, so that a graceful shutdown waits for real requests only, not
    /// for streams that would otherwise run until the grace period is over.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

/// The certificate the server presents: the given files, or the generated one.
pub fn identity(opts: &ServerOptions) -> Result<tls::Identity> {
    match (&opts.tls_cert, &opts.tls_key) {
        (Some(c), Some(k)) => tls::load(c, k),
        (None, None) => {
            crate::files::private_dir(&opts.data_dir)
                .map_err(|e| Error::Config(format!("{}: {e}", opts.data_dir.display())))?;
            tls::self_signed(&opts.data_dir)
        }
        _ => Err(Error::Config(
            "give both --tls-cert and --tls-key, or neither (a self-signed certificate is made)"
                .into(),
        )),
    }
}

/// The whole application: routes, state and the layers around them.
pub fn app(
    crm: Crm,
    keys: auth::Keys,
    settings: ServerSettings,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> Router {
    let (routes, paths, components) = routes::api();
    let doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("Epic Events CRM")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The team server: one operation per service call. Errors are \
                     application/problem+json with a stable `code`.",
                )),
        )
        .paths(paths)
        .components(Some(components))
        .build();
    let doc = routes::doc::naive_times(doc);
    let state = AppState {
        crm,
        keys: Arc::new(keys),
        throttle: Arc::new(throttle::Throttle::new(
            settings.login_failures_per_address,
            settings.address_window,
        )),
        settings: Arc::new(settings.clone()),
        openapi: Arc::new(doc),
        stopping,
    };
    routes
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(problem::refuse_large_bodies))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .layer(axum::middleware::map_response(problem::as_problem))
        .layer(axum::middleware::from_fn(access::log))
}

/// A server running on its own thread (tests, and `serve` itself).
pub struct Running {
    pub addr: SocketAddr,
    pub fingerprint: String,
    /// The certificate's PEM file (the generated one, or the one given).
    pub cert_path: PathBuf,
    stopper: Stopper,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// Stops accepting, lets requests in flight finish (at most `grace`), and
    /// waits for the server's thread.
    pub fn stop(mut self, grace: Duration) -> Result<()> {
        self.stopper.stop(grace);
        self.join()
    }

    /// Waits until the server stops (after [`Running::shutdown_on_signal`]).
    pub fn join(&mut self) -> Result<()> {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(Err(e))) => Err(Error::Connection(format!("the server stopped: {e}"))),
            Some(Err(_)) => Err(Error::Connection("the server's thread panicked".into())),
            _ => Ok(()),
        }
    }

    /// Stops the server gracefully from another thread.
    pub fn stopper(&self) -> Stopper {
        self.stopper.clone()
    }
}

/// Begins a graceful shutdown: tells open change streams to end, stops
/// accepting, and gives requests in flight `grace` to finish.
#[derive(Clone)]
pub struct Stopper {
    handle: Handle<SocketAddr>,
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Stopper {
    pub fn stop(&self, grace: Duration) {
        // No receiver left only means no stream is open.
        let _ = self.stopping.send(true);
        self.handle.graceful_shutdown(Some(grace));
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.stopper.stop(Duration::from_secs(5));
            let _ = self.join();
        }
    }
}

/// Binds, then serves on a thread of its own with its own tokio runtime. With
/// `signals`, Ctrl-C and SIGTERM shut it down gracefully.
pub fn start(crm: Crm, opts: ServerOptions, signals: bool) -> Result<Running> {
    tls::install_crypto();
    let id = identity(&opts)?;
    crate::files::private_dir(&opts.data_dir)
        .map_err(|e| Error::Config(format!("{}: {e}", opts.data_dir.display())))?;
    let keys = auth::Keys::load_or_create(&opts.data_dir)?;
    let tls = RustlsConfig::from_config(tls::server_config(&id)?);
    let listener = std::net::TcpListener::bind(opts.listen)
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", opts.listen)))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", opts.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", opts.listen)))?;
    let (stopping, stop_rx) = tokio::sync::watch::channel(false);
    let app = app(crm, keys, opts.settings.clone(), stop_rx);
    let handle: Handle<SocketAddr> = Handle::new();
    let stopper = Stopper {
        handle: handle.clone(),
        stopping: Arc::new(stopping),
    };
    let h = handle;
    let on_stop = stopper.clone();
    let thread = std::thread::Builder::new()
        .name("epicevents-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("epicevents-http")
                .build()?;
            rt.block_on(async move {
                if signals {
                    tokio::spawn(on_signal(on_stop));
                }
                // TCP_NODELAY: an answer's last TLS record is not held back
                // waiting for the client's delayed ACK (40 ms a request).
                let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls)
                    .acceptor(axum_server::accept::NoDelayAcceptor::new());
                axum_server::from_tcp(listener)?
                    .acceptor(acceptor)
                    .handle(h)
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            })
        })
        .map_err(|e| Error::Config(format!("cannot start the server thread: {e}")))?;
    Ok(Running {
        addr,
        fingerprint: id.fingerprint.clone(),
        cert_path: id.cert_path.clone(),
        stopper,
        thread: Some(thread),
    })
}

/// Waits for Ctrl-C or SIGTERM, then ends the change streams, stops accepting
/// and gives requests in flight 30 seconds.
async fn on_signal(stopper: Stopper) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!("cannot watch SIGTERM: {e}");
                    let _ = ctrl_c.await;
                    stopper.stop(Duration::from_secs(30));
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing requests in flight");
    stopper.stop(Duration::from_secs(30));
}
