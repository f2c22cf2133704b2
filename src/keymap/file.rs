//! Reading key overrides from `keys.toml`.
//!
//! ```toml
//! [events]
//! without_support = "w"          # one key
//! [table]
//! move_down = ["j", "down", "ctrl-n"]   # several keys
//! sort_reverse = []              # unbind
//! ```
//!
//! A broken keys file must never stop anyone from working: any problem (syntax, an
//! unknown section, action or key) gives the defaults back together with one warning
//! naming the line, for the caller to show as a toast.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;

use toml::{Spanned, Value};

use super::{Context, KeyCombo, Keymap};
use crate::action::Action;

type Sections = BTreeMap<String, BTreeMap<String, Spanned<Value>>>;

impl Keymap {
    /// Defaults with the overrides of the keys file at `path` applied.
    ///
    /// A missing file is the normal case and gives the defaults silently; an unreadable
    /// or invalid file gives the defaults and a warning.
    pub fn load(path: &Path) -> (Keymap, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return (Keymap::defaults(), None),
            Err(e) => {
                let warning = format!(
                    "Could not read {}: {e}; using the default keys.",
                    path.display()
                );
                return (Keymap::defaults(), Some(warning));
            }
        };
        match Keymap::from_toml_str(&text) {
            Ok(keymap) => (keymap, None),
            Err(problem) => {
                let warning = format!("{}: {problem}; using the default keys.", path.display());
                (Keymap::defaults(), Some(warning))
            }
        }
    }

    /// Defaults with the overrides in `text` applied, or a description of the first
    /// problem (with its line number).
    pub fn from_toml_str(text: &str) -> Result<Keymap, String> {
        let sections: Sections = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let message = e.message().trim().to_string();
            match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            }
        })?;
        let mut keymap = Keymap::defaults();
        for (section, entries) in &sections {
            let context = Context::from_name(section).ok_or_else(|| {
                let known: Vec<&str> = Context::all().iter().map(|c| c.name()).collect();
                format!(
                    "{}unknown section [{section}] (known: {})",
                    section_line(text, section),
                    known.join(", ")
                )
            })?;
            for (name, value) in entries {
                let line = line_of(text, value.span().start);
                let action = Action::from_name(name).ok_or_else(|| {
                    format!("line {line}: unknown action \"{name}\" in [{section}]")
                })?;
                let keys = parse_keys(value.get_ref())
                    .map_err(|e| format!("line {line}: {e} for \"{name}\" in [{section}]"))?;
                keymap.bind(context, action, &keys);
            }
        }
        Ok(keymap)
    }
}

/// A string or an array of strings, each one key.
fn parse_keys(value: &Value) -> Result<Vec<KeyCombo>, String> {
    let texts: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| format!("expected a key name, found {}", v.type_str()))
            })
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "expected a key or a list of keys, found {}",
                other.type_str()
            ))
        }
    };
    let mut keys = Vec::with_capacity(texts.len());
    for text in texts {
        let key = KeyCombo::parse(text)?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// "line N: " for the header of `[section]`, when it can be found.
fn section_line(text: &str, section: &str) -> String {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with('[') && l.trim_matches(['[', ']', ' ']) == section
        })
        .map(|i| format!("line {}: ", i + 1))
        .unwrap_or_default()
}
