//! A key as the keymap sees it: a code plus the modifiers that matter.
//!
//! Terminals disagree about modifiers: `G` may arrive as `Char('G')` with or without
//! SHIFT, `Shift-Tab` as `BackTab` with or without SHIFT. [`KeyCombo::from_event`]
//! normalises those so one table entry matches them all, and [`KeyCombo::parse`] /
//! `Display` give the spelling used in `keys.toml` and in the hints.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key code and its (normalised) modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyCombo {
    /// A combo, normalised the same way incoming events are.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        // The character already carries the case, and BackTab already means Shift-Tab.
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        KeyCombo { code, modifiers }
    }

    /// An unmodified key (`Enter`, `PgUp`, …).
    pub const fn plain(code: KeyCode) -> Self {
        KeyCombo {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    /// A printable character typed on its own (`j`, `G`, `?`).
    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// `Ctrl` plus a character (`Ctrl-S`).
    pub const fn ctrl(c: char) -> Self {
        KeyCombo {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// The combo a terminal key event stands for.
    pub fn from_event(event: &KeyEvent) -> Self {
        Self::new(event.code, event.modifiers)
    }

    /// Whether a text field would consume this key as editing (typing, deleting,
    /// moving within the text) rather than as a command.
    pub fn edits_text(&self) -> bool {
        let commandish = self
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        !commandish
            && matches!(
                self.code,
                KeyCode::Char(_)
                    | KeyCode::Backspace
                    | KeyCode::Delete
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Home
                    | KeyCode::End
            )
    }

    /// Parse the `keys.toml` spelling: `w`, `G`, `?`, `ctrl-w`, `alt-x`, `shift-tab`,
    /// `enter`, `esc`, `space`, `pgdn`, `f5`… Names are case-insensitive; a single
    /// character is taken literally (so `g` and `G` differ).
    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty key".to_string());
        }
        let (mods, key) = split_modifiers(text);
        let mut modifiers = KeyModifiers::NONE;
        for m in mods {
            modifiers |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier \"{m}\" in \"{text}\"")),
            };
        }
        let code = parse_code(key).ok_or_else(|| format!("unknown key \"{text}\""))?;
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            other => other,
        };
        Ok(KeyCombo::new(code, modifiers))
    }
}

impl KeyCombo {
    /// The `keys.toml` spelling, which [`KeyCombo::parse`] reads back:
    /// `j`, `G`, `ctrl-s`, `shift-tab`, `pgdn`, `space`.
    pub fn spelling(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            out.push_str("shift-");
        }
        let name = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Up => "up".into(),
            KeyCode::Down => "down".into(),
            KeyCode::Left => "left".into(),
            KeyCode::Right => "right".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Delete => "del".into(),
            KeyCode::Insert => "ins".into(),
            KeyCode::F(n) => format!("f{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        out.push_str(&name);
        out
    }
}

/// Split `ctrl-alt-x` into (["ctrl", "alt"], "x"); a trailing `-` is the minus key.
fn split_modifiers(text: &str) -> (Vec<&str>, &str) {
    if text == "-" {
        return (Vec::new(), text);
    }
    if let Some(head) = text.strip_suffix("--") {
        return (head.split('-').collect(), "-");
    }
    match text.rsplit_once('-') {
        Some((head, key)) if !key.is_empty() => (head.split('-').collect(), key),
        _ => (Vec::new(), text),
    }
}

fn parse_code(key: &str) -> Option<KeyCode> {
    let mut chars = key.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = key.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "ins" | "insert" => KeyCode::Insert,
        "minus" => KeyCode::Char('-'),
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            if (1..=24).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
    };
    Some(code)
}

impl fmt::Display for KeyCombo {
    /// The spelling shown in hints: `j`, `↓`, `Ctrl-S`, `Shift-Tab`, `PgUp`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}
