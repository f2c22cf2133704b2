//! A list of clients under a header row (the sales team's address book): one
//! client per row, headers matched ignoring case, accents and punctuation, in
//! English or French, like the events sheet's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cells::{Cell, Row};
use super::dates;
use super::layout::norm;
use super::ImportError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Email,
    Phone,
    Company,
    FirstContact,
    LastContact,
    SalesContact,
}

/// Header names (normalised: folded, punctuation removed).
const LABELS: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("full name", Field::Name),
    ("client", Field::Name),
    ("client name", Field::Name),
    ("contact", Field::Name),
    ("nom", Field::Name),
    ("nom complet", Field::Name),
    ("nom du client", Field::Name),
    ("email", Field::Email),
    ("e mail", Field::Email),
    ("client email", Field::Email),
    ("mail", Field::Email),
    ("courriel", Field::Email),
    ("adresse email", Field::Email),
    ("adresse e mail", Field::Email),
    ("phone", Field::Phone),
    ("telephone", Field::Phone),
    ("tel", Field::Phone),
    ("mobile", Field::Phone),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("entreprise", Field::Company),
    ("societe", Field::Company),
    ("nom de lentreprise", Field::Company),
    ("first contact", Field::FirstContact),
    ("date of first contact", Field::FirstContact),
    ("created", Field::FirstContact),
    ("premier contact", Field::FirstContact),
    ("date de creation", Field::FirstContact),
    ("last contact", Field::LastContact),
    ("last update", Field::LastContact),
    ("dernier contact", Field::LastContact),
    ("derniere mise a jour", Field::LastContact),
    ("sales contact", Field::SalesContact),
    ("sales", Field::SalesContact),
    ("contact commercial", Field::SalesContact),
    ("commercial", Field::SalesContact),
];

/// One client as the sheet describes it, before it is matched to the database.
/// Empty cells are `None` (an update keeps what the CRM has). Also what a
/// workstation sends the team server for each row (`POST /v1/import/clients`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SheetClient {
    /// Its row in the sheet (1-based).
    pub line: usize,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub first_contact: Option<NaiveDate>,
    pub last_contact: Option<NaiveDate>,
    /// A sales collaborator's name or e-mail.
    pub sales_contact: Option<String>,
    /// What could not be read, each a sentence naming the field.
    pub problems: Vec<String>,
}

fn header(row: &Row) -> Option<Vec<(usize, Field)>> {
    let columns: Vec<(usize, Field)> = row
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Cell::Text(t) => {
                let n = norm(t);
                LABELS.iter().find(|(l, _)| *l == n).map(|(_, f)| (i, *f))
            }
            _ => None,
        })
        .collect();
    let has_email = columns.iter().any(|(_, f)| *f == Field::Email);
    (columns.len() >= 2 && has_email).then_some(columns)
}

fn date(cell: &Cell) -> Result<NaiveDate, String> {
    match cell {
        Cell::DateTime(t) => Ok(t.date()),
        Cell::Number(n) => dates::from_serial(*n)
            .map(|t| t.date())
            .ok_or_else(|| format!("{n} is not a date")),
        other => {
            let text = other.text();
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
                .or_else(|_| dates::parse(&text).map(|t| t.date()))
                .map_err(|_| format!("\"{text}\" is not a date (e.g. 2023-06-04 or 04/06/2023)"))
        }
    }
}

/// The clients of a sheet, in order, each with its line number.
pub fn clients(rows: &[Row]) -> Result<Vec<SheetClient>, ImportError> {
    let Some((i, columns)) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| header(r).map(|c| (i, c)))
    else {
        return Err(ImportError::Format(
            "no header row found: expected columns such as Name, E-mail, Phone, Company, \
             Sales contact (or Nom, Courriel, Téléphone, Entreprise, Commercial)"
                .into(),
        ));
    };
    Ok(rows[i + 1..]
        .iter()
        .map(|r| {
            let mut c = SheetClient {
                line: r.line,
                ..SheetClient::default()
            };
            for (col, field) in &columns {
                let Some(cell) = r.cells.get(*col).filter(|c| !c.is_empty()) else {
                    continue;
                };
                let text = Some(cell.text());
                match field {
                    Field::Name => c.full_name = text,
                    Field::Email => c.email = text,
                    Field::Phone => c.phone = text,
                    Field::Company => c.company_name = text,
                    Field::SalesContact => c.sales_contact = text,
                    Field::FirstContact | Field::LastContact => match date(cell) {
                        Ok(d) if *field == Field::FirstContact => c.first_contact = Some(d),
                        Ok(d) => c.last_contact = Some(d),
                        Err(why) => c.problems.push(format!(
                            "{}: {why}",
                            if *field == Field::FirstContact {
                                "first contact"
                            } else {
                                "last contact"
                            }
                        )),
                    },
                }
            }
            c
        })
        .collect())
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

    #[test]
    fn french_headers_dates_and_bad_values() {
        let rows = [
            row(
                1,
                &[
                    "Nom",
                    "Courriel",
                    "Téléphone",
                    "Société",
                    "Premier contact",
                    "Commercial",
                ],
            ),
            row(
                2,
                &[
                    "Zoé Durand",
                    "zoe@x.fr",
                    "",
                    "Zed",
                    "04/06/2023",
                    "Bill Boquet",
                ],
            ),
            row(3, &["Al", "al@x.fr", "", "", "demain", ""]),
        ];
        let got = clients(&rows).expect("header found");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].line, 2);
        assert_eq!(got[0].full_name.as_deref(), Some("Zoé Durand"));
        assert_eq!(got[0].company_name.as_deref(), Some("Zed"));
        assert_eq!(got[0].phone, None);
        assert_eq!(got[0].first_contact, NaiveDate::from_ymd_opt(2023, 6, 4));
        assert_eq!(got[0].sales_contact.as_deref(), Some("Bill Boquet"));
        assert!(got[0].problems.is_empty());
        assert_eq!(got[1].problems.len(), 1, "{:?}", got[1].problems);
        assert!(got[1].problems[0].starts_with("first contact"));
    }

    #[test]
    fn a_sheet_without_an_email_column_is_refused() {
        let rows = [row(1, &["Name", "Company"]), row(2, &["A", "B"])];
        assert!(clients(&rows).is_err());
    }
}
