//! `import events FILE` (the support team's sheet), `import clients FILE` (a
//! list under a header row) and `export {clients|contracts|events}` (a filtered
//! list as CSV, JSON or a workbook).

use std::io::IsTerminal;

use super::api::Api;
use super::args::{ExportArgs, ExportWhat, ImportCmd, ReportFormat};
use super::lists::{self, Entity};
use super::{CliError, CliResult};
use crate::export::{self, ExportFormat, Sheet};
use crate::services::import::{ImportOptions, ImportReport, Outcome};
use crate::services::query::{ClientSort, ContractSort, EventSort};
use crate::session::Session;

/// Sheets longer than this get a progress bar (on a terminal).
const PROGRESS_ABOVE: usize = 1_000;

pub fn import(api: &Api, s: &Session, cmd: ImportCmd) -> CliResult {
    let read_failed = |e: crate::import::ImportError| CliError::Failed(e.to_string());
    let (what, rows, dry_run, partial, format) = match &cmd {
        ImportCmd::Events {
            file,
            dry_run,
            partial,
            format,
        } => (
            "events",
            Rows::Events(crate::import::read_events(file).map_err(read_failed)?),
            *dry_run,
            *partial,
            *format,
        ),
        ImportCmd::Clients {
            file,
            dry_run,
            partial,
            format,
        } => (
            "clients",
            Rows::Clients(crate::import::read_clients(file).map_err(read_failed)?),
            *dry_run,
            *partial,
            *format,
        ),
    };
    let len = match &rows {
        Rows::Events(r) => r.len(),
        Rows::Clients(r) => r.len(),
    };
    let bar = (len > PROGRESS_ABOVE && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(len as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {what} {{eta}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut progress = |done: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let opts = ImportOptions { dry_run, partial };
    let report = match &rows {
        Rows::Events(r) => api.import_events(s, r, opts, &mut progress),
        Rows::Clients(r) => api.import_clients(s, r, opts, &mut progress),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = report?;
    print_report(&report, format)?;
    let (created, updated, unchanged, errors) = report.counts();
    let outcome = if dry_run {
        "a dry run: nothing written"
    } else if report.written {
        "written"
    } else {
        "nothing written"
    };
    eprintln!(
        "{} {what}: {created} created, {updated} updated, {unchanged} unchanged, {errors} in error; {outcome}",
        report.lines.len(),
    );
    if errors > 0 {
        return Err(CliError::Failed(format!(
            "{errors} row(s) could not be imported{}",
            if report.written {
                "; the others were written"
            } else {
                "; nothing was written"
            }
        )));
    }
    Ok(())
}

/// The rows of a sheet, as read for one kind of import.
enum Rows {
    Events(Vec<crate::import::SheetEvent>),
    Clients(Vec<crate::import::SheetClient>),
}

fn print_report(report: &ImportReport, format: ReportFormat) -> CliResult {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Table => {
            writeln!(out, "line  outcome    id      name / reason")?;
            for l in &report.lines {
                let name = crate::ui::sanitize::display(&l.name);
                let (what, id, why) = match &l.outcome {
                    Outcome::Created { id } => ("created", Some(*id), String::new()),
                    Outcome::Updated { id, fields } => {
                        ("updated", Some(*id), format!(" ({})", fields.join(", ")))
                    }
                    Outcome::Unchanged { id } => ("unchanged", Some(*id), String::new()),
                    Outcome::Error { reason } => (
                        "error",
                        None,
                        format!(": {}", crate::ui::sanitize::display(reason)),
                    ),
                };
                let id = id.map_or_else(|| "—".to_string(), |i| i.to_string());
                writeln!(out, "{:>4}  {what:<9}  {id:>6}  {name}{why}", l.line)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

pub fn export(api: &Api, s: &Session, a: ExportArgs) -> CliResult {
    if a.format == ExportFormat::Xlsx && a.output.is_none() {
        return Err(CliError::Usage("an xlsx export needs --output FILE".into()));
    }
    let l = &a.list;
    let sheet: Sheet = match a.what {
        ExportWhat::Clients => {
            lists::check_flags(Entity::Clients, l)?;
            let (sort, desc) = lists::parse_sort(ClientSort::ALL, l.sort.as_deref())?;
            let f = lists::client_filter(s, l);
            let mut rows = Vec::new();
            lists::pages(
                l,
                &lists::params(l, desc),
                |p, at| api.list_clients_at(&f, sort.unwrap_or_default(), p, at),
                |r| {
                    rows.extend(r);
                    Ok(())
                },
            )?;
            export::clients(&rows)
        }
        ExportWhat::Contracts => {
            lists::check_flags(Entity::Contracts, l)?;
            let (sort, desc) = lists::parse_sort(ContractSort::ALL, l.sort.as_deref())?;
            let f = lists::contract_filter(s, l);
            let mut rows = Vec::new();
            lists::pages(
                l,
                &lists::params(l, desc),
                |p, at| api.list_contracts_at(&f, sort.unwrap_or_default(), p, at),
                |r| {
                    rows.extend(r);
                    Ok(())
                },
            )?;
            export::contracts(&rows)
        }
        ExportWhat::Events => {
            lists::check_flags(Entity::Events, l)?;
            let (sort, desc) = lists::parse_sort(EventSort::ALL, l.sort.as_deref())?;
            let mut f = lists::event_filter(s, l);
            f.now = Some(api.now());
            let mut rows = Vec::new();
            lists::pages(
                l,
                &lists::params(l, desc),
                |p, at| api.list_events_at(&f, sort.unwrap_or_default(), p, at),
                |r| {
                    rows.extend(r);
                    Ok(())
                },
            )?;
            export::events(&rows)
        }
    };
    let failed = |e: export::ExportError| CliError::Failed(e.to_string());
    match &a.output {
        Some(path) => {
            export::write_file(&sheet, a.format, path).map_err(failed)?;
            eprintln!("{} rows written to {}", sheet.rows.len(), path.display());
        }
        None => {
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            match a.format {
                ExportFormat::Csv => export::write_csv(&sheet, out).map_err(failed)?,
                ExportFormat::Json => export::write_json(&sheet, out).map_err(failed)?,
                ExportFormat::Xlsx => {
                    return Err(CliError::Usage("an xlsx export needs --output FILE".into()))
                }
            }
        }
    }
    Ok(())
}
