//! A record's detail view: every field, then its related records. The fields
//! scroll (long notes do not push the rest off screen); a value too long for
//! its line wraps under itself, not under the labels.

use crate::ui::sanitize::display;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::state::DetailState;
use crate::ui::widgets::{display_width, truncate, StatusBar};
use crate::ui::Theme;

/// The label column's widest.
const LABEL_MAX: usize = 22;

/// `text` cut into lines of at most `width` columns, at spaces where it can
/// (a word longer than a line is cut where it must).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = display_width(word);
        let gap = usize::from(!line.is_empty());
        if used + gap + w <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = display_width(c.encode_utf8(&mut [0u8; 4]));
            if used + cw > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    out.push(line);
    out
}

/// Where the fields go in a detail view drawn over `body`: their rows and the
/// related list's height.
fn areas(d: &DetailState, body: Rect) -> (Rect, Rect) {
    let inner = Block::bordered().inner(body);
    let related_h = if d.related.is_empty() {
        0
    } else {
        (d.related.len() as u16 + 2).min(inner.height / 2)
    };
    let [fields, related] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(related_h)]).areas(inner);
    (fields, related)
}

fn label_width(d: &DetailState) -> usize {
    d.lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX)
}

/// Every field line as drawn `width` columns wide: (label cell, value piece).
/// Continuation lines have an empty label cell, so they start under the value.
pub fn field_lines(d: &DetailState, width: u16) -> Vec<(String, String)> {
    let label_w = label_width(d);
    let room = usize::from(width).saturating_sub(label_w + 3).max(8);
    let mut out = Vec::new();
    for (l, v) in &d.lines {
        let label = format!(" {:>label_w$}  ", truncate(l, label_w));
        for (i, piece) in wrap(&display(v), room).into_iter().enumerate() {
            let cell = if i == 0 {
                label.clone()
            } else {
                " ".repeat(label_w + 3)
            };
            out.push((cell, piece));
        }
    }
    out
}

/// The body under the tabs and above the status bar, for a terminal of `size`.
fn body(size: (u16, u16)) -> Rect {
    Rect::new(0, 1, size.0, size.1.saturating_sub(1 + StatusBar::HEIGHT))
}

/// The fields' rows on screen and how far they scroll, for a terminal of
/// `size` (the key handler pages and stops with these).
pub fn scroll_room(d: &DetailState, size: (u16, u16)) -> (u16, u16) {
    let (fields, _) = areas(d, body(size));
    let total = field_lines(d, fields.width).len();
    let max = u16::try_from(total.saturating_sub(usize::from(fields.height))).unwrap_or(u16::MAX);
    (fields.height, max)
}

pub(super) fn render(theme: &Theme, d: &DetailState, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let title = if d.archived {
        format!(" {} · archived, read-only ", display(&d.title))
    } else {
        format!(" {} ", display(&d.title))
    };
    let all = field_lines(d, areas(d, area).0.width);
    let (fields, related) = areas(d, area);
    let max = all.len().saturating_sub(usize::from(fields.height));
    let scroll = usize::from(d.scroll).min(max);
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    if max > 0 {
        let more = match (scroll > 0, scroll < max) {
            (true, true) => " ↑↓ more (j/k) ",
            (false, _) => " ↓ more (j) ",
            (true, false) => " ↑ more (k) ",
        };
        block = block.title_bottom(Line::from(Span::styled(more, theme.muted)).right_aligned());
    }
    block.render(area, buf);
    let lines: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(usize::from(fields.height))
        .map(|(l, v)| {
            Line::from(vec![
                Span::styled(l, theme.field_label),
                Span::styled(v, theme.base),
            ])
        })
        .collect();
    Paragraph::new(lines).render(fields, buf);
    if related.height > 0 {
        let block = Block::bordered()
            .border_style(theme.border)
            .title(Span::styled(" Related (Enter opens) ", theme.header));
        let inner = block.inner(related);
        block.render(related, buf);
        let visible = usize::from(inner.height);
        let start = d.selected.saturating_sub(visible.saturating_sub(1));
        let lines: Vec<Line> = d
            .related
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .map(|(i, (_, _, label))| {
                let text = truncate(label, usize::from(inner.width.saturating_sub(2)));
                if i == d.selected {
                    Line::from(Span::styled(format!("▸ {text}"), theme.selected))
                } else {
                    Line::from(Span::styled(format!("  {text}"), theme.base))
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_cuts_long_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }
}
