//! Scripting the CRM from a shell: `login`, `logout`, `whoami`, the lists and
//! writes of every screen, `import` and `export`, with stable JSON and exit codes.
//!
//! Every command goes through the services (so through the policy), reached only
//! through [`api::Api`], the one seam between the commands and the CRM.

pub mod api;
pub mod args;
pub mod auth;
pub mod lists;
pub mod output;
pub mod records;
pub mod team;
pub mod token;
pub mod transfer;
pub mod writes;

use std::process::ExitCode;

pub use args::Command;

use api::Api;

use crate::db::Target;
use crate::error::Error;

/// What a command ends with, mapped to the documented exit codes.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments: exit 2.
    #[error("{0}")]
    Usage(String),
    /// No session, or it expired or was revoked: exit 6.
    #[error("{0}; log in again (epicevents login)")]
    NotLoggedIn(String),
    /// Some rows of an import failed: exit 1 after the report is printed.
    #[error("{0}")]
    Failed(String),
    #[error("{}", .0.user_message())]
    Crm(#[from] Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    /// 0 ok, 1 error, 2 usage, 3 denied, 4 not found, 5 conflict, 6 not logged in.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::NotLoggedIn(_) => 6,
            CliError::Crm(e) => match e {
                Error::Denied(_)
                | Error::InvalidCredentials
                | Error::Locked { .. }
                | Error::Inactive => 3,
                Error::NotFound { .. } => 4,
                Error::Conflict { .. } => 5,
                _ => 1,
            },
            CliError::Failed(_) | CliError::Io(_) => 1,
        }
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// Where the commands go: a database opened in process, or the team server.
pub enum Link {
    Local(Target),
    Server(team::ServerLink),
}

/// Opens the database and runs one command; errors go to stderr as one line.
pub fn run(target: Target, cmd: Command) -> ExitCode {
    let r = crate::Crm::open(
        &target,
        crate::config::CrmConfig::from_env().unwrap_or_default(),
    )
    .map_err(CliError::from)
    .and_then(|crm| dispatch(&crm, &Link::Local(target), cmd));
    finish(r)
}

/// Runs one command through the team server at `url`, trusted as `trust`
/// says; the session kept for that server is used and kept up to date.
pub fn run_server(url: &str, trust: &crate::api::pin::Trust, cmd: Command) -> ExitCode {
    let link = match crate::api::remote::RemoteCrm::connect(url, trust)
        .map_err(CliError::from)
        .and_then(team::ServerLink::new)
    {
        Ok(l) => l,
        Err(e) => return finish(Err(e)),
    };
    let link = Link::Server(link);
    let r = match &link {
        Link::Server(s) => {
            let r = dispatch(&s.crm, &link, cmd);
            // Tokens rotated during the command are kept even when it failed.
            let kept = match s.crm.current() {
                Some(id) => s.save_rotation(id),
                None => Ok(()),
            };
            match r {
                Err(CliError::Crm(Error::SessionEnded(why))) => {
                    let _ = s.remove();
                    Err(CliError::NotLoggedIn(format!(
                        "the server ended the session ({why})"
                    )))
                }
                other => other.and(kept),
            }
        }
        Link::Local(_) => Ok(()),
    };
    finish(r)
}

fn finish(r: CliResult) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            if let CliError::Crm(inner) = &e {
                if !inner.is_expected() {
                    crate::telemetry::report_error(inner);
                }
            }
            let line = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("epicevents: {}", crate::ui::sanitize::display(&line));
            ExitCode::from(e.exit_code())
        }
    }
}

fn dispatch(api: &Api, link: &Link, cmd: Command) -> CliResult {
    use args::Command as C;
    match cmd {
        C::Login {
            email,
            password_stdin,
        } => auth::login(api, link, email, password_stdin),
        C::Logout => auth::logout(link),
        C::Whoami { format } => {
            let s = auth::require(api, link)?;
            auth::whoami(api, &s, format)
        }
        C::Clients(c) => writes::clients(api, &auth::require(api, link)?, c),
        C::Contracts(c) => writes::contracts(api, &auth::require(api, link)?, c),
        C::Events(c) => writes::events(api, &auth::require(api, link)?, c),
        C::Collaborators(c) => writes::collaborators(api, &auth::require(api, link)?, c),
        C::Notifications(c) => lists::notifications(api, &auth::require(api, link)?, c),
        C::Audit(c) => lists::audit(api, &auth::require(api, link)?, c),
        C::Import(c) => transfer::import(api, &auth::require(api, link)?, c),
        C::Export(c) => transfer::export(api, &auth::require(api, link)?, c),
    }
}
