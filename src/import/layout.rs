//! Finds the events in a sheet laid out either way the support team uses:
//!
//! - **blocks**, the brief's own: a title line, then one line per field —
//!   `Event ID 109`, `Contract ID 652`, `Client name …`, `Event date start 4 Jun
//!   2023 @ 1PM`, … `Notes …` (notes may run over several lines) — with label and
//!   value in one cell or in two;
//! - **rows**: a header row, then one event per row. Headers are matched ignoring
//!   case, accents and punctuation, in English or French.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cells::{Cell, Row};
use super::dates;
use super::ImportError;
use crate::domain::text::fold;

/// The fields a sheet may hold for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    EventRef,
    ContractRef,
    Name,
    ClientName,
    ClientContact,
    ClientEmail,
    ClientPhone,
    Start,
    End,
    Support,
    Location,
    Attendees,
    Notes,
}

/// Labels of the brief's block layout (normalised: folded, punctuation removed).
const BLOCK_LABELS: &[(&str, Field)] = &[
    ("event id", Field::EventRef),
    ("id evenement", Field::EventRef),
    ("id de levenement", Field::EventRef),
    ("contract id", Field::ContractRef),
    ("id contrat", Field::ContractRef),
    ("id du contrat", Field::ContractRef),
    ("client name", Field::ClientName),
    ("nom du client", Field::ClientName),
    ("client contact", Field::ClientContact),
    ("contact client", Field::ClientContact),
    ("client email", Field::ClientEmail),
    ("client phone", Field::ClientPhone),
    ("event date start", Field::Start),
    ("date de debut", Field::Start),
    ("event date end", Field::End),
    ("date de fin", Field::End),
    ("support contact", Field::Support),
    ("contact support", Field::Support),
    ("location", Field::Location),
    ("lieu", Field::Location),
    ("attendees", Field::Attendees),
    ("participants", Field::Attendees),
    ("nombre de participants", Field::Attendees),
    ("notes", Field::Notes),
    ("remarques", Field::Notes),
];

/// More names a header row may use besides the block labels.
const HEADER_LABELS: &[(&str, Field)] = &[
    ("event", Field::Name),
    ("event name", Field::Name),
    ("name", Field::Name),
    ("title", Field::Name),
    ("evenement", Field::Name),
    ("nom", Field::Name),
    ("nom de levenement", Field::Name),
    ("titre", Field::Name),
    ("event ref", Field::EventRef),
    ("contract", Field::ContractRef),
    ("contrat", Field::ContractRef),
    ("client", Field::ClientName),
    ("email", Field::ClientEmail),
    ("courriel", Field::ClientEmail),
    ("phone", Field::ClientPhone),
    ("telephone", Field::ClientPhone),
    ("start", Field::Start),
    ("start date", Field::Start),
    ("debut", Field::Start),
    ("end", Field::End),
    ("end date", Field::End),
    ("fin", Field::End),
    ("support", Field::Support),
    ("adresse", Field::Location),
    ("address", Field::Location),
    ("venue", Field::Location),
    ("guests", Field::Attendees),
    ("invites", Field::Attendees),
    ("comments", Field::Notes),
    ("commentaires", Field::Notes),
    ("note", Field::Notes),
];

/// One event as the sheet describes it, before it is matched to the database.
/// Also what a workstation sends the team server for each row
/// (`POST /v1/import/events`): the file itself stays on the workstation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SheetEvent {
    /// Where it starts in the sheet (1-based).
    pub line: usize,
    pub external_ref: Option<String>,
    pub contract_ref: Option<String>,
    pub name: String,
    pub client_name: Option<String>,
    pub client_email: Option<String>,
    /// The contact line as written (a name, an e-mail, a phone).
    pub client_contact: Option<String>,
    /// Local wall-clock times.
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub support: Option<String>,
    pub location: String,
    pub attendees: Option<i32>,
    pub notes: String,
    /// What could not be read, each a sentence naming the field.
    pub problems: Vec<String>,
}

/// A word as labels compare it: folded, letters and digits only.
fn norm_word(w: &str) -> String {
    fold(w).chars().filter(|c| c.is_alphanumeric()).collect()
}

pub(crate) fn norm(s: &str) -> String {
    s.split_whitespace()
        .map(norm_word)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn lookup(labels: &[(&str, Field)], normalised: &str) -> Option<Field> {
    labels
        .iter()
        .find(|(l, _)| *l == normalised)
        .map(|(_, f)| *f)
}

/// A line of the block layout: its label and the value after it (the rest of the
/// cell, or the next cells).
fn block_line(row: &Row) -> Option<(Field, Vec<Cell>)> {
    let mut filled = row.filled();
    let first = filled.next()?;
    let Cell::Text(text) = first else {
        return None;
    };
    let rest: Vec<Cell> = filled.cloned().collect();
    // Label alone in its cell.
    if let Some(f) = lookup(BLOCK_LABELS, &norm(text)) {
        return Some((f, rest));
    }
    // Label then value in one cell: the longest label made of the first words.
    let words: Vec<&str> = text.split_whitespace().collect();
    for n in (1..=words.len().min(4)).rev() {
        let label = norm(&words[..n].join(" "));
        if let Some(f) = lookup(BLOCK_LABELS, &label) {
            // The value is the text after the n-th word, as typed.
            let mut cut = 0;
            for w in &words[..n] {
                cut = text[cut..].find(w).map_or(cut, |i| cut + i + w.len());
            }
            let value = text[cut..].trim_start_matches([':', ' ', '\t']).trim();
            let mut cells = vec![Cell::Text(value.to_string())];
            cells.extend(rest);
            return Some((f, cells));
        }
    }
    None
}

/// Splits a sheet into events, in either layout.
pub fn events(rows: &[Row]) -> Result<Vec<SheetEvent>, ImportError> {
    if rows
        .iter()
        .any(|r| matches!(block_line(r), Some((Field::EventRef, _))))
    {
        return Ok(blocks(rows));
    }
    if let Some((i, columns)) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| header(r).map(|c| (i, c)))
    {
        return Ok(rows[i + 1..]
            .iter()
            .map(|r| {
                let mut e = SheetEvent {
                    line: r.line,
                    ..SheetEvent::default()
                };
                for (col, field) in &columns {
                    if let Some(cell) = r.cells.get(*col).filter(|c| !c.is_empty()) {
                        set(&mut e, *field, std::slice::from_ref(cell));
                    }
                }
                e
            })
            .collect());
    }
    Err(ImportError::Format(
        "no events found: expected the brief's blocks (a title, then \"Event ID …\", \
         \"Contract ID …\", …) or a header row (Event, Contract ID, Start, End, Support, …)"
            .into(),
    ))
}

/// The columns of a header row, when at least three cells name fields and one
/// of them is the start, the name or the sheet's event id.
fn header(row: &Row) -> Option<Vec<(usize, Field)>> {
    let columns: Vec<(usize, Field)> = row
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Cell::Text(t) => {
                let n = norm(t);
                lookup(BLOCK_LABELS, &n)
                    .or_else(|| lookup(HEADER_LABELS, &n))
                    .map(|f| (i, f))
            }
            _ => None,
        })
        .collect();
    let key = columns
        .iter()
        .any(|(_, f)| matches!(f, Field::Start | Field::Name | Field::EventRef));
    (columns.len() >= 3 && key).then_some(columns)
}

fn blocks(rows: &[Row]) -> Vec<SheetEvent> {
    let mut out: Vec<SheetEvent> = Vec::new();
    let mut current: Option<SheetEvent> = None;
    let mut last_field: Option<Field> = None;
    for (i, row) in rows.iter().enumerate() {
        match block_line(row) {
            Some((field, value)) => {
                let starts_block = field == Field::EventRef
                    && current.as_ref().is_some_and(|e| e.external_ref.is_some());
                if current.is_none() || starts_block {
                    out.extend(current.take());
                    current = Some(SheetEvent {
                        line: row.line,
                        ..SheetEvent::default()
                    });
                }
                if let Some(e) = current.as_mut() {
                    set(e, field, &value);
                }
                last_field = Some(field);
            }
            None => {
                let text = row.filled().map(Cell::text).collect::<Vec<_>>().join(" ");
                let next_is_label = rows.get(i + 1).and_then(block_line).is_some();
                let in_notes = last_field == Some(Field::Notes);
                if in_notes && !(next_is_label && starts_a_block(rows, i + 1)) {
                    if let Some(e) = current.as_mut() {
                        if !e.notes.is_empty() {
                            e.notes.push('\n');
                        }
                        e.notes.push_str(&text);
                    }
                    continue;
                }
                // A title line starts the next block.
                out.extend(current.take());
                current = Some(SheetEvent {
                    line: row.line,
                    name: text,
                    ..SheetEvent::default()
                });
                last_field = None;
            }
        }
    }
    out.extend(current);
    out
}

/// True when the label at `i` is the first of an event's lines.
fn starts_a_block(rows: &[Row], i: usize) -> bool {
    matches!(
        rows.get(i).and_then(block_line),
        Some((Field::EventRef | Field::ContractRef | Field::ClientName, _))
    )
}

/// Stores one field's value on the event, noting what cannot be read.
fn set(e: &mut SheetEvent, field: Field, value: &[Cell]) {
    let text = value
        .iter()
        .filter(|c| !c.is_empty())
        .map(Cell::text)
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim().to_string();
    let opt = || (!text.is_empty()).then(|| text.clone());
    match field {
        Field::EventRef => e.external_ref = opt(),
        Field::ContractRef => e.contract_ref = opt(),
        Field::Name => e.name = text.clone(),
        Field::ClientName => e.client_name = opt(),
        Field::ClientContact => {
            if e.client_email.is_none() {
                e.client_email = email_in(&text);
            }
            e.client_contact = opt();
        }
        Field::ClientEmail => e.client_email = email_in(&text).or_else(opt),
        Field::ClientPhone => {}
        Field::Start | Field::End => {
            let when = match value.iter().find(|c| !c.is_empty()) {
                Some(Cell::DateTime(t)) => Ok(*t),
                Some(Cell::Number(n)) => dates::from_serial(*n)
                    .ok_or_else(|| format!("{n} is not a date ({})", dates::DATE_HINT)),
                _ => dates::parse(&text),
            };
            let name = if field == Field::Start {
                "start"
            } else {
                "end"
            };
            match when {
                Ok(t) if field == Field::Start => e.starts_at = Some(t),
                Ok(t) => e.ends_at = Some(t),
                Err(why) => e.problems.push(format!("{name}: {why}")),
            }
        }
        Field::Support => e.support = opt(),
        Field::Location => e.location = text.clone(),
        Field::Attendees => {
            let digits: String = text
                .chars()
                .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
                .collect();
            match digits.parse::<i32>() {
                Ok(n) if n >= 0 => e.attendees = Some(n),
                _ if text.is_empty() => {}
                _ => e.problems.push(format!(
                    "attendees: \"{text}\" is not a number of people (e.g. 75)"
                )),
            }
        }
        Field::Notes => {
            if !e.notes.is_empty() && !text.is_empty() {
                e.notes.push('\n');
            }
            e.notes.push_str(&text);
        }
    }
}

/// The first word that looks like an e-mail address.
fn email_in(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')'))
        .find(|w| w.contains('@') && w.contains('.'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[&str]) -> Row {
        Row {
            line,
            cells: cells
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect(),
        }
    }

    fn at(y: i32, mo: u32, d: u32, h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("valid")
    }

    #[test]
    fn the_briefs_blocks_one_cell_and_two_cells() {
        let rows = vec![
            row(1, &["John Ouick Wedding"]),
            row(2, &["Event ID 109"]),
            row(3, &["Contract ID 652"]),
            row(4, &["Client name John Ouick"]),
            row(5, &["Client contact john.ouick@gmail.com +1 234 567 8901"]),
            row(6, &["Event date start 4 Jun 2023 @ 1PM"]),
            row(7, &["Event date end 5 Jun 2023 @ 2AM"]),
            row(8, &["Support contact Kate Hastroff"]),
            row(
                9,
                &["Location 53 Rue du Château, 41120 Candé-sur-Beuvron, France"],
            ),
            row(10, &["Attendees 75"]),
            row(11, &["Notes Wedding starts at 3PM, by the river."]),
            row(12, &["Catering is organized, reception starts at 5PM."]),
            row(14, &["Lou Bouzin General Assembly"]),
            row(15, &["Event ID", "1023"]),
            row(16, &["Contract ID", "412"]),
            row(17, &["Client name", "Lou Bouzin"]),
            row(
                18,
                &[
                    "Client contact",
                    "Jacky Blangier, jacky@loubouzin.grd, + 666 12345",
                ],
            ),
            row(19, &["Event date start", "5 May 2023 @ 3PM"]),
            row(20, &["Event date end", "5 May 2023 @ 5PM"]),
            row(21, &["Support contact", "Aliénor Vichum"]),
            row(22, &["Location", "Salle des fêtes de Mufflins"]),
            row(23, &["Attendees", "200"]),
            row(
                24,
                &["Notes", "Shareholders' general assembly (~200 people)."],
            ),
        ];
        let ev = events(&rows).expect("events");
        assert_eq!(ev.len(), 2, "{ev:#?}");
        let a = &ev[0];
        assert_eq!(a.line, 1);
        assert_eq!(a.name, "John Ouick Wedding");
        assert_eq!(a.external_ref.as_deref(), Some("109"));
        assert_eq!(a.contract_ref.as_deref(), Some("652"));
        assert_eq!(a.client_email.as_deref(), Some("john.ouick@gmail.com"));
        assert_eq!(
            (a.starts_at, a.ends_at),
            (Some(at(2023, 6, 4, 13)), Some(at(2023, 6, 5, 2)))
        );
        assert_eq!(a.support.as_deref(), Some("Kate Hastroff"));
        assert_eq!(a.attendees, Some(75));
        assert_eq!(
            a.notes,
            "Wedding starts at 3PM, by the river.\nCatering is organized, reception starts at 5PM."
        );
        let b = &ev[1];
        assert_eq!(
            (b.line, b.name.as_str()),
            (14, "Lou Bouzin General Assembly")
        );
        assert_eq!(b.external_ref.as_deref(), Some("1023"));
        assert_eq!(b.client_email.as_deref(), Some("jacky@loubouzin.grd"));
        assert_eq!(b.location, "Salle des fêtes de Mufflins");
        assert_eq!(b.attendees, Some(200));
        assert!(a.problems.is_empty() && b.problems.is_empty());
    }

    #[test]
    fn french_headers_and_bad_values() {
        let rows = vec![
            row(
                1,
                &[
                    "Événement",
                    "ID événement",
                    "Date de début",
                    "Date de fin",
                    "Lieu",
                    "Participants",
                    "Contact support",
                ],
            ),
            row(
                2,
                &[
                    "Gala",
                    "7",
                    "05/06/2023 13:00",
                    "05/06/2023 23:00",
                    "Tours",
                    "1 200",
                    "Kate Hastroff",
                ],
            ),
            row(
                3,
                &[
                    "Bal",
                    "8",
                    "demain",
                    "05/06/2023 23:00",
                    "Blois",
                    "beaucoup",
                    "",
                ],
            ),
        ];
        let ev = events(&rows).expect("events");
        assert_eq!(ev.len(), 2);
        assert_eq!(
            (ev[0].line, ev[0].name.as_str(), ev[0].attendees),
            (2, "Gala", Some(1200))
        );
        assert_eq!(ev[0].starts_at, Some(at(2023, 6, 5, 13)));
        assert_eq!(ev[0].support.as_deref(), Some("Kate Hastroff"));
        assert_eq!(ev[1].problems.len(), 2, "{:?}", ev[1].problems);
        assert!(ev[1].problems[0].starts_with("start:"));
        assert!(ev[1].problems[1].starts_with("attendees:"));
    }

    #[test]
    fn an_unknown_layout_is_refused() {
        let rows = vec![row(1, &["hello", "world"]), row(2, &["1", "2"])];
        assert!(events(&rows).is_err());
    }
}
