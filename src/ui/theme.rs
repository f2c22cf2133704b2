//! Named styles, so widgets say *what* something is (an error, a hint) and the theme
//! decides how it looks.
//!
//! [`Theme::monochrome`] uses text modifiers only (bold, reversed, underlined, dim),
//! never a colour, for `NO_COLOR` users and for terminals where colours are unreadable.
//! Everything still has to be distinguishable there: the selected row is reversed, an
//! error is bold, a focused field underlined.

use ratatui::style::{Color, Modifier, Style};

/// The styles every screen and widget draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Ordinary text and the background of the whole screen.
    pub base: Style,
    /// Table header row.
    pub header: Style,
    /// The selected table row or list item.
    pub selected: Style,
    /// Titles of boxes and popups.
    pub title: Style,
    /// Box borders.
    pub border: Style,
    /// Secondary text: hints, placeholders, empty states.
    pub muted: Style,
    pub error: Style,
    pub success: Style,
    pub warning: Style,
    /// The key part of a key hint (`j/↓` in `j/↓ down`).
    pub key_hint: Style,
    pub field_label: Style,
    /// The input area of the focused form field.
    pub field_focused: Style,
    /// The message under a field that failed validation.
    pub field_error: Style,
    /// Popups drawn over the screen (help, confirm, picker).
    pub overlay: Style,
    /// True for the colourless theme, for widgets that need an extra visual cue.
    pub monochrome: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::colored()
    }
}

impl Theme {
    /// The normal theme. Only the 16 basic colours, so it follows the user's palette.
    pub fn colored() -> Theme {
        let bold = Modifier::BOLD;
        Theme {
            base: Style::new(),
            header: Style::new().fg(Color::Cyan).add_modifier(bold),
            selected: Style::new().fg(Color::Black).bg(Color::Cyan),
            title: Style::new().fg(Color::Cyan).add_modifier(bold),
            border: Style::new().fg(Color::DarkGray),
            muted: Style::new().fg(Color::DarkGray),
            error: Style::new().fg(Color::Red).add_modifier(bold),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            key_hint: Style::new().fg(Color::Cyan).add_modifier(bold),
            field_label: Style::new(),
            field_focused: Style::new().bg(Color::DarkGray),
            field_error: Style::new().fg(Color::Red),
            overlay: Style::new(),
            monochrome: false,
        }
    }

    /// No colours at all: bold, reversed, underlined and dim only.
    pub fn monochrome() -> Theme {
        let m = |modifier: Modifier| Style::new().add_modifier(modifier);
        Theme {
            base: Style::new(),
            header: m(Modifier::BOLD | Modifier::UNDERLINED),
            selected: m(Modifier::REVERSED),
            title: m(Modifier::BOLD),
            border: Style::new(),
            muted: m(Modifier::DIM),
            error: m(Modifier::BOLD),
            success: m(Modifier::BOLD),
            warning: m(Modifier::BOLD),
            key_hint: m(Modifier::BOLD),
            field_label: Style::new(),
            field_focused: m(Modifier::UNDERLINED),
            field_error: m(Modifier::BOLD),
            overlay: Style::new(),
            monochrome: true,
        }
    }

    /// Monochrome when `NO_COLOR` is set to anything non-empty (<https://no-color.org>).
    pub fn from_env() -> Theme {
        Theme::for_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// [`from_env`](Self::from_env) with the variable's value given, for testing.
    pub fn for_no_color(no_color: Option<&std::ffi::OsStr>) -> Theme {
        match no_color {
            Some(value) if !value.is_empty() => Theme::monochrome(),
            _ => Theme::colored(),
        }
    }

    /// All named styles, for checks such as "the monochrome theme has no colour".
    pub fn styles(&self) -> [Style; 14] {
        [
            self.base,
            self.header,
            self.selected,
            self.title,
            self.border,
            self.muted,
            self.error,
            self.success,
            self.warning,
            self.key_hint,
            self.field_label,
            self.field_focused,
            self.field_error,
            self.overlay,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_picks_monochrome_only_when_non_empty() {
        assert!(Theme::for_no_color(Some(OsStr::new("1"))).monochrome);
        assert!(!Theme::for_no_color(Some(OsStr::new(""))).monochrome);
        assert!(!Theme::for_no_color(None).monochrome);
    }

    #[test]
    fn monochrome_has_no_colour() {
        for style in Theme::monochrome().styles() {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
    }
}
