//! Lists handed to someone else (the accountant, a spreadsheet): clients,
//! contracts or events as CSV, JSON or an Excel workbook. Columns have a stable
//! key (JSON field names) and a header a person reads; the events' columns are the
//! ones the importer reads, so an exported sheet imports back as "unchanged"
//! (events and contracts are named by the CRM's own id, `#12`, unless they carry
//! the support team's sheet id).

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::repo::clients::ClientRow;
use crate::db::repo::contracts::ContractRow;
use crate::db::repo::events::EventRow;
use crate::domain::time::to_local;

/// The formats an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display, clap::ValueEnum)]
#[strum(serialize_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

/// One cell of an export, typed so that a workbook gets real numbers and dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Int(i64),
    /// Cents, written as euros.
    Money(i64),
    Date(NaiveDate),
    /// Local wall-clock time.
    DateTime(NaiveDateTime),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::Money(c) => format!(
                "{}{}.{:02}",
                if *c < 0 { "-" } else { "" },
                c.abs() / 100,
                c.abs() % 100
            ),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Value::Empty => serde_json::Value::Null,
            Value::Int(n) => (*n).into(),
            // Money stays exact: a string of euros with two decimals.
            other => other.text().into(),
        }
    }
}

fn text(s: &str) -> Value {
    if s.is_empty() {
        Value::Empty
    } else {
        Value::Text(s.to_string())
    }
}

fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Empty, text)
}

/// A list ready to write: (key, header) per column and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Vec<Value>>,
}

pub fn clients(rows: &[ClientRow]) -> Sheet {
    Sheet {
        name: "Clients",
        columns: vec![
            ("id", "Client ID"),
            ("full_name", "Client"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("company_name", "Company"),
            ("first_contact", "First contact"),
            ("last_contact", "Last contact"),
            ("sales_contact", "Sales contact"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let c = &r.client;
                vec![
                    Value::Int(c.id),
                    text(&c.full_name),
                    text(&c.email),
                    text(&c.phone),
                    text(&c.company_name),
                    Value::Date(c.first_contact),
                    Value::Date(c.last_contact),
                    opt(r.sales_contact_name.as_deref()),
                ]
            })
            .collect(),
    }
}

/// The id an export gives a record: the sheet's, or the CRM's own as `#12`.
fn sheet_id(external: Option<&str>, id: i64) -> Value {
    Value::Text(external.map_or_else(|| format!("#{id}"), str::to_string))
}

pub fn contracts(rows: &[ContractRow]) -> Sheet {
    Sheet {
        name: "Contracts",
        columns: vec![
            ("id", "Contract ID"),
            ("client", "Client"),
            ("client_email", "Client email"),
            ("sales_contact", "Sales contact"),
            ("total", "Total (€)"),
            ("due", "Due (€)"),
            ("signed", "Signed"),
            ("signed_at", "Signed at"),
            ("created_at", "Created at"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let k = &r.contract;
                vec![
                    sheet_id(k.external_ref.as_deref(), k.id),
                    text(&r.client.full_name),
                    text(&r.client.email),
                    opt(r.sales_contact_name.as_deref()),
                    Value::Money(k.total_cents),
                    Value::Money(k.due_cents),
                    Value::Text(if k.signed { "yes" } else { "no" }.into()),
                    k.signed_at
                        .map_or(Value::Empty, |t| Value::DateTime(to_local(t))),
                    Value::DateTime(to_local(k.created_at)),
                ]
            })
            .collect(),
    }
}

pub fn events(rows: &[EventRow]) -> Sheet {
    Sheet {
        name: "Events",
        columns: vec![
            ("name", "Event"),
            ("event_id", "Event ID"),
            ("contract_id", "Contract ID"),
            ("client", "Client"),
            ("client_email", "Client email"),
            ("starts_at", "Start"),
            ("ends_at", "End"),
            ("support", "Support"),
            ("location", "Location"),
            ("attendees", "Attendees"),
            ("notes", "Notes"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let e = &r.event;
                vec![
                    text(&e.name),
                    sheet_id(e.external_ref.as_deref(), e.id),
                    Value::Text(format!("#{}", e.contract_id)),
                    text(&r.client.full_name),
                    text(&r.client.email),
                    Value::DateTime(to_local(e.starts_at)),
                    Value::DateTime(to_local(e.ends_at)),
                    opt(r.support_name.as_deref()),
                    text(&e.location),
                    Value::Int(i64::from(e.attendees)),
                    text(&e.notes),
                ]
            })
            .collect(),
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// CSV with a header row of the human headers.
pub fn write_csv(sheet: &Sheet, out: impl Write) -> Result<(), ExportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(sheet.columns.iter().map(|(_, h)| *h))?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(Value::text))?;
    }
    w.flush()?;
    Ok(())
}

/// A JSON array of objects keyed by the stable column keys.
pub fn write_json(sheet: &Sheet, mut out: impl Write) -> Result<(), ExportError> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = sheet
        .rows
        .iter()
        .map(|row| {
            sheet
                .columns
                .iter()
                .zip(row)
                .map(|((k, _), v)| (k.to_string(), v.json()))
                .collect()
        })
        .collect();
    serde_json::to_writer_pretty(&mut out, &rows)?;
    writeln!(out)?;
    Ok(())
}

/// An Excel workbook: bold frozen header with an autofilter, dates as dates,
/// money as numbers in euros.
pub fn write_xlsx(sheet: &Sheet, path: &Path) -> Result<(), ExportError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00 \"€\"");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let mut widths: Vec<usize> = sheet
        .columns
        .iter()
        .map(|(_, h)| h.chars().count())
        .collect();
    for (c, (_, h)) in sheet.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let col = c as u16;
            match v {
                Value::Empty => {}
                Value::Text(s) => {
                    ws.write_string(r, col, s)?;
                }
                Value::Int(n) => {
                    ws.write_number(r, col, *n as f64)?;
                }
                Value::Money(cents) => {
                    ws.write_number_with_format(r, col, *cents as f64 / 100.0, &money)?;
                }
                Value::Date(d) => {
                    let x = ExcelDateTime::from_ymd(
                        u16::try_from(chrono::Datelike::year(d)).unwrap_or(1900),
                        chrono::Datelike::month(d) as u8,
                        chrono::Datelike::day(d) as u8,
                    )?;
                    ws.write_datetime_with_format(r, col, &x, &date)?;
                }
                Value::DateTime(t) => {
                    use chrono::{Datelike, Timelike};
                    let x = ExcelDateTime::from_ymd(
                        u16::try_from(t.year()).unwrap_or(1900),
                        t.month() as u8,
                        t.day() as u8,
                    )?
                    .and_hms(
                        t.hour() as u16,
                        t.minute() as u8,
                        t.second() as f64,
                    )?;
                    ws.write_datetime_with_format(r, col, &x, &datetime)?;
                }
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(
                    v.text()
                        .lines()
                        .map(|l| l.chars().count())
                        .max()
                        .unwrap_or(0),
                );
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(8, 60) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !sheet.columns.is_empty() {
        ws.autofilter(
            0,
            0,
            sheet.rows.len() as u32,
            sheet.columns.len() as u16 - 1,
        )?;
    }
    wb.save(path)?;
    Ok(())
}

/// Writes `sheet` in `format` to `path`, replacing it; the file is 0600, as every
/// file the program makes (an export holds clients' personal data).
pub fn write_file(sheet: &Sheet, format: ExportFormat, path: &Path) -> Result<(), ExportError> {
    match format {
        ExportFormat::Xlsx => {
            write_xlsx(sheet, path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(())
        }
        ExportFormat::Csv => write_csv(sheet, std::io::BufWriter::new(private_file(path)?)),
        ExportFormat::Json => write_json(sheet, std::io::BufWriter::new(private_file(path)?)),
    }
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Every row of a list, read window after window on from the last row read
/// (keyset), so a long list costs the same per row to the end.
pub fn read_all<T>(
    p: &crate::services::query::ListParams,
    mut read: impl FnMut(
        &crate::services::query::ListParams,
        &crate::services::query::At,
    ) -> crate::Result<crate::services::query::Page<T>>,
) -> crate::Result<Vec<T>> {
    use crate::services::query::{At, ListParams};
    const WINDOW: i64 = 1_000;
    let mut p = ListParams {
        offset: 0,
        limit: WINDOW,
        exact_count: false,
        ..p.clone()
    };
    let mut at = At::Offset;
    let mut out = Vec::new();
    loop {
        let page = read(&p, &at)?;
        let n = page.rows.len() as i64;
        out.extend(page.rows);
        match page.last {
            Some(last) if n == WINDOW => {
                p.offset += n;
                at = At::After(last);
            }
            _ => return Ok(out),
        }
    }
}

/// A file in `dir` for `name` on `date` (`events-2026-12-03.csv`) that does not
/// exist yet: `events-2026-12-03-2.csv` and so on after it.
pub fn free_path(
    dir: &Path,
    name: &str,
    date: chrono::NaiveDate,
    format: ExportFormat,
) -> std::path::PathBuf {
    let base = format!("{}-{}", name.to_lowercase(), date.format("%Y-%m-%d"));
    let mut n = 1;
    loop {
        let file = if n == 1 {
            format!("{base}.{format}")
        } else {
            format!("{base}-{n}.{format}")
        };
        let path = dir.join(file);
        if !path.exists() {
            return path;
        }
        n += 1;
    }
}
