//! `login`, `logout`, `whoami`, and the session check every other command starts
//! with: signature, idle time, and the collaborator still active with the same
//! password.

use std::io::{BufRead, IsTerminal, Write};

use super::api::Api;
use super::args::Format;
use super::output::{Cell, Table};
use super::token::{idle_minutes, now_ms, Claims, Store, TokenError};
use super::{CliError, CliResult, Link};
use crate::db::Target;
use crate::error::Error;
use crate::session::Session;

fn store(target: &Target) -> CliResult<Store> {
    Store::for_target(target).map_err(|e| CliError::Failed(e.to_string()))
}

fn not_logged_in(e: TokenError) -> CliError {
    match e {
        TokenError::Io(m) => CliError::Failed(m),
        other => CliError::NotLoggedIn(other.to_string()),
    }
}

/// The session the command runs as: the local token checked and renewed, or
/// the tokens kept for the server.
pub fn require(api: &Api, link: &Link) -> CliResult<Session> {
    match link {
        Link::Local(target) => require_local(api, target),
        Link::Server(s) => s.require(),
    }
}

/// The session of the stored token, checked and renewed (sliding expiry).
fn require_local(api: &Api, target: &Target) -> CliResult<Session> {
    let store = store(target)?;
    let (claims, token) = store.load().map_err(not_logged_in)?;
    let who = match api.get_collaborator(claims.collaborator_id) {
        Ok(c) => c,
        Err(Error::NotFound { .. }) => {
            return Err(CliError::NotLoggedIn("the account no longer exists".into()))
        }
        Err(e) => return Err(e.into()),
    };
    let now = now_ms();
    store
        .verify(&token, &claims, &who.password_hash, now, idle_minutes()?)
        .map_err(not_logged_in)?;
    if !who.active {
        return Err(CliError::NotLoggedIn("this account is deactivated".into()));
    }
    let renewed = Claims {
        last_used_ms: now,
        ..claims
    };
    store
        .save(&renewed, &who.password_hash)
        .map_err(not_logged_in)?;
    Ok(Session {
        collaborator_id: who.id,
        role: who.role(),
        name: who.full_name.clone(),
        email: who.email.clone(),
        must_change_password: who.must_change_password,
        logged_in_at: api.now(),
    })
}

/// Checks the password and keeps the session (a signed token locally, the
/// server's tokens remotely). Neither the password nor a token is printed or
/// logged.
pub fn login(api: &Api, link: &Link, email: Option<String>, password_stdin: bool) -> CliResult {
    let email = match email {
        Some(e) => e,
        None if password_stdin => {
            return Err(CliError::Usage(
                "--password-stdin needs --email (standard input holds the password)".into(),
            ))
        }
        None => ask_line("E-mail: ")?,
    };
    let password = if password_stdin {
        line_from_stdin()?
    } else {
        rpassword::prompt_password("Password: ").map_err(|e| {
            CliError::Failed(format!(
                "cannot read a password from the terminal ({e}); use --password-stdin"
            ))
        })?
    };
    let session = match link {
        Link::Local(target) => login_local(api, target, email.trim(), &password)?,
        Link::Server(s) => s.login(email.trim(), &password)?,
    };
    eprintln!(
        "logged in as {} ({}, {})",
        crate::ui::sanitize::display(&session.name),
        crate::ui::sanitize::display(&session.email),
        session.role.label()
    );
    if session.must_change_password {
        eprintln!("a new password is required: log in on the screen to choose it");
    }
    Ok(())
}

fn login_local(api: &Api, target: &Target, email: &str, password: &str) -> CliResult<Session> {
    let session = api.login(email, password)?;
    let who = api.get_collaborator(session.collaborator_id)?;
    let now = now_ms();
    let store = store(target)?;
    store
        .save(
            &Claims {
                collaborator_id: who.id,
                logged_in_ms: now,
                last_used_ms: now,
            },
            &who.password_hash,
        )
        .map_err(not_logged_in)?;
    Ok(session)
}

/// Ends the session: forgets the local token, or has the server revoke its
/// tokens and deletes the file they were kept in.
pub fn logout(link: &Link) -> CliResult {
    let had = match link {
        Link::Local(target) => store(target)?
            .remove()
            .map_err(|e| CliError::Failed(e.to_string()))?,
        Link::Server(s) => s.logout()?,
    };
    eprintln!(
        "{}",
        if had {
            "logged out"
        } else {
            "no session to end"
        }
    );
    Ok(())
}

/// Who the session belongs to, with the role the CRM gives them now (asked of
/// the server remotely, so an ended session says so here too).
pub fn whoami(api: &Api, s: &Session, format: Format) -> CliResult {
    let actor = api.actor(s)?;
    if !actor.active {
        return Err(CliError::NotLoggedIn("this account is deactivated".into()));
    }
    let mut t = Table::record(format, &["id", "full_name", "email", "role"]);
    t.row(vec![
        Cell::Int(s.collaborator_id),
        Cell::text(&s.name),
        Cell::text(&s.email),
        Cell::Text(actor.role.as_str().to_string()),
    ])?;
    t.finish_single()
}

fn ask_line(prompt: &str) -> CliResult<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err(CliError::Usage("no e-mail given".into()));
    }
    Ok(line)
}

/// One line of standard input without its line ending; nothing else is trimmed,
/// since spaces may be part of a password.
pub fn line_from_stdin() -> CliResult<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    if p.is_empty() {
        return Err(CliError::Usage("no password on standard input".into()));
    }
    Ok(p.to_string())
}
