//! Notifications (SPEC §2): support assigned, contract signed, someone else changed
//! my event, my event starts within 7 days.

use chrono::{Duration, NaiveDateTime};

use super::{permit, Crm};
use crate::db::models::{NewNotification, Notification};
use crate::db::repo::{events as events_repo, notifications as repo, ListParams, Page};
use crate::db::DbConnection;
use crate::domain::time::show_local;
use crate::error::Result;
use crate::policy::Action;
use crate::session::Session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SupportAssigned,
    ContractSigned,
    EventChanged,
    StartsSoon,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SupportAssigned => "support_assigned",
            Kind::ContractSigned => "contract_signed",
            Kind::EventChanged => "event_changed",
            Kind::StartsSoon => "starts_soon",
        }
    }
}

/// Adds a notification in the caller's transaction.
pub(crate) fn notify(
    c: &mut DbConnection,
    recipient: i64,
    kind: Kind,
    entity: &str,
    record_id: i64,
    message: &str,
    now: NaiveDateTime,
) -> Result<()> {
    repo::insert(
        c,
        &NewNotification {
            recipient_id: recipient,
            kind: kind.as_str(),
            entity,
            record_id,
            message,
            created_at: now,
            updated_at: now,
            version: 1,
        },
    )
}

/// How far ahead "starts soon" looks.
pub const REMINDER_WINDOW_DAYS: i64 = 7;

impl Crm {
    pub fn unread_notifications(&self, session: &Session) -> Result<i64> {
        self.db()
            .read(|c| repo::unread_count(c, session.collaborator_id))
    }

    /// The inbox, newest first.
    pub fn list_notifications<'a>(
        &self,
        session: &Session,
        unread_only: bool,
        p: impl Into<crate::db::repo::ListRequest<'a>>,
    ) -> Result<Page<Notification>> {
        self.db()
            .read(|c| repo::list(c, session.collaborator_id, unread_only, p))
    }

    pub fn mark_notification_read(&self, session: &Session, id: i64) -> Result<()> {
        self.set_notification_read(session, id, true)
    }

    /// Marks one of my notifications unread again, to come back to it.
    pub fn mark_notification_unread(&self, session: &Session, id: i64) -> Result<()> {
        self.set_notification_read(session, id, false)
    }

    /// Read or unread: the same rule (only its recipient) either way.
    fn set_notification_read(&self, session: &Session, id: i64, read: bool) -> Result<()> {
        let now = self.now();
        self.write(session, |c, actor| {
            let n = repo::get(c, id)?;
            let p = permit(
                actor,
                Action::ReadNotification {
                    recipient: n.recipient_id,
                },
            )?;
            if read {
                repo::mark_read(c, &p, id, now)
            } else {
                repo::mark_unread(c, &p, id, now)
            }
        })
    }

    /// Opens one of my notifications: marks it read and says which record it is
    /// about (entity name, id).
    pub fn open_notification(&self, session: &Session, id: i64) -> Result<(String, i64)> {
        let now = self.now();
        self.write(session, |c, actor| {
            let n = repo::get(c, id)?;
            let p = permit(
                actor,
                Action::ReadNotification {
                    recipient: n.recipient_id,
                },
            )?;
            if n.read_at.is_none() {
                repo::mark_read(c, &p, id, now)?;
            }
            Ok((n.entity, n.record_id))
        })
    }

    /// Marks every unread notification of mine read, in one transaction.
    pub fn mark_all_notifications_read(&self, session: &Session) -> Result<()> {
        let now = self.now();
        let all = ListParams {
            limit: 10_000,
            ..Default::default()
        };
        self.write(session, |c, actor| {
            let p = permit(
                actor,
                Action::ReadNotification {
                    recipient: actor.id,
                },
            )?;
            for n in repo::list(c, actor.id, true, &all)?.rows {
                repo::mark_read(c, &p, n.id, now)?;
            }
            Ok(())
        })
    }

    /// Adds a reminder for each of my events starting within 7 days, once per event.
    /// Called at login and on the periodic refresh; returns how many were added.
    pub fn refresh_reminders(&self, session: &Session) -> Result<usize> {
        let now = self.now();
        let until = now + Duration::days(REMINDER_WINDOW_DAYS);
        let me = session.collaborator_id;
        self.db().write(|c| {
            let mut added = 0;
            for ev in events_repo::starting_between(c, me, now, until)? {
                if repo::exists(c, me, Kind::StartsSoon.as_str(), "event", ev.id)? {
                    continue;
                }
                let msg = format!("\"{}\" starts {}", ev.name, show_local(ev.starts_at));
                notify(c, me, Kind::StartsSoon, "event", ev.id, &msg, now)?;
                added += 1;
            }
            Ok(added)
        })
    }
}
