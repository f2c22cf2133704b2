//! Imports through the team server: the sheet is read here, on the
//! workstation, and its rows go to `POST /v1/import/{events,clients}` in one
//! request; the server writes them in one transaction and answers with the
//! report. The body is written straight to bytes (a sheet of 100 000 rows is
//! some 20 MB of JSON, too much to build as a `serde_json::Value` first).

use serde::Serialize;

use super::{problem, RemoteCrm, Who, MAX_ANSWER};
use crate::domain::time::from_local;
use crate::error::{Error, Result};
use crate::import::{SheetClient, SheetEvent};
use crate::server::IMPORT_BODY_LIMIT;
use crate::services::import::{ImportOptions, ImportReport};
use crate::session::Session;

/// The request body, as the server's route reads it.
#[derive(Serialize)]
struct Body<'a, T> {
    rows: &'a [T],
    dry_run: bool,
    partial: bool,
}

/// The events with their times in UTC, as every time travels: the sheet's
/// wall-clock times are read in this machine's time zone, as an import in
/// process would. A time that does not exist here (the hour skipped when
/// the clocks go forward) is the row's problem, in the words the service uses.
pub(super) fn events_in_utc(sheet: &[SheetEvent]) -> Vec<SheetEvent> {
    sheet
        .iter()
        .map(|ev| {
            let mut ev = ev.clone();
            for (t, what) in [(&mut ev.starts_at, "start"), (&mut ev.ends_at, "end")] {
                if let Some(local) = *t {
                    *t = from_local(local);
                    if t.is_none() {
                        ev.problems.push(format!(
                            "{what}: {local} does not exist here (the clocks change)"
                        ));
                    }
                }
            }
            ev
        })
        .collect()
}

impl RemoteCrm {
    /// Sends the rows of a sheet to the import route at `path` as `session`,
    /// refreshing an expired access token once. `progress` hears of every row
    /// at once when the report arrives: the server writes them all before it
    /// answers.
    pub(super) fn import_rows<T: Serialize>(
        &self,
        session: &Session,
        path: &str,
        rows: &[T],
        opts: ImportOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport> {
        let body = serde_json::to_vec(&Body {
            rows,
            dry_run: opts.dry_run,
            partial: opts.partial,
        })
        .map_err(|e| Error::Connection(format!("cannot encode the request: {e}")))?;
        if body.len() > IMPORT_BODY_LIMIT {
            return Err(Error::Rule(format!(
                "the sheet is too large to send to the server ({} MiB of rows, at most {} MiB): \
                 split it into smaller sheets",
                body.len().div_ceil(1024 * 1024),
                IMPORT_BODY_LIMIT / (1024 * 1024)
            )));
        }
        let who = Who::Collaborator(session.collaborator_id);
        let token = self.access(who)?;
        let (mut status, mut bytes) = self.send_bytes(path, &body, token.as_deref())?;
        if status == 401 {
            if let Some(old) = &token {
                if problem(&bytes).is_some_and(|p| p.code == "token_expired") {
                    let fresh = self.refresh(session.collaborator_id, old)?;
                    (status, bytes) = self.send_bytes(path, &body, Some(&fresh))?;
                }
            }
        }
        if (200..300).contains(&status) {
            let report: ImportReport = serde_json::from_slice(&bytes).map_err(|e| {
                Error::Connection(format!("the server's answer could not be read: {e}"))
            })?;
            progress(report.lines.len());
            return Ok(report);
        }
        let err = match problem(&bytes) {
            Some(p) => p.into_error(),
            None => Error::Connection(format!("the server answered {status}")),
        };
        if let Error::SessionEnded(_) = err {
            self.forget(session.collaborator_id);
        }
        Err(err)
    }

    /// One POST of a JSON body already encoded; the status and the answer.
    fn send_bytes(&self, path: &str, body: &[u8], token: Option<&str>) -> Result<(u16, Vec<u8>)> {
        let url = format!("{}{}", self.base, path);
        let mut req = self
            .agent
            .post(&url)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json");
        let auth = token.map(|t| format!("Bearer {t}"));
        if let Some(a) = &auth {
            req = req.header("Authorization", a.as_str());
        }
        let mut resp = req.send(body).map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| self.transport_error(e))?;
        Ok((status, bytes))
    }
}

/// The events import, as the trait's method makes it.
pub(super) fn events(
    crm: &RemoteCrm,
    session: &Session,
    path: &str,
    sheet: &[SheetEvent],
    opts: ImportOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportReport> {
    crm.import_rows(session, path, &events_in_utc(sheet), opts, progress)
}

/// The clients import, as the trait's method makes it (dates have no time zone).
pub(super) fn clients(
    crm: &RemoteCrm,
    session: &Session,
    path: &str,
    sheet: &[SheetClient],
    opts: ImportOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<ImportReport> {
    crm.import_rows(session, path, sheet, opts, progress)
}
