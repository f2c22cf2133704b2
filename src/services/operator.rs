//! What whoever holds the database itself does from the command line
//! (`epicevents admin …`), logged in as nobody: the way back in when the only
//! admin has forgotten their password or locked themselves out, where no one could
//! reset it from the screens.

use super::Crm;
use crate::db::models::Collaborator;
use crate::db::repo::audit::FieldChange;
use crate::db::repo::{audit, collaborators as repo};
use crate::error::{Error, Result};
use crate::policy::{authorize_operator, Action};

/// The audit trail's action for [`Crm::operator_reset_password`].
pub const OPERATOR_RESET_ACTION: &str = "reset password (operator)";

fn unknown(email: &str) -> Error {
    Error::Rule(format!("no account has the e-mail {}", email.trim()))
}

impl Crm {
    /// The account with this e-mail (any case), or a message saying there is none:
    /// the command line asks for a password only when there is someone to give it to.
    pub fn operator_find_account(&self, email: &str) -> Result<Collaborator> {
        self.db()
            .read(|c| repo::find_by_email(c, email))?
            .ok_or_else(|| unknown(email))
    }

    /// Sets a new password for the account with this e-mail and clears its lockout
    /// (failed logins, lock time). The holder chose it themselves, so they are not
    /// asked to change it at their next login. The password rules apply as
    /// anywhere, with the person's name and e-mail counting as guessable. Audited
    /// with no collaborator as the actor, like the first admin's creation.
    /// Returns the account as it was before, for the confirmation.
    pub fn operator_reset_password(&self, email: &str, new: &str) -> Result<Collaborator> {
        let target = self.operator_find_account(email)?;
        if let Err(m) = self.check_password(new, &[&target.full_name, &target.email]) {
            return Err(Error::field("password", m));
        }
        let hash = self.hash(new)?;
        let now = self.now();
        self.announced(None, |c, _| {
            // The account as it is now: it may have been deleted or renamed meanwhile.
            let current = repo::find_by_email(c, email)?.ok_or_else(|| unknown(email))?;
            if current.id != target.id {
                return Err(unknown(email));
            }
            let p = authorize_operator(&Action::OperatorResetPassword {
                target_id: current.id,
            })?;
            repo::set_password(c, &p, current.id, &hash, false, now)?;
            crate::db::repo::sessions::revoke_all(c, current.id, now, "password reset")?;
            let ch = [FieldChange {
                field: "password".into(),
                before: None,
                after: Some("reset".into()),
            }];
            audit::record(
                c,
                None,
                "collaborator",
                current.id,
                OPERATOR_RESET_ACTION,
                &ch,
                "operator",
                now,
            )
        })?;
        // The account's own id as the actor: the operator acts for its holder.
        crate::telemetry::business(crate::telemetry::BusinessEvent::CollaboratorUpdated {
            collaborator_id: target.id,
            actor_id: target.id,
        });
        Ok(target)
    }
}
