//! The `?` overlay: every key that works on the current screen, grouped by where it
//! applies. It is drawn from [`Keymap::hints`](crate::keymap::Keymap::hints), the same
//! list as the status bar, so help can never describe keys that do something else.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::{centered, display_width};
use crate::keymap::{Hint, KeyProblem};
use crate::ui::Theme;

/// The popup's width, and the room for text inside its border and margins.
const WIDTH: u16 = 56;
const TEXT_WIDTH: usize = WIDTH as usize - 4;

/// `text` in lines of at most `width` columns, broken between words (a word
/// longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = display_width(&line) + usize::from(!line.is_empty()) + display_width(word);
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while display_width(&line) > width {
            let cut: String = line.chars().take(width).collect();
            let rest: String = line.chars().skip(width).collect();
            lines.push(cut);
            line = rest;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The help popup over a list of hints.
#[derive(Debug, Clone)]
pub struct HelpOverlay<'a> {
    hints: &'a [Hint],
    problems: &'a [KeyProblem],
    title: &'a str,
    scroll: u16,
}

impl<'a> HelpOverlay<'a> {
    pub fn new(hints: &'a [Hint]) -> Self {
        HelpOverlay {
            hints,
            problems: &[],
            title: "Keys",
            scroll: 0,
        }
    }

    /// The popup title, e.g. "Keys · Events".
    pub fn title(mut self, title: &'a str) -> Self {
        self.title = title;
        self
    }

    /// Lines of `keys.toml` that were not used: listed in full at the end, so a
    /// mistake in the file stays visible after the start-up message is gone.
    pub fn problems(mut self, problems: &'a [KeyProblem]) -> Self {
        self.problems = problems;
        self
    }

    /// Lines scrolled off the top (clamped when drawing).
    pub fn scroll(mut self, scroll: u16) -> Self {
        self.scroll = scroll;
        self
    }

    /// The largest useful scroll for a popup drawn over `area`, so the caller can
    /// clamp its scroll state.
    pub fn max_scroll(&self, area: Rect) -> u16 {
        let visible = Self::popup(area).height.saturating_sub(2);
        (self.lines(&Theme::monochrome()).len() as u16).saturating_sub(visible)
    }

    fn popup(area: Rect) -> Rect {
        centered(area, WIDTH, area.height.saturating_sub(2))
    }

    /// Section headings followed by `keys  description` rows.
    fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let key_width = self
            .hints
            .iter()
            .map(|h| display_width(&h.keys))
            .max()
            .unwrap_or(0);
        let mut lines = Vec::new();
        let mut section = None;
        for hint in self.hints {
            if section != Some(hint.context) {
                if section.is_some() {
                    lines.push(Line::from(""));
                }
                section = Some(hint.context);
                lines.push(Line::styled(hint.context.title().to_string(), theme.header));
            }
            let pad = key_width.saturating_sub(display_width(&hint.keys));
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(hint.keys.clone(), theme.key_hint),
                Span::raw(" ".repeat(pad + 2)),
                Span::styled(hint.description, theme.base),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::styled("No keys here.", theme.muted));
        }
        if !self.problems.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::styled("keys.toml: lines not used", theme.header));
            for problem in self.problems {
                let text = crate::ui::sanitize::display(&problem.to_string()).into_owned();
                for (i, part) in wrap(&text, TEXT_WIDTH - 4).into_iter().enumerate() {
                    let indent = if i == 0 { "  " } else { "    " };
                    lines.push(Line::styled(format!("{indent}{part}"), theme.warning));
                }
            }
        }
        lines
    }

    /// Draw centred over `area`, clearing what is beneath.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let lines = self.lines(theme);
        let total = lines.len() as u16;
        let popup = centered(area, WIDTH, (total + 2).min(area.height.saturating_sub(2)));
        Clear.render(popup, buf);
        let visible = popup.height.saturating_sub(2);
        let scroll = self.scroll.min(total.saturating_sub(visible));
        let mut block = Block::bordered()
            .border_style(theme.border)
            .style(theme.overlay)
            .title(Span::styled(format!(" {} ", self.title), theme.title));
        if scroll > 0 {
            block = block.title(Line::styled(" ▲ more ", theme.muted).alignment(Alignment::Right));
        }
        if scroll + visible < total {
            block = block
                .title_bottom(Line::styled(" ▼ more ", theme.muted).alignment(Alignment::Right));
        }
        let inner = block.inner(popup);
        block.render(popup, buf);
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .render(inner.inner(ratatui::layout::Margin::new(1, 0)), buf);
    }
}
