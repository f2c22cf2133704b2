//! Login, lockout, first-run admin, passwords.

use std::sync::OnceLock;

use chrono::Duration;

use super::validate::{self, Checks};
use super::{permit, Changes, Crm};
use crate::db::models::NewCollaborator;
use crate::db::repo::{audit, collaborators as repo};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::session::Session;

/// The first account, made on an empty database.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub password: String,
}

/// How strong a password is, for the meter beside the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// 0 (guessable in seconds) to 4 (very strong).
    pub score: u8,
    pub feedback: String,
}

/// zxcvbn's estimate with its advice, for any text typed so far. `user_inputs`
/// (the person's name, e-mail) count as guessable, each word of them too: zxcvbn
/// only knows whole inputs, and "Jacky Blangier" would not catch "JackyBlangier1".
pub fn password_strength(password: &str, user_inputs: &[&str]) -> Strength {
    let words: Vec<&str> = user_inputs
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3)
        .chain(user_inputs.iter().copied())
        .collect();
    let est = zxcvbn::zxcvbn(password, &words);
    let score = u8::from(est.score());
    let feedback = est
        .feedback()
        .and_then(|f| {
            f.warning()
                .map(|w| w.to_string())
                .or_else(|| f.suggestions().first().map(|s| s.to_string()))
        })
        .unwrap_or_default();
    Strength { score, feedback }
}

impl Crm {
    /// The password rules: long enough and not guessable (zxcvbn score ≥ 3).
    pub fn check_password(&self, password: &str, user_inputs: &[&str]) -> Result<(), String> {
        let min = self.config().min_password_len;
        if password.chars().count() < min {
            return Err(format!("at least {min} characters"));
        }
        if password.chars().count() > 128 {
            return Err("at most 128 characters".into());
        }
        let s = password_strength(password, user_inputs);
        if s.score < 3 {
            let advice = if s.feedback.is_empty() {
                "add words or symbols".to_string()
            } else {
                s.feedback
            };
            return Err(format!("too easy to guess: {advice}"));
        }
        Ok(())
    }

    pub(crate) fn hash(&self, password: &str) -> Result<String> {
        Ok(bcrypt::hash(password, self.config().bcrypt_cost)?)
    }

    /// True on a database with no account yet: the first-run screen is shown.
    pub fn needs_first_admin(&self) -> Result<bool> {
        Ok(self.db().read(repo::count)? == 0)
    }

    /// Creates the first admin on an empty database and logs them in. Refused once
    /// any account exists, so it cannot be used to add a second admin.
    pub fn create_first_admin(&self, acc: &NewAccount) -> Result<Session> {
        let mut checks = Checks::default();
        checks.text("full_name", &acc.full_name, true, 100);
        checks.email("email", &acc.email);
        if let Some(p) = acc.phone.as_deref() {
            checks.phone("phone", p);
        }
        if let Err(m) = self.check_password(&acc.password, &[&acc.full_name, &acc.email]) {
            checks.push("password", m);
        }
        checks.finish()?;
        let hash = self.hash(&acc.password)?;
        let now = self.now();
        let email = validate::email(&acc.email);
        let name = acc.full_name.trim().to_string();
        let phone = acc
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let id = self.db().write(|conn| {
            if repo::count(conn)? > 0 {
                return Err(Error::Rule(
                    "an account already exists; log in instead".into(),
                ));
            }
            let number = repo::next_employee_number(conn)?;
            let search = repo::search_text(&name, &email, &number, "admin", phone);
            let id = repo::insert(
                conn,
                None,
                &NewCollaborator {
                    employee_number: &number,
                    full_name: &name,
                    email: &email,
                    phone,
                    role: Role::Admin.as_str(),
                    password_hash: &hash,
                    must_change_password: false,
                    active: true,
                    failed_logins: 0,
                    search: &search,
                    sort_name: &crate::domain::text::fold(&name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
            let mut ch = Changes::default();
            ch.created("employee_number", &number)
                .created("full_name", &name)
                .created("role", "admin");
            audit::record(
                conn,
                None,
                "collaborator",
                id,
                "create first admin",
                &ch.0,
                &name,
                now,
            )?;
            Ok(id)
        })?;
        crate::telemetry::business(crate::telemetry::BusinessEvent::CollaboratorCreated {
            collaborator_id: id,
            actor_id: id,
        });
        Ok(Session {
            collaborator_id: id,
            role: Role::Admin,
            name,
            email,
            must_change_password: false,
            logged_in_at: now,
        })
    }

    /// Checks an e-mail and password. Unknown e-mails cost a bcrypt verification too,
    /// so timing does not tell which addresses exist. Five failures lock the account.
    pub fn login(&self, email: &str, password: &str) -> Result<Session> {
        let now = self.now();
        let found = self.db().read(|c| repo::find_by_email(c, email))?;
        let Some(user) = found else {
            let _ = bcrypt::verify(password, self.dummy_hash());
            return Err(Error::InvalidCredentials);
        };
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            return Err(Error::Locked { until });
        }
        let ok = bcrypt::verify(password, &user.password_hash).unwrap_or(false);
        if !ok {
            let lock_until = now
                + Duration::from_std(self.config().lockout_duration)
                    .unwrap_or_else(|_| Duration::minutes(15));
            let locked = self.db().write(|c| {
                repo::record_failed_login(c, user.id, self.config().lockout_threshold, lock_until)
            })?;
            tracing::warn!(collaborator_id = user.id, "failed login");
            return match locked {
                Some(until) => Err(Error::Locked { until }),
                None => Err(Error::InvalidCredentials),
            };
        }
        if !user.active {
            return Err(Error::Inactive);
        }
        self.db()
            .write(|c| repo::record_successful_login(c, user.id))?;
        tracing::info!(collaborator_id = user.id, "login");
        Ok(Session {
            collaborator_id: user.id,
            role: user.role(),
            name: user.full_name.clone(),
            email: user.email.clone(),
            must_change_password: user.must_change_password,
            logged_in_at: now,
        })
    }

    /// A hash of a random password at the configured cost, made once.
    fn dummy_hash(&self) -> &'static str {
        static DUMMY: OnceLock<String> = OnceLock::new();
        DUMMY.get_or_init(|| {
            bcrypt::hash("not-a-real-password-0000", self.config().bcrypt_cost).unwrap_or_default()
        })
    }

    /// Changes one's own password after checking the current one.
    pub fn change_own_password(&self, session: &Session, current: &str, new: &str) -> Result<()> {
        let user = self.db().read(|c| repo::get(c, session.collaborator_id))?;
        if !bcrypt::verify(current, &user.password_hash).unwrap_or(false) {
            return Err(Error::field(
                "current_password",
                "this is not your current password",
            ));
        }
        if current == new {
            return Err(Error::field(
                "new_password",
                "choose a password different from the current one",
            ));
        }
        if let Err(m) = self.check_password(new, &[&user.full_name, &user.email]) {
            return Err(Error::field("new_password", m));
        }
        let hash = self.hash(new)?;
        let now = self.now();
        self.db().write(|c| {
            let actor = repo::actor(c, session.collaborator_id)?;
            let p = permit(&actor, Action::ChangeOwnPassword { target_id: user.id })?;
            repo::set_password(c, &p, user.id, &hash, false, now)?;
            let ch = [crate::db::repo::audit::FieldChange {
                field: "password".into(),
                before: None,
                after: Some("changed".into()),
            }];
            audit::record(
                c,
                Some(&p),
                "collaborator",
                user.id,
                "change password",
                &ch,
                &user.full_name,
                now,
            )
        })
    }

    /// An admin or manager sets a new password for someone, who must change it at
    /// their next login.
    pub fn reset_password(&self, session: &Session, target_id: i64, new: &str) -> Result<()> {
        let target = self.db().read(|c| repo::get(c, target_id))?;
        if let Err(m) = self.check_password(new, &[&target.full_name, &target.email]) {
            return Err(Error::field("password", m));
        }
        let hash = self.hash(new)?;
        let now = self.now();
        self.write(session, |c, actor| {
            let target = repo::get(c, target_id)?;
            let p = permit(
                actor,
                Action::UpdateCollaborator {
                    target_id,
                    current: target.role(),
                    new: target.role(),
                },
            )?;
            repo::set_password(c, &p, target_id, &hash, true, now)?;
            let ch = [crate::db::repo::audit::FieldChange {
                field: "password".into(),
                before: None,
                after: Some("reset".into()),
            }];
            audit::record(
                c,
                Some(&p),
                "collaborator",
                target_id,
                "reset password",
                &ch,
                &session.name,
                now,
            )
        })?;
        crate::telemetry::business(crate::telemetry::BusinessEvent::CollaboratorUpdated {
            collaborator_id: target_id,
            actor_id: session.collaborator_id,
        });
        Ok(())
    }
}
