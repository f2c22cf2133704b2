//! Reads a sheet into rows of cells, whatever the file: the first worksheet of an
//! `.xlsx`, `.xls` or `.ods` (calamine), or a `.csv` separated by `,` or `;` in
//! UTF-8 or Windows-1252 (what a French spreadsheet saves by default).

use std::path::Path;

use chrono::NaiveDateTime;

use super::dates::from_serial;
use super::ImportError;

/// One cell as the sheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell the spreadsheet formats as a date (local wall-clock time).
    DateTime(NaiveDateTime),
}

impl Cell {
    /// The cell as text, the way a person reads it: numbers without a useless
    /// `.0`, dates as `2023-06-04 13:00`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A non-empty row of the sheet and its 1-based line number (as the spreadsheet
/// numbers rows, or the CSV's record number counting the header).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The non-empty cells, in order.
    pub fn filled(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| !c.is_empty())
    }
}

/// Reads every non-empty row of the file's first sheet.
pub fn read(path: &Path) -> Result<Vec<Row>, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| ImportError::read(path, e))?;
            read_csv(&bytes)
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path),
        _ => Err(ImportError::Format(format!(
            "{}: not a sheet we read (use .xlsx, .xls, .ods or .csv)",
            path.display()
        ))),
    }
}

fn read_workbook(path: &Path) -> Result<Vec<Row>, ImportError> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(path)
        .map_err(|e| ImportError::Format(format!("{}: {e}", path.display())))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Format(format!("{}: the file has no sheet", path.display())))?
        .map_err(|e| ImportError::Format(format!("{}: {e}", path.display())))?;
    let first_line = range.start().map_or(0, |(r, _)| r as usize) + 1;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<Cell> = r
            .iter()
            .map(|d| match d {
                Data::Empty | Data::Error(_) => Cell::Empty,
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    Cell::Text(s.clone())
                }
                Data::Int(n) => Cell::Number(*n as f64),
                Data::Float(f) => Cell::Number(*f),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTime(dt) => match from_serial(dt.as_f64()) {
                    Some(t) => Cell::DateTime(t),
                    None => Cell::Number(dt.as_f64()),
                },
            })
            .collect();
        let row = Row {
            line: first_line + i,
            cells,
        };
        if row.filled().next().is_some() {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// CSV from bytes: UTF-8 (with or without a BOM) or else Windows-1252; the
/// separator is whichever of `;` and `,` the first line holds more of.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    let text = decode(bytes);
    let first = text.lines().next().unwrap_or("");
    let sep = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportError::Format(format!("CSV line {line}: {e}"))
        })?;
        if !more {
            break;
        }
        let line = lines.at(record.position().map_or(0, |p| p.byte() as usize));
        let cells: Vec<Cell> = record
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        let row = Row { line, cells };
        if row.filled().next().is_some() {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The 1-based line a record starts on (a quoted field may span several
/// lines, so records and lines differ). Records come in order, so the newlines
/// are counted once from the previous record, not from the top each time.
struct LineCounter<'t> {
    bytes: &'t [u8],
    at: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        let bytes = self.bytes;
        let mut b = byte.min(bytes.len());
        while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
            b += 1;
        }
        if b < self.at {
            // Not expected; count from the top rather than be wrong.
            self.at = 0;
            self.line = 1;
        }
        self.line += bytes[self.at..b].iter().filter(|&&c| c == b'\n').count();
        self.at = b;
        self.line
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Row]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.cells.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn csv_with_semicolons_in_windows_1252() {
        // "Lieu;Participants\nSalle des fêtes;200" as Excel saves it in France.
        let mut bytes = b"Lieu;Participants\r\nSalle des f".to_vec();
        bytes.push(0xEA);
        bytes.extend_from_slice(b"tes;200\r\n\r\n;\r\n");
        let rows = read_csv(&bytes).expect("csv");
        assert_eq!(
            texts(&rows),
            vec![
                vec!["Lieu".to_string(), "Participants".into()],
                vec!["Salle des fêtes".into(), "200".into()]
            ]
        );
        assert_eq!((rows[0].line, rows[1].line), (1, 2));
    }

    #[test]
    fn csv_with_commas_quotes_and_a_bom() {
        let rows =
            read_csv("\u{feff}a,b\n\"x, y\",\"line one\nline two\"\n".as_bytes()).expect("csv");
        assert_eq!(
            texts(&rows)[1],
            vec!["x, y".to_string(), "line one\nline two".into()]
        );
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(Cell::Number(75.0).text(), "75");
        assert_eq!(Cell::Number(2.5).text(), "2.5");
    }
}
