//! Text folding for search: case- and accent-insensitive matching means both the
//! stored `search` column and the typed terms go through [`fold`].

/// Lower-case ASCII approximation: "Aliénor VICHUM" → "alienor vichum".
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// Builds the `search` column from the visible fields of a record.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts {
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold(p));
    }
    out
}

/// Splits a filter into folded terms; all must match. A NUL separates terms too:
/// no stored text holds one, and neither database can take one in a query.
pub fn terms(filter: &str) -> Vec<String> {
    filter
        .split(|c: char| c.is_whitespace() || c == '\0')
        .map(fold)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Characters a terminal obeys rather than shows: C0 and C1 controls, DEL, and
/// the bidi embedding, override and isolate controls. Stored text must not hold
/// them (they are refused on input) and the screen never prints them raw.
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses control characters in a field; `multiline` lets newlines, tabs and
/// the carriage returns of pasted Windows text through (notes).
pub fn check_no_controls(
    field: &'static str,
    value: &str,
    multiline: bool,
) -> Result<(), crate::error::FieldError> {
    let bad = value
        .chars()
        .find(|c| is_control(*c) && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    match bad {
        None => Ok(()),
        Some(c) => Err(crate::error::FieldError {
            field,
            message: format!(
                "must not contain control characters (found U+{:04X}){}",
                c as u32,
                if multiline {
                    ""
                } else {
                    "; this field is one line"
                }
            ),
        }),
    }
}

/// Rejects text that storage or the terminal cannot carry faithfully.
pub fn check_plain(
    field: &'static str,
    value: &str,
    max_chars: usize,
) -> Result<(), crate::error::FieldError> {
    if value.contains('\0') {
        return Err(crate::error::FieldError {
            field,
            message: "must not contain a NUL character".into(),
        });
    }
    if value.chars().count() > max_chars {
        return Err(crate::error::FieldError {
            field,
            message: format!("at most {max_chars} characters"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(fold("Aliénor VICHUM"), "alienor vichum");
        assert_eq!(terms("  Kate   Candé "), vec!["kate", "cande"]);
        assert_eq!(terms("a\0b \0"), vec!["a", "b"]);
        assert_eq!(
            search_text(["Salle des fêtes", "", "Mufflins"]),
            "salle des fetes mufflins"
        );
    }
}
