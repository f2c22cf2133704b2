//! A record's detail view: every field, then its related records.

use crate::ui::sanitize::display;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::state::DetailState;
use crate::ui::widgets::truncate;
use crate::ui::Theme;

pub(super) fn render(theme: &Theme, d: &DetailState, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let title = if d.archived {
        format!(" {} · archived ", display(&d.title))
    } else {
        format!(" {} ", display(&d.title))
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    let inner = block.inner(area);
    block.render(area, buf);
    let related_h = if d.related.is_empty() {
        0
    } else {
        (d.related.len() as u16 + 2).min(inner.height / 2)
    };
    let [fields, related] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(related_h)]).areas(inner);
    let label_w = d
        .lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(22);
    let lines: Vec<Line> = d
        .lines
        .iter()
        .map(|(l, v)| {
            Line::from(vec![
                Span::styled(format!(" {l:>label_w$}  "), theme.field_label),
                Span::styled(display(v).into_owned(), theme.base),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(fields, buf);
    if related_h > 0 {
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
