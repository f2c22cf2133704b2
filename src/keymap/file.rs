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
//! A broken keys file must never stop anyone from working: each line that cannot
//! be used (an unknown section, action or key, or a key another action already
//! has where both work) is left out and reported in full, and every other line
//! still applies. A file TOML itself cannot read gives the defaults and one
//! problem naming the line.

use std::collections::BTreeMap;
use std::fmt;
use std::io::ErrorKind;
use std::path::Path;

use toml::{Spanned, Value};

use super::{Binding, Context, KeyCombo, Keymap};
use crate::action::Action;

type Sections = BTreeMap<String, BTreeMap<String, Spanned<Value>>>;

/// One line of a keys file that was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// An override read from the file: the keys of one action in one context.
struct Override {
    line: usize,
    context: Context,
    action: Action,
    keys: Vec<KeyCombo>,
}

impl Keymap {
    /// Defaults with the usable overrides of the keys file at `path` applied, and
    /// a one-line summary of what was left out (for the status line; the lines
    /// themselves are in [`Keymap::problems`], listed under `?`).
    ///
    /// A missing file is the normal case and gives the defaults silently.
    pub fn load(path: &Path) -> (Keymap, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return (Keymap::defaults(), None),
            Err(e) => {
                let mut keymap = Keymap::defaults();
                keymap.problems.push(KeyProblem {
                    line: None,
                    message: format!("could not read {}: {e}", path.display()),
                });
                let warning = format!(
                    "Could not read {}: {e}. Using the default keys.",
                    path.display()
                );
                return (keymap, Some(warning));
            }
        };
        let keymap = Keymap::parse(&text);
        let warning = keymap.problems_summary(path);
        (keymap, warning)
    }

    /// "keys.toml: 2 lines not used (? lists them)", when some were not.
    pub fn problems_summary(&self, path: &Path) -> Option<String> {
        match self.problems.len() {
            0 => None,
            1 => Some(format!(
                "{}: 1 line not used ({}).",
                path.display(),
                self.problems[0]
            )),
            n => Some(format!(
                "{}: {n} lines not used; ? lists them, `epicevents keys --check` too.",
                path.display()
            )),
        }
    }

    /// The lines of the keys file that were not used, in file order.
    pub fn problems(&self) -> &[KeyProblem] {
        &self.problems
    }

    /// Defaults with every usable override in `text` applied; what could not be
    /// used is in [`Keymap::problems`].
    pub fn parse(text: &str) -> Keymap {
        let mut keymap = Keymap::defaults();
        let sections: Sections = match toml::from_str(text) {
            Ok(s) => s,
            Err(e) => {
                keymap.problems.push(KeyProblem {
                    line: e.span().map(|s| line_of(text, s.start)),
                    message: format!(
                        "{}; the whole file is unreadable, so the default keys apply",
                        e.message().trim()
                    ),
                });
                return keymap;
            }
        };
        let mut problems = Vec::new();
        let mut overrides = Vec::new();
        for (section, entries) in &sections {
            let Some(context) = Context::from_name(section) else {
                let known: Vec<&str> = Context::all().iter().map(|c| c.name()).collect();
                problems.push(KeyProblem {
                    line: section_line(text, section),
                    message: format!(
                        "unknown section [{section}] (known: {}); its lines are not used",
                        known.join(", ")
                    ),
                });
                continue;
            };
            for (name, value) in entries {
                let line = line_of(text, value.span().start);
                let problem = |message: String| KeyProblem {
                    line: Some(line),
                    message,
                };
                let Some(action) = Action::from_name(name) else {
                    problems.push(problem(format!(
                        "unknown action \"{name}\" in [{section}] \
                         (`epicevents keys --print-defaults` lists them all)"
                    )));
                    continue;
                };
                match parse_keys(value.get_ref()) {
                    Ok(keys) => overrides.push(Override {
                        line,
                        context,
                        action,
                        keys,
                    }),
                    Err(e) => problems.push(problem(format!("{e} for {name} in [{section}]"))),
                }
            }
        }
        problems.extend(apply_without_conflicts(&mut keymap, &overrides));
        problems.sort_by_key(|p| p.line);
        keymap.problems = problems;
        keymap
    }

    /// Defaults with the overrides in `text` applied, or every problem found, one
    /// per line of the message.
    pub fn from_toml_str(text: &str) -> Result<Keymap, String> {
        let keymap = Keymap::parse(text);
        if keymap.problems.is_empty() {
            Ok(keymap)
        } else {
            let lines: Vec<String> = keymap.problems.iter().map(|p| p.to_string()).collect();
            Err(lines.join("\n"))
        }
    }
}

/// Applies the overrides, then takes back each one whose keys collide with
/// another action where both work (that override's action keeps its default
/// keys), until no collision is left. When two lines want the same key, the
/// later one is refused. The defaults have no collision, so this ends.
fn apply_without_conflicts(keymap: &mut Keymap, overrides: &[Override]) -> Vec<KeyProblem> {
    let defaults = keymap.clone();
    let mut refused = vec![false; overrides.len()];
    let mut problems = Vec::new();
    loop {
        let mut table = defaults.clone();
        for (o, _) in overrides.iter().zip(&refused).filter(|(_, r)| !**r) {
            table.replace(o.context, o.action, &o.keys);
        }
        let active = |c: Context, a: Action| {
            overrides
                .iter()
                .zip(&refused)
                .position(|(o, r)| !*r && o.context == c && o.action == a)
        };
        let mut newly = Vec::new();
        for (i, o) in overrides.iter().enumerate() {
            if refused[i] {
                continue;
            }
            let clash = o.keys.iter().find_map(|k| {
                let other = table.conflict(o.context, o.action, *k)?;
                // Two lines after the same key: the earlier one keeps it.
                match active(other.context, other.action) {
                    Some(j) if overrides[j].line > o.line => None,
                    _ => Some((*k, other)),
                }
            });
            if let Some((key, other)) = clash {
                newly.push((i, key, other));
            }
        }
        if newly.is_empty() {
            *keymap = table;
            return problems;
        }
        for (i, key, other) in newly {
            refused[i] = true;
            let o = &overrides[i];
            let kept: Vec<String> = defaults
                .keys_for(o.context, o.action)
                .iter()
                .map(|k| k.spelling())
                .collect();
            let kept = match kept.len() {
                0 => "it stays unbound".to_string(),
                _ => format!("it keeps \"{}\"", kept.join("\", \"")),
            };
            problems.push(KeyProblem {
                line: Some(o.line),
                message: format!(
                    "{} in [{}] cannot have \"{}\": {} in [{}] has it; {kept}",
                    o.action.name(),
                    o.context.name(),
                    key.spelling(),
                    other.action.name(),
                    other.context.name(),
                ),
            });
        }
    }
}

impl Keymap {
    /// Another action that `key` would also trigger where `context` is live: in
    /// the same context, or in one consulted together with it (a screen, the
    /// tables, everywhere). Modal and text-entry contexts take their keys
    /// first on purpose, so they only collide with themselves.
    pub(super) fn conflict(
        &self,
        context: Context,
        action: Action,
        key: KeyCombo,
    ) -> Option<Binding> {
        let together = context.consulted_with();
        self.bindings
            .iter()
            .find(|b| {
                b.key == key
                    && b.action != action
                    && (b.context == context || together.contains(&b.context))
            })
            .copied()
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

/// The line of the header of `[section]`, when it can be found.
fn section_line(text: &str, section: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with('[') && l.trim_matches(['[', ']', ' ']) == section
        })
        .map(|i| i + 1)
}
