//! Login, lockout, first-run admin, passwords.

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};

use chrono::{Duration, NaiveDateTime};

use super::password;
use super::validate::{self, Checks};
use super::{permit, Changes, Crm};
use crate::db::models::NewCollaborator;
use crate::db::repo::{audit, collaborators as repo, sessions};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::policy::Action;
use crate::session::Session;

/// The first account, made on an empty database.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// The longest password accepted: a policy limit, not bcrypt's (every character
/// is hashed, see [`super::password`]). zxcvbn's work grows quickly with length,
/// and a longer password is more likely a paste gone wrong than a choice.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// zxcvbn's estimate with its advice, for any text typed so far. `user_inputs`
/// (the person's name, e-mail) count as guessable, and so does what an attacker
/// makes of them: zxcvbn only knows whole inputs, and "Jacky Blangier" would not
/// catch "JackyBlangier1". A password whose letters are only the person's name
/// words or e-mail local part (glued, in any order, digits and punctuation
/// aside) scores 0 outright: zxcvbn rates "RootAdmin2026" fair for Root Admin.
pub fn password_strength(password: &str, user_inputs: &[&str]) -> Strength {
    let personal = Personal::new(user_inputs);
    if personal.made_of(password) {
        return Strength {
            score: 0,
            feedback: "it is made of your name or e-mail address".into(),
        };
    }
    let inputs = personal.zxcvbn_inputs(user_inputs);
    let words: Vec<&str> = inputs.iter().map(String::as_str).collect();
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

/// What an attacker who knows the person tries first, folded to lowercase ASCII
/// letters: the words of the name and of the e-mail's local part, and those glued.
#[derive(Debug, Default)]
struct Personal {
    /// Each word of the name and of the local part ("root", "admin").
    words: Vec<String>,
    /// The name words glued in order and in reverse, the local part without its
    /// separators ("rootadmin", "adminroot").
    glued: Vec<String>,
}

/// Lowercase ASCII letters of `s`, accents folded: digits, punctuation and spaces go.
fn letters(s: &str) -> String {
    crate::domain::text::fold(s)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect()
}

/// The words of `s` as [`letters`], split wherever something else stands.
fn letter_words(s: &str) -> Vec<String> {
    crate::domain::text::fold(s)
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Personal {
    /// Inputs holding an `@` are e-mails (only their local part counts here: the
    /// domain is the company's, shared by everyone); the others are names.
    fn new(user_inputs: &[&str]) -> Personal {
        let mut p = Personal::default();
        for input in user_inputs {
            let (text, is_email) = match input.split_once('@') {
                Some((local, _)) => (local, true),
                None => (*input, false),
            };
            let words = letter_words(text);
            if words.is_empty() {
                continue;
            }
            p.glued.push(words.concat());
            if !is_email && words.len() > 1 {
                p.glued
                    .push(words.iter().rev().map(String::as_str).collect());
            }
            // One-letter words (an initial) would let any run of that letter pass
            // for a name.
            p.words.extend(words.into_iter().filter(|w| w.len() >= 2));
        }
        p.glued.retain(|g| !g.is_empty());
        p.words.sort();
        p.words.dedup();
        p
    }

    /// True when the letters of `password` are part of a glued name or local part
    /// ("admin" in "rootadmin"; at least 4 letters, shorter is left to zxcvbn), or
    /// nothing but name and local-part words in any order ("adminroot", "rootroot").
    fn made_of(&self, password: &str) -> bool {
        let core = letters(password);
        if core.is_empty() {
            return false;
        }
        if core.len() >= 4 && self.glued.iter().any(|g| g.contains(&core)) {
            return true;
        }
        only_words(&core, &self.words)
    }

    /// zxcvbn's user inputs: each input as given, lowercased, each of its words of
    /// three letters or more, the glued forms, and the local part as typed.
    fn zxcvbn_inputs(&self, user_inputs: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for input in user_inputs {
            out.push((*input).to_string());
            out.push(input.to_lowercase());
            if let Some((local, _)) = input.split_once('@') {
                out.push(local.to_lowercase());
            }
            out.extend(
                input
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 3)
                    .map(str::to_lowercase),
            );
        }
        out.extend(self.glued.iter().cloned());
        out.extend(self.words.iter().filter(|w| w.len() >= 3).cloned());
        out.retain(|s| !s.is_empty());
        out.sort();
        out.dedup();
        out
    }
}

/// True when `s` is a concatenation of `words` (each any number of times).
fn only_words(s: &str, words: &[String]) -> bool {
    // ends[i]: the first i bytes are made of words.
    let mut ends = vec![false; s.len() + 1];
    ends[0] = true;
    for i in 0..s.len() {
        if !ends[i] {
            continue;
        }
        for w in words {
            if s[i..].starts_with(w.as_str()) {
                ends[i + w.len()] = true;
            }
        }
    }
    ends[s.len()]
}

/// Most e-mails with no account kept in [`UnknownFailures`]; beyond, the oldest
/// goes. 10 000 entries are about a megabyte.
const MAX_UNKNOWN_EMAILS: usize = 10_000;

/// Failed logins of e-mails that match no account, so that such an e-mail goes
/// through the same steps as an account does in the database: counted, locked at
/// the threshold for the lockout duration, not counted while locked. Nothing shown
/// tells them apart (every failure reads "wrong e-mail or password"); this keeps
/// the work done and the state kept alike too.
///
/// One table for the process, shared by every [`Crm`] in it: an e-mail with no
/// account has no database row to hang its count on. Keyed by a digest of the
/// address, so an entry costs the same whatever was typed.
#[derive(Debug, Default)]
struct UnknownFailures {
    entries: HashMap<[u8; 32], Failures>,
    /// Keys in the order they came, for eviction.
    order: VecDeque<[u8; 32]>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Failures {
    count: i32,
    locked_until: Option<NaiveDateTime>,
}

static UNKNOWN_FAILURES: LazyLock<Mutex<UnknownFailures>> = LazyLock::new(Mutex::default);

impl UnknownFailures {
    /// The table; a panic elsewhere while it was held leaves counts that are still
    /// counts, so a poisoned lock is used as is.
    fn get() -> std::sync::MutexGuard<'static, UnknownFailures> {
        UNKNOWN_FAILURES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The e-mail as [`repo::find_by_email`] compares it.
    fn key(email: &str) -> [u8; 32] {
        let d = ring::digest::digest(
            &ring::digest::SHA256,
            email.trim().to_lowercase().as_bytes(),
        );
        let mut k = [0u8; 32];
        k.copy_from_slice(d.as_ref());
        k
    }

    /// [`repo::record_failed_login`] for an e-mail with no account.
    fn record(
        &mut self,
        email: &str,
        now: NaiveDateTime,
        threshold: i32,
        lock_until: NaiveDateTime,
    ) -> Option<NaiveDateTime> {
        let key = Self::key(email);
        if !self.entries.contains_key(&key) {
            while self.entries.len() >= MAX_UNKNOWN_EMAILS {
                match self.order.pop_front() {
                    Some(old) => {
                        self.entries.remove(&old);
                    }
                    None => break,
                }
            }
            self.order.push_back(key);
        }
        let f = self.entries.entry(key).or_default();
        if f.locked_until.is_some_and(|u| u > now) {
            return None;
        }
        f.count += 1;
        if f.count >= threshold {
            f.count = 0;
            f.locked_until = Some(lock_until);
            return Some(lock_until);
        }
        None
    }

    fn locked_until(&self, email: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
        self.entries
            .get(&Self::key(email))
            .and_then(|f| f.locked_until)
            .filter(|u| *u > now)
    }
}

impl Crm {
    /// The password rules: long enough, at most [`MAX_PASSWORD_CHARS`], and not
    /// guessable (zxcvbn score ≥ 3, nothing but the person's name or e-mail; see
    /// [`password_strength`]).
    pub fn check_password(&self, password: &str, user_inputs: &[&str]) -> Result<(), String> {
        let min = self.config().min_password_len;
        let len = password.chars().count();
        if len < min {
            return Err(format!("at least {min} characters"));
        }
        if len > MAX_PASSWORD_CHARS {
            return Err(format!("at most {MAX_PASSWORD_CHARS} characters"));
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

    /// A hash of `password` at the configured cost: every password stored goes
    /// through here (see [`password::hash`]).
    pub(crate) fn hash(&self, password: &str) -> Result<String> {
        password::hash(password, self.config().bcrypt_cost)
    }

    /// True on a database with no account yet: the first-run screen is shown.
    pub fn needs_first_admin(&self) -> Result<bool> {
        Ok(self.db().read(repo::count)? == 0)
    }

    /// Creates the first admin on an empty database and logs them in. Refused once
    /// any account exists, so it cannot be used to add a second admin.
    pub fn create_first_admin(&self, acc: &NewAccount) -> Result<Session> {
        let mut checks = account_checks(acc);
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
        let id = self.announced(None, |conn, _| {
            // Two people on the first-run screen at once: exactly one gets the admin.
            crate::db::migrate::first_accounts_lock(conn)?;
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

    /// Checks an e-mail and password. From outside, an e-mail with no account, a
    /// wrong password, a locked account and a deactivated one all look the same:
    /// "wrong e-mail or password", after the same work (one bcrypt verification at
    /// the configured cost, against a dummy hash when there is no account, then one
    /// write transaction recording the failure). Why a known account cannot log in
    /// (locked until …, deactivated) is said only to whoever gave its right password.
    ///
    /// `lockout_threshold` failures in a row lock the account for
    /// `lockout_duration`; failures during a lock neither count nor extend it. An
    /// e-mail with no account is counted and locked the same way, in memory
    /// ([`UnknownFailures`]).
    pub fn login(&self, email: &str, password: &str) -> Result<Session> {
        let now = self.now();
        let cfg = self.config();
        let lock_until = now
            + Duration::from_std(cfg.lockout_duration).unwrap_or_else(|_| Duration::minutes(15));
        let found = self.db().read(|c| repo::find_by_email(c, email))?;
        let Some(user) = found else {
            password::verify(password, password::dummy_hash(cfg.bcrypt_cost));
            self.db().write(repo::record_failed_login_for_nobody)?;
            let locked =
                UnknownFailures::get().record(email, now, cfg.lockout_threshold, lock_until);
            match locked {
                Some(until) => {
                    tracing::warn!(%until, "failed login: e-mail with no account, now locked")
                }
                None => tracing::warn!("failed login: e-mail with no account"),
            }
            return Err(Error::InvalidCredentials);
        };
        if !password::verify(password, &user.password_hash) {
            let locked = self.announced(None, |c, also| {
                let locked =
                    repo::record_failed_login(c, user.id, now, cfg.lockout_threshold, lock_until)?;
                if locked.is_some() {
                    also.push(("collaborator".into(), user.id));
                    // Someone is guessing this password: whoever holds a session
                    // of the account proves it again after the lock.
                    sessions::revoke_all(c, user.id, now, "account locked")?;
                }
                Ok(locked)
            })?;
            match locked {
                Some(until) => tracing::warn!(
                    collaborator_id = user.id,
                    %until,
                    "failed login, account now locked"
                ),
                None => tracing::warn!(collaborator_id = user.id, "failed login"),
            }
            return Err(Error::InvalidCredentials);
        }
        // The right password: now the real reason may be told.
        if !user.active {
            return Err(Error::Inactive);
        }
        if let Some(until) = user.locked_until.filter(|u| *u > now) {
            return Err(Error::Locked { until });
        }
        let upgraded = if password::needs_rehash(&user.password_hash, cfg.bcrypt_cost) {
            // Best effort: the old hash keeps working if this fails.
            self.hash(password)
                .map_err(|e| tracing::error!(collaborator_id = user.id, "rehash failed: {e}"))
                .ok()
        } else {
            None
        };
        self.db().write(|c| {
            repo::record_successful_login(c, user.id)?;
            if let Some(h) = &upgraded {
                repo::upgrade_password_hash(c, user.id, &user.password_hash, h)?;
            }
            Ok(())
        })?;
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

    /// Until when logins for `email`, which has no account, are locked: for tests
    /// of [`Crm::login`]'s bookkeeping, which nothing outside can see.
    #[doc(hidden)]
    pub fn unknown_email_locked_until(&self, email: &str) -> Option<NaiveDateTime> {
        UnknownFailures::get().locked_until(email, self.now())
    }

    /// Changes one's own password after checking the current one.
    pub fn change_own_password(&self, session: &Session, current: &str, new: &str) -> Result<()> {
        let user = self.db().read(|c| repo::get(c, session.collaborator_id))?;
        if !password::verify(current, &user.password_hash) {
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
        self.announced(Some(session.collaborator_id), |c, _| {
            let actor = repo::actor(c, session.collaborator_id)?;
            let p = permit(&actor, Action::ChangeOwnPassword { target_id: user.id })?;
            repo::set_password(c, &p, user.id, &hash, false, now)?;
            sessions::revoke_all(c, user.id, now, "password changed")?;
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
            sessions::revoke_all(c, target_id, now, "password reset")?;
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

/// The first account's name, e-mail and phone, checked without the database: the
/// first-run screen shows these errors together with its own (two passwords that
/// differ) rather than one round at a time.
pub fn account_checks(acc: &NewAccount) -> Checks {
    let mut checks = Checks::default();
    checks.text("full_name", &acc.full_name, true, 100);
    checks.email("email", &acc.email);
    if let Some(p) = acc.phone.as_deref() {
        checks.phone("phone", p);
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2023, 5, 1)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("valid date")
    }

    #[test]
    fn personal_words_and_glued_forms() {
        let p = Personal::new(&["Root Admin", "root.admin@x.example"]);
        assert_eq!(p.words, ["admin", "root"]);
        assert_eq!(p.glued, ["rootadmin", "adminroot", "rootadmin"]);
        for guess in [
            "RootAdmin2026",
            "rootadmin",
            "Admin.Root99",
            "root.admin2026",
            "ADMIN-admin-1",
            "tAdmi!!2026",
        ] {
            assert!(p.made_of(guess), "{guess}");
        }
        for fine in [
            "Tangerine-Orbit-1987!",
            "2026-2027",
            "Rootbeer-Admiral-7",
            "ro!",
        ] {
            assert!(!p.made_of(fine), "{fine}");
        }
        // Accents fold; initials do not count as words.
        let p = Personal::new(&["Aliénor J. Vichum"]);
        assert!(p.made_of("AlienorVichum!1"));
        assert!(!p.made_of("jjjjjjjjjjjj"));
    }

    #[test]
    fn only_words_is_a_word_break() {
        let w = ["ab".to_string(), "abc".to_string(), "d".to_string()];
        assert!(only_words("abcd", &w));
        assert!(only_words("ababc", &w));
        assert!(!only_words("abx", &w));
        assert!(only_words("", &w));
    }

    #[test]
    fn unknown_emails_lock_like_accounts_and_the_table_stays_bounded() {
        let mut u = UnknownFailures::default();
        for _ in 0..4 {
            assert_eq!(u.record("a@x.example", t(9), 5, t(10)), None);
        }
        assert_eq!(u.record(" A@X.example", t(9), 5, t(10)), Some(t(10)));
        assert_eq!(u.locked_until("a@x.example", t(9)), Some(t(10)));
        // Not counted during the lock, nor extended.
        for _ in 0..10 {
            assert_eq!(u.record("a@x.example", t(9), 5, t(11)), None);
        }
        assert_eq!(u.locked_until("a@x.example", t(9)), Some(t(10)));
        assert_eq!(u.locked_until("a@x.example", t(10)), None);
        for i in 0..MAX_UNKNOWN_EMAILS + 5 {
            u.record(&format!("{i}@x.example"), t(9), 5, t(10));
        }
        assert_eq!(u.entries.len(), MAX_UNKNOWN_EMAILS);
        assert_eq!(u.order.len(), MAX_UNKNOWN_EMAILS);
        assert_eq!(u.locked_until("a@x.example", t(9)), None, "the oldest went");
    }
}
