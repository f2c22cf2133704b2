//! Exporting the list on show: every row that matches its filters, in its
//! sort, read on the worker window after window and written as CSV to a new
//! file named after the list and the day (`events-2026-12-03.csv`) in the
//! current directory; the status line says where it went.

use std::path::PathBuf;

use super::App;
use crate::domain::time::to_local;
use crate::export::{self, ExportFormat};
use crate::services::query::At;

/// Sends the export asked for on the table on show, if any and if no other
/// call is on its way (then it waits for the next tick).
pub(super) fn send(app: &mut App) {
    if app.is_waiting() {
        return;
    }
    let Some(ws) = app.ws() else { return };
    if crate::screens::board(ws.screen).is_some() {
        return;
    }
    let session = ws.session.clone();
    let l = ws.list_mut();
    if !std::mem::take(&mut l.export) {
        return;
    }
    let mut q = l.query(session.collaborator_id);
    q.at = At::Offset;
    q.offset = 0;
    app.call(
        "exporting…",
        move |crm| -> crate::Result<Option<(PathBuf, usize)>> {
            let Some(sheet) = crate::screens::of(q.screen).sheet(crm, &session, &q)? else {
                return Ok(None);
            };
            let dir = std::env::current_dir().map_err(|e| {
                crate::Error::Rule(format!("no current directory to export to: {e}"))
            })?;
            let day = to_local(crm.now()).date();
            let path = export::free_path(&dir, sheet.name, day, ExportFormat::Csv);
            export::write_file(&sheet, ExportFormat::Csv, &path).map_err(|e| {
                crate::Error::Rule(format!("could not write {}: {e}", path.display()))
            })?;
            Ok(Some((path, sheet.rows.len())))
        },
        |app, r| match r {
            Ok(Some((path, n))) => app.success(format!(
                "{} rows exported to {}",
                crate::services::query::group_thousands(n as i64),
                path.display()
            )),
            Ok(None) => app.info("Only clients, contracts and events are exported"),
            Err(e) => app.fail(e),
        },
    );
}
