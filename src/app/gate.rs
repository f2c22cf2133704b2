//! Before a session: the first-run form that creates the first admin, and the login
//! form. A successful login opens the workspace.

use crate::state::fields::{LoginField as L, SetupField as S};
use ratatui::crossterm::event::KeyEvent;

use super::effect::Effect;
use super::{App, Mode};
use crate::action::Action;
use crate::api::CrmApi;
use crate::error::Error;
use crate::services::auth::{password_strength, NewAccount};
use crate::session::Session;
use crate::state::form::{Field, FieldKind, Form, FormInput};
use crate::state::{FormKind, FormState, Gate, Overlay, Workspace};

pub(super) fn empty(first_run: bool, _demo: bool) -> Gate {
    Gate {
        first_run,
        form: login_form(),
        message: None,
        strength: String::new(),
        server: None,
    }
}

/// A team server met for the first time (no `--server-fingerprint`, no
/// `--ca-cert`, not in `known_servers`): what it takes to trust it.
#[derive(Debug, Clone)]
pub struct FirstContact {
    pub url: String,
    /// The client's verifier, which trusts nothing until the person accepts.
    pub verifier: std::sync::Arc<crate::api::pin::PinVerifier>,
    /// Where the accepted fingerprint is remembered.
    pub known: crate::api::known::KnownServers,
}

/// The login screen as the app starts: asking to compare the server's
/// fingerprint first, on a first contact.
pub(super) fn first(contact: Option<&FirstContact>) -> Gate {
    let mut g = empty(false, false);
    g.server = contact.map(|c| {
        Box::new(crate::state::ServerPrompt {
            url: c.url.clone(),
            ..Default::default()
        })
    });
    g
}

/// Whether the login screen is asking to trust a server.
pub(super) fn asking_trust(app: &App) -> bool {
    matches!(&app.mode, Mode::Gate(g) if g.server.is_some())
}

/// Asks the worker for the fingerprint the server presents (a TLS handshake
/// that is refused, so nothing is sent); once. Returns whether it asked.
pub(super) fn read_fingerprint(app: &mut App) -> bool {
    let Mode::Gate(g) = &mut app.mode else {
        return false;
    };
    let Some(prompt) = g.server.as_mut().filter(|p| !p.asked) else {
        return false;
    };
    prompt.asked = true;
    let url = prompt.url.clone();
    app.background(
        move |_| crate::api::known::peek_fingerprint(&url),
        |app, seen| {
            if let Mode::Gate(g) = &mut app.mode {
                if let Some(p) = g.server.as_mut() {
                    match seen {
                        Ok(f) => p.fingerprint = Some(f),
                        Err(e) => p.problem = Some(e.user_message()),
                    }
                }
            }
        },
    );
    true
}

/// A key while the server's fingerprint is shown: `y` trusts and remembers it
/// (on the worker: a file is written), `n` or Esc quits, `r` reads it again
/// after a failure. Everything else waits for an answer.
pub(super) fn trust_key(app: &mut App, key: KeyEvent) {
    use ratatui::crossterm::event::KeyCode;
    let Mode::Gate(g) = &mut app.mode else { return };
    let Some(prompt) = g.server.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Char('n' | 'N') | KeyCode::Esc => app.should_quit = true,
        KeyCode::Char('r' | 'R') if prompt.problem.is_some() => {
            prompt.problem = None;
            prompt.asked = false;
        }
        KeyCode::Char('y' | 'Y') => {
            let (Some(fingerprint), Some(contact)) =
                (prompt.fingerprint.clone(), app.opts.first_contact.clone())
            else {
                return;
            };
            app.background(
                move |_| {
                    contact.verifier.accept(&fingerprint)?;
                    contact.known.remember(&contact.url, &fingerprint)?;
                    Ok::<_, Error>(contact.known.path().display().to_string())
                },
                |app, remembered| {
                    let Mode::Gate(g) = &mut app.mode else { return };
                    match remembered {
                        Ok(path) => {
                            g.server = None;
                            app.gate_unchecked = true;
                            app.success(format!("Server trusted; remembered in {path}."));
                        }
                        Err(e) => {
                            if let Some(p) = g.server.as_mut() {
                                p.problem = Some(e.user_message());
                            }
                        }
                    }
                },
            );
        }
        _ => {}
    }
}

fn login_form() -> Form {
    Form::new(
        "Log in",
        vec![
            Field::new(L::Email.as_str(), "E-mail", FieldKind::SingleLine).required(),
            Field::new(L::Password.as_str(), "Password", FieldKind::Masked).required(),
        ],
    )
}

fn setup_form() -> Form {
    Form::new(
        "First run: create the administrator account",
        vec![
            Field::new(S::FullName.as_str(), "Full name", FieldKind::SingleLine).required(),
            Field::new(S::Email.as_str(), "E-mail", FieldKind::SingleLine).required(),
            Field::new(S::Phone.as_str(), "Phone", FieldKind::SingleLine),
            Field::new(S::Password.as_str(), "Password", FieldKind::Masked)
                .required()
                .hint("12+ characters"),
            Field::new(S::Confirm.as_str(), "Repeat", FieldKind::Masked).required(),
        ],
    )
}

/// Asks the worker whether the database has an account yet; with none, the
/// login form becomes the first-run form (unless the user has moved on).
pub(super) fn check_first_run(app: &mut App) {
    app.background(
        |crm| crm.needs_first_admin(),
        |app, first_run| {
            if let (Ok(true), Mode::Gate(g)) = (first_run, &mut app.mode) {
                if !g.first_run && !g.form.is_dirty() {
                    g.first_run = true;
                    g.form = setup_form();
                }
            }
        },
    );
}

/// Typing into the gate's form (a pure handler): the strength meter follows
/// the password on first run; `Enter` on the last field signs in.
pub(super) fn typed(g: &mut Gate, key: KeyEvent) -> Vec<Effect> {
    let r = g.form.input(key);
    if g.first_run {
        let pw = g.form.value(S::Password.as_str()).unwrap_or_default();
        g.strength = if pw.is_empty() {
            String::new()
        } else {
            let s = password_strength(&pw, &[]);
            let bar = "█".repeat(usize::from(s.score) + 1) + &"░".repeat(4 - usize::from(s.score));
            let word =
                ["very weak", "weak", "fair", "strong", "very strong"][usize::from(s.score.min(4))];
            if s.feedback.is_empty() {
                format!("strength {bar} {word}")
            } else {
                format!("strength {bar} {word}: {}", s.feedback)
            }
        };
    }
    if r == FormInput::Submit {
        keys(g, Action::SignIn)
    } else {
        Vec::new()
    }
}

/// An action on the gate (a pure handler): moving between fields, quitting,
/// and signing in once the form is complete enough to send.
pub(super) fn keys(g: &mut Gate, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::NextField => g.form.focus_next(),
        Action::PrevField => g.form.focus_prev(),
        Action::SignIn | Action::Save => {
            g.form.clear_errors();
            g.message = None;
            let v = |n: S| g.form.value(n.as_str()).unwrap_or_default();
            if g.first_run && v(S::Password) != v(S::Confirm) {
                // Everything that can be checked here shows at once.
                let phone = v(S::Phone);
                let account = NewAccount {
                    full_name: v(S::FullName),
                    email: v(S::Email),
                    phone: (!phone.trim().is_empty()).then_some(phone),
                    password: String::new(),
                };
                let mut checks = crate::services::auth::account_checks(&account);
                let pw = v(S::Password);
                let strength = password_strength(&pw, &[&account.full_name, &account.email]);
                if !pw.is_empty() && strength.score < 3 {
                    checks.push(
                        "password",
                        format!("too easy to guess: {}", strength.feedback),
                    );
                }
                for e in checks.0 {
                    g.form.set_error(e.field, e.message);
                }
                g.form
                    .set_error(S::Confirm.as_str(), "the two passwords differ");
                g.form.focus_first_error();
                return Vec::new();
            }
            return vec![Effect::SignIn];
        }
        _ => {}
    }
    Vec::new()
}

/// Sends the gate's form to the worker: a login, or the first account.
pub(super) fn sign_in(app: &mut App) {
    let Mode::Gate(g) = &mut app.mode else { return };
    let v = |n: &str| g.form.value(n).unwrap_or_default();
    let first_run = g.first_run;
    let account = if first_run {
        let phone = v(S::Phone.as_str());
        NewAccount {
            full_name: v(S::FullName.as_str()),
            email: v(S::Email.as_str()),
            phone: (!phone.trim().is_empty()).then_some(phone),
            password: v(S::Password.as_str()),
        }
    } else {
        NewAccount {
            full_name: String::new(),
            email: v(L::Email.as_str()),
            phone: None,
            password: v(L::Password.as_str()),
        }
    };
    let label = if first_run {
        "creating the account…"
    } else {
        "logging in…"
    };
    app.call(
        label,
        move |crm| {
            let session = if first_run {
                crm.create_first_admin(&account)
            } else {
                crm.login(&account.email, &account.password)
            };
            let now = crm.now();
            session.map(|s| (start(crm, &s), s)).map_err(|e| (e, now))
        },
        |app, result| match result {
            Ok((started, session)) => open_workspace(app, session, started),
            Err((e, now)) => refused(app, e, now),
        },
    );
}

fn refused(app: &mut App, e: Error, now: chrono::NaiveDateTime) {
    let Mode::Gate(g) = &mut app.mode else { return };
    if !e.field_errors().is_empty() {
        for fe in e.field_errors() {
            g.form.set_error(fe.field, fe.message.clone());
        }
        g.form.focus_first_error();
        return;
    }
    g.message = Some(match &e {
        Error::Locked { until } => {
            // Whole minutes, rounded up: a 15-minute lock says 15, not 16.
            let secs = (*until - now).num_seconds().max(1);
            let mins = (secs + 59) / 60;
            format!("Account locked after repeated failures: try again in {mins} min.")
        }
        other => other.user_message(),
    });
    // The same name on both forms.
    let password = if g.first_run {
        S::Password.as_str()
    } else {
        L::Password.as_str()
    };
    g.form.set_value(password, "");
    g.form.focus(password);
    if !e.is_expected() {
        crate::telemetry::report_error(&e);
    }
}

/// What a new session needs before its first frame, read on the worker: the
/// reminders are brought up to date, the unread count read, and the password
/// form built when the account's password was set by someone else.
pub(crate) struct Started {
    unread: i64,
    forced_form: Option<FormState>,
}

pub(crate) fn start(crm: &dyn CrmApi, session: &Session) -> Started {
    if let Err(e) = crm.refresh_reminders(session) {
        crate::telemetry::report_error(&e);
    }
    let forced_form = if session.must_change_password {
        crate::controllers::forms::open(crm, session, FormKind::ChangePassword { forced: true })
            .ok()
    } else {
        None
    };
    Started {
        unread: crm.unread_notifications(session).unwrap_or(0),
        forced_form,
    }
}

/// Opens the workspace for a new session; asks for a new password first when the
/// account's was set by someone else.
pub(crate) fn open_workspace(app: &mut App, session: Session, started: Started) {
    let actor = session.actor();
    let name = session.name.clone();
    let mut ws = Workspace::new(session, actor);
    ws.screen = crate::screens::home(actor.role);
    ws.unread = started.unread;
    if let Some(f) = started.forced_form {
        ws.overlays.push(Overlay::Form(Box::new(f)));
    }
    let unread = ws.unread;
    app.new_epoch();
    app.mode = Mode::Work(Box::new(ws));
    if unread > 0 {
        app.info(format!(
            "Welcome, {name}. {unread} unread notification(s): press 5."
        ));
    } else {
        app.info(format!("Welcome, {name}. Press ? for the keys."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_in_is_asked_for_only_when_the_two_passwords_agree() {
        let mut g = empty(true, false);
        g.form = setup_form();
        g.form
            .set_value(S::Password.as_str(), "correct horse battery");
        g.form
            .set_value(S::Confirm.as_str(), "correct horse batterY");
        assert!(keys(&mut g, Action::SignIn).is_empty());
        assert!(g
            .form
            .field(S::Confirm.as_str())
            .and_then(|f| f.error())
            .is_some());
        g.form
            .set_value(S::Confirm.as_str(), "correct horse battery");
        assert_eq!(keys(&mut g, Action::SignIn), vec![Effect::SignIn]);
        assert!(!g.form.has_errors());
        assert_eq!(keys(&mut g, Action::Quit), vec![Effect::Quit]);
    }
}
