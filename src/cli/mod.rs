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
pub mod token;
pub mod transfer;
pub mod writes;

use std::process::ExitCode;

pub use args::Command;

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

/// Opens the database and runs one command; errors go to stderr as one line.
pub fn run(target: Target, cmd: Command) -> ExitCode {
    let r = crate::Crm::open(
        &target,
        crate::config::CrmConfig::from_env().unwrap_or_default(),
    )
    .map_err(CliError::from)
    .and_then(|crm| dispatch(&crm, &target, cmd));
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

fn dispatch(api: &api::Api, target: &Target, cmd: Command) -> CliResult {
    use args::Command as C;
    match cmd {
        C::Login {
            email,
            password_stdin,
        } => auth::login(api, target, email, password_stdin),
        C::Logout => auth::logout(target),
        C::Whoami { format } => {
            let s = auth::require(api, target)?;
            auth::whoami(&s, format)
        }
        C::Clients(c) => writes::clients(api, &auth::require(api, target)?, c),
        C::Contracts(c) => writes::contracts(api, &auth::require(api, target)?, c),
        C::Events(c) => writes::events(api, &auth::require(api, target)?, c),
        C::Collaborators(c) => writes::collaborators(api, &auth::require(api, target)?, c),
        C::Notifications(c) => lists::notifications(api, &auth::require(api, target)?, c),
        C::Audit(c) => lists::audit(api, &auth::require(api, target)?, c),
        C::Import(c) => transfer::import(api, &auth::require(api, target)?, c),
        C::Export(c) => transfer::export(api, &auth::require(api, target)?, c),
    }
}
