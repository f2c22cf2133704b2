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

/// How much a hint matters on the status bar, most first.
enum Rank {
    /// What this screen or record is for: new, edit, sign, payment, assign…
    Main,
    /// The screen's own filters.
    Filter,
    /// `?`, which lists everything else.
    Help,
    /// Keys every table or record has (open, back, sort, filter, reload…).
    Common,
    /// Keys that work everywhere (quit, screens, lock).
    Everywhere,
}

fn rank(hint: &Hint) -> u8 {
    use crate::keymap::Context as C;
    let r = match (hint.context, hint.action) {
        (_, Action::Help) => Rank::Help,
        (C::Global, _) => Rank::Everywhere,
        // In a dialog, form, picker or on the filter line, every key is its own.
        (C::Form | C::Confirm | C::Picker | C::FilterInput | C::Login, _) => Rank::Main,
        (
            _,
            Action::OnlyMine
            | Action::NotSigned
            | Action::BalanceDue
            | Action::WithoutSupport
            | Action::AssignedToMe
            | Action::TimeWindow,
        ) => Rank::Filter,
        (
            _,
            Action::New
            | Action::Edit
            | Action::Sign
            | Action::RecordPayment
            | Action::CorrectPayment
            | Action::AssignSupport
            | Action::Reassign
            | Action::ToggleActive
            | Action::ResetPassword
            | Action::MarkRead
            | Action::MarkAllRead
            | Action::History
            | Action::Restore,
        ) => Rank::Main,
        _ => Rank::Common,
    };
    r as u8
}

/// A hint's description in fewer words, for a crowded status bar (`?` has the
/// full ones).
fn short_words(hint: &Hint) -> &'static str {
    match hint.action {
        Action::AssignSupport => "assign",
        Action::WithoutSupport => "no support",
        Action::TimeWindow => "when",
        Action::AssignedToMe => "mine",
        Action::NotSigned => "unsigned",
        Action::BalanceDue => "due",
        Action::RecordPayment => "pay",
        Action::CorrectPayment => "refund",
        Action::Reassign => "reassign",
        Action::ToggleActive => "active",
        Action::ResetPassword => "reset",
        Action::MarkAllRead => "all read",
        Action::MarkRead => "read",
        _ => hint.description,
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
    ///
    /// When the screen's main actions and filters do not all fit, the role
    /// goes, then their words get shorter ("a assign", "u no support"): at 80
    /// columns every role still sees what its screens are for.
    fn status_line(&self, width: usize, theme: &Theme) -> Line<'static> {
        let mut best: Option<(Line<'static>, usize)> = None;
        for (short, role) in [(false, true), (false, false), (true, false)] {
            let (line, shown, complete) = self.layout(width, theme, short, role);
            if complete {
                return line;
            }
            // A compromise only where it shows more of them.
            if best.as_ref().is_none_or(|(_, n)| shown > *n) {
                best = Some((line, shown));
            }
        }
        best.map(|(line, _)| line).unwrap_or_default()
    }

    /// One try at the status line: the line, how many main action and filter
    /// keys it shows, and whether that is all of them.
    fn layout(
        &self,
        width: usize,
        theme: &Theme,
        short: bool,
        role: bool,
    ) -> (Line<'static>, usize, bool) {
        let mut spans: Vec<Span<'static>> = vec![Span::raw(" ")];
        let mut used = 1;
        let mut push = |spans: &mut Vec<Span<'static>>, text: String, style: Style| {
            let room = width.saturating_sub(used);
            let text = truncate(&text, room);
            used += display_width(&text);
            spans.push(Span::styled(text, style));
        };
        if let Some((name, r)) = self.user {
            push(&mut spans, name.to_string(), theme.title);
            if role {
                push(&mut spans, format!(" · {r}"), theme.muted);
            }
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
        // The screen's own actions first, then `?` (the way to every other key),
        // then the keys `?` lists anyway; whole hints only, as many as fit: half a
        // hint is worse than none. Room for `?` is kept while the main actions are
        // placed, so it is dropped last.
        let mut ranked: Vec<&Hint> = self.hints.iter().collect();
        ranked.sort_by_key(|h| rank(h));
        let words = |h: &Hint| if short { short_words(h) } else { h.description };
        let width_of = |h: &Hint| display_width(&h.keys) + 1 + display_width(words(h)) + 2;
        let help_width = ranked
            .iter()
            .find(|h| h.action == Action::Help)
            .map_or(0, |h| width_of(h));
        let mut complete = true;
        let mut shown = 0;
        for hint in ranked {
            // The tabs already show each screen's number.
            if matches!(hint.action, Action::GoScreen(_)) {
                continue;
            }
            let needed = width_of(hint);
            let essential = rank(hint) < Rank::Help as u8;
            let reserve = if essential { help_width } else { 0 };
            // The last hint's two trailing spaces may fall off the edge.
            if used + needed + reserve > width + 2 {
                complete &= !essential;
                continue;
            }
            spans.push(Span::styled(hint.keys.clone(), theme.key_hint));
            spans.push(Span::styled(format!(" {}  ", words(hint)), theme.muted));
            used += needed;
            shown += usize::from(essential);
        }
        (Line::from(spans), shown, complete)
    }
}
