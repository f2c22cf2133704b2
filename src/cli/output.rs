//! Printing rows in the four formats, a page at a time: nothing but the current
//! page is held. Tables never truncate; colours only on a terminal; text from the
//! database is made safe for a terminal in tables (JSON escapes it anyway, CSV is
//! made safe only when written to a terminal).

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::args::Format;
use super::CliResult;
use crate::ui::sanitize;

/// `YYYY-MM-DD`, without going through a format string (lists print tens of
/// thousands of them).
fn date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// One value of a row, typed so that JSON gets numbers, booleans and null.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    /// Cents, printed as euros with two decimals (a string in JSON, to stay exact).
    Money(i64),
    Date(NaiveDate),
    /// Local wall-clock time.
    Time(NaiveDateTime),
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    pub fn opt(s: Option<&str>) -> Cell {
        s.map_or(Cell::Null, Cell::text)
    }

    pub fn opt_int(n: Option<i64>) -> Cell {
        n.map_or(Cell::Null, Cell::Int)
    }

    /// A UTC instant shown in local time.
    pub fn utc(t: NaiveDateTime) -> Cell {
        Cell::Time(crate::domain::time::to_local(t))
    }

    pub fn opt_utc(t: Option<NaiveDateTime>) -> Cell {
        t.map_or(Cell::Null, Cell::utc)
    }

    fn plain(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => s.clone(),
            Cell::Money(c) => format!(
                "{}{}.{:02}",
                if *c < 0 { "-" } else { "" },
                c.abs() / 100,
                c.abs() % 100
            ),
            Cell::Date(d) => date(*d),
            Cell::Time(t) => format!(
                "{}T{:02}:{:02}:{:02}",
                date(t.date()),
                t.hour(),
                t.minute(),
                t.second()
            ),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(n) => (*n).into(),
            Cell::Bool(b) => (*b).into(),
            other => other.plain().into(),
        }
    }

    /// For a table: one line, safe for a terminal; times without seconds.
    fn shown(&self) -> String {
        match self {
            Cell::Null => "—".into(),
            Cell::Text(s) => sanitize::display(s).into_owned(),
            Cell::Time(t) => format!("{} {:02}:{:02}", date(t.date()), t.hour(), t.minute()),
            other => other.plain(),
        }
    }

    fn right_aligned(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Money(_))
    }
}

/// A streaming writer of rows with fixed columns.
pub struct Table {
    format: Format,
    columns: Vec<&'static str>,
    out: BufWriter<StdoutLock<'static>>,
    terminal: bool,
    /// Table format: the rows of the current page, and the widths so far.
    page: Vec<Vec<Cell>>,
    widths: Vec<usize>,
    started: bool,
    csv_started: bool,
    rows: u64,
    /// One record (`show`): JSON is an object, not an array.
    single: bool,
}

impl Table {
    pub fn new(format: Format, columns: &[&'static str]) -> Table {
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        Table {
            format,
            columns: columns.to_vec(),
            out: BufWriter::with_capacity(64 * 1024, stdout.lock()),
            terminal,
            page: Vec::new(),
            widths: columns.iter().map(|c| c.chars().count()).collect(),
            started: false,
            csv_started: false,
            rows: 0,
            single: false,
        }
    }

    /// A writer for one record (`show`, `whoami`): end it with
    /// [`Table::finish_single`].
    pub fn record(format: Format, columns: &[&'static str]) -> Table {
        Table {
            single: true,
            ..Table::new(format, columns)
        }
    }

    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Adds a row; JSON, NDJSON and CSV rows are written at once, table rows at
    /// the end of the page (their widths are needed first).
    pub fn row(&mut self, cells: Vec<Cell>) -> CliResult {
        self.rows += 1;
        match self.format {
            Format::Table => self.page.push(cells),
            Format::Json if self.single => {
                let obj = self.object(&cells, "\n  ", "\n");
                self.out.write_all(obj.as_bytes())?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.started { b",\n" } else { b"[\n" })?;
                self.started = true;
                let obj = self.object(&cells, "", "");
                self.out.write_all(obj.as_bytes())?;
            }
            Format::Ndjson => {
                let obj = self.object(&cells, "", "");
                self.out.write_all(obj.as_bytes())?;
                self.out.write_all(b"\n")?;
            }
            Format::Csv => {
                let terminal = self.terminal;
                self.csv_header()?;
                let fields: Vec<String> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(s) if terminal => sanitize::display(s).into_owned(),
                        other => other.plain(),
                    })
                    .collect();
                self.csv_record(&fields)?;
            }
        }
        Ok(())
    }

    /// A JSON object with the keys in column order (`indent` before each key,
    /// `close` before the closing brace).
    fn object(&self, cells: &[Cell], indent: &str, close: &str) -> String {
        let mut o = String::from("{");
        for (i, (k, v)) in self.columns.iter().zip(cells).enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str(indent);
            o.push_str(&serde_json::Value::from(*k).to_string());
            o.push(':');
            if !indent.is_empty() {
                o.push(' ');
            }
            o.push_str(&v.json().to_string());
        }
        o.push_str(close);
        o.push('}');
        o
    }

    fn csv_header(&mut self) -> CliResult {
        if !self.csv_started {
            self.csv_started = true;
            let cols: Vec<String> = self.columns.iter().map(|c| c.to_string()).collect();
            self.csv_record(&cols)?;
        }
        Ok(())
    }

    fn csv_record(&mut self, fields: &[String]) -> CliResult {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(fields).map_err(std::io::Error::from)?;
        let buf = w
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.out.write_all(&buf)?;
        Ok(())
    }

    /// Writes the page held (table format). Widths only grow from page to page,
    /// so columns stay aligned unless a later page holds a longer value.
    pub fn end_page(&mut self) -> CliResult {
        if self.format != Format::Table {
            return self.out.flush().map_err(Into::into);
        }
        let shown: Vec<Vec<(String, bool)>> = self
            .page
            .drain(..)
            .map(|r| r.iter().map(|c| (c.shown(), c.right_aligned())).collect())
            .collect();
        for r in &shown {
            for (w, (s, _)) in self.widths.iter_mut().zip(r) {
                *w = (*w).max(s.chars().count());
            }
        }
        if !self.started {
            self.started = true;
            let header: Vec<(String, bool)> = self
                .columns
                .iter()
                .map(|c| (c.to_string(), false))
                .collect();
            let line = self.line(&header);
            if self.terminal {
                writeln!(self.out, "\x1b[1m{line}\x1b[0m")?;
            } else {
                writeln!(self.out, "{line}")?;
            }
        }
        for r in &shown {
            let line = self.line(r);
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn line(&self, cells: &[(String, bool)]) -> String {
        let mut s = String::new();
        let last = cells.len().saturating_sub(1);
        for (i, ((text, right), w)) in cells.iter().zip(&self.widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w.saturating_sub(text.chars().count());
            if *right {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(text);
            } else {
                s.push_str(text);
                if i < last {
                    s.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        s
    }

    /// Ends a list.
    pub fn finish(mut self) -> CliResult {
        match self.format {
            Format::Table => self.end_page()?,
            Format::Json => {
                self.out
                    .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?;
            }
            Format::Csv => {
                self.csv_header()?;
            }
            Format::Ndjson => {}
        }
        self.out.flush()?;
        Ok(())
    }

    /// Ends a one-record output (`show`, `whoami`): a JSON object rather than an
    /// array, and "key  value" lines for a table.
    pub fn finish_single(mut self) -> CliResult {
        match self.format {
            Format::Table => {
                let row = self.page.pop().unwrap_or_default();
                let w = self.columns.iter().map(|c| c.len()).max().unwrap_or(0);
                for (k, v) in self.columns.iter().zip(&row) {
                    let value = match v {
                        Cell::Text(s) => sanitize::display_multiline(s).into_owned(),
                        other => other.shown(),
                    };
                    writeln!(self.out, "{k:<w$}  {value}")?;
                }
            }
            Format::Json => {}
            _ => return self.finish(),
        }
        self.out.flush()?;
        Ok(())
    }
}
