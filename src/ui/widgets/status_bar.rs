//! The bottom of every screen: who is logged in, unread notifications, the active
//! filters and the keys that work here — plus a line for the last message ("Contract
//! signed.", "Changed by someone else: reloaded.").
//!
//! The toast's lifetime is the caller's business (it owns the clock); this only draws
//! whatever toast it is given.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{display_width, truncate};
use crate::action::Action;
use crate::keymap::Hint;
pub use crate::state::toast::{Toast, ToastKind};
use crate::ui::Theme;

/// The mark and style of a message.
fn look(toast: &Toast, theme: &Theme) -> (&'static str, Style) {
    match toast.kind {
        ToastKind::Info => ("· ", theme.base),
        ToastKind::Success => ("✓ ", theme.success),
        ToastKind::Warning => ("! ", theme.warning),
        ToastKind::Error => ("✗ ", theme.error),
    }
}

/// The status bar's content, borrowed from app state.
#[derive(Debug, Clone, Default)]
pub struct StatusBar<'a> {
    user: Option<(&'a str, &'a str)>,
    unread: u32,
    filters: &'a [String],
    hints: &'a [Hint],
    toast: Option<&'a Toast>,
}

impl<'a> StatusBar<'a> {
    /// Rows the status bar wants: the message line and the status line.
    pub const HEIGHT: u16 = 2;

    pub fn new() -> Self {
        StatusBar::default()
    }

    /// The logged-in collaborator's name and role.
    pub fn user(mut self, name: &'a str, role: &'a str) -> Self {
        self.user = Some((name, role));
        self
    }

    /// Unread notifications, shown as `✉ 3` when there are any.
    pub fn unread(mut self, unread: u32) -> Self {
        self.unread = unread;
        self
    }

    /// Descriptions of the active filters (`without support`, `"kate"`).
    pub fn filters(mut self, filters: &'a [String]) -> Self {
        self.filters = filters;
        self
    }

    /// Keys that work here, most useful first; as many as fit are shown.
    pub fn hints(mut self, hints: &'a [Hint]) -> Self {
        self.hints = hints;
        self
    }

    pub fn toast(mut self, toast: Option<&'a Toast>) -> Self {
        self.toast = toast;
        self
    }

    /// Draw into `area`: with two rows, the message above the status line; with one,
    /// a message replaces the status line while it lasts.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.is_empty() {
            return;
        }
        let status_row = area.bottom() - 1;
        let width = usize::from(area.width);
        match (self.toast, area.height) {
            (Some(toast), 1) => self.render_toast(toast, area.x, status_row, width, buf, theme),
            (toast, _) => {
                if let Some(toast) = toast {
                    self.render_toast(toast, area.x, status_row - 1, width, buf, theme);
                }
                let line = self.status_line(width, theme);
                buf.set_line(area.x, status_row, &line, area.width);
            }
        }
    }

    fn render_toast(
        &self,
        toast: &Toast,
        x: u16,
        y: u16,
        width: usize,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let (icon, style) = look(toast, theme);
        let text = truncate(&format!(" {icon}{}", toast.message), width);
        buf.set_stringn(x, y, text, width, style);
    }

    /// `name · role │ ✉ 3 │ filters │ key hints…`, cut to `width`.
    fn status_line(&self, width: usize, theme: &Theme) -> Line<'static> {
        let mut spans: Vec<Span<'static>> = vec![Span::raw(" ")];
        let mut used = 1;
        let mut push = |spans: &mut Vec<Span<'static>>, text: String, style: Style| {
            let room = width.saturating_sub(used);
            let text = truncate(&text, room);
            used += display_width(&text);
            spans.push(Span::styled(text, style));
        };
        if let Some((name, role)) = self.user {
            push(&mut spans, name.to_string(), theme.title);
            push(&mut spans, format!(" · {role}"), theme.muted);
            push(&mut spans, " │ ".into(), theme.border);
        }
        if self.unread > 0 {
            push(&mut spans, format!("✉ {}", self.unread), theme.warning);
            push(&mut spans, " │ ".into(), theme.border);
        }
        if !self.filters.is_empty() {
            push(&mut spans, self.filters.join(", "), theme.success);
            push(&mut spans, " │ ".into(), theme.border);
        }
        // Help first, so the way to every other key is always on screen; then whole
        // hints only, as many as fit: half a hint is worse than none.
        let help = self.hints.iter().filter(|h| h.action == Action::Help);
        let others = self.hints.iter().filter(|h| h.action != Action::Help);
        for hint in help.chain(others) {
            let needed = display_width(&hint.keys) + 1 + display_width(hint.description) + 2;
            if used + needed > width {
                break;
            }
            spans.push(Span::styled(hint.keys.clone(), theme.key_hint));
            spans.push(Span::styled(
                format!(" {}  ", hint.description),
                theme.muted,
            ));
            used += needed;
        }
        Line::from(spans)
    }
}
