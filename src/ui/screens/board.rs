//! A board screen (the dashboard): its sections stacked, each in a frame whose
//! title gives its count and the key to its full list. Every section gets at
//! least one row; the lines left over go to the sections with more to show.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Paragraph, Row, StatefulWidget, Table, TableState, Widget,
};

use crate::state::board::Section;
use crate::state::BoardState;
use crate::ui::sanitize::display;
use crate::ui::view::View;
use crate::ui::widgets::{display_width, truncate};

const HIGHLIGHT_SYMBOL: &str = "▸ ";

pub(super) fn render(view: &View<'_>, board: &BoardState, area: Rect, buf: &mut Buffer) {
    let theme = view.theme;
    let sections = &board.data.sections;
    if sections.is_empty() {
        let text = if board.loaded {
            "Nothing to show."
        } else if board.loading || board.dirty {
            "Loading…"
        } else {
            "Could not read this screen; r tries again."
        };
        Paragraph::new(Line::styled(text, theme.muted))
            .block(Block::bordered().border_style(theme.border))
            .style(theme.base)
            .render(area, buf);
        return;
    }
    let heights = heights(sections, area.height);
    let areas = Layout::vertical(heights.iter().map(|h| Constraint::Length(*h))).split(area);
    let selected = board.selected_at();
    for (i, (s, r)) in sections.iter().zip(areas.iter()).enumerate() {
        let row = selected.filter(|(si, _)| *si == i).map(|(_, r)| r);
        let keys = view
            .section_keys
            .iter()
            .find(|(n, _)| *n == s.number)
            .map(|(_, k)| k.as_str());
        render_section(view, s, row, keys, *r, buf);
    }
}

/// Lines per section: a frame and one row each if there is room, then one more
/// line at a time to each section that has rows left, in order.
fn heights(sections: &[Section], total: u16) -> Vec<u16> {
    let want: Vec<u16> = sections
        .iter()
        .map(|s| u16::try_from(s.rows.len().max(1)).unwrap_or(u16::MAX))
        .collect();
    let mut h: Vec<u16> = vec![0; sections.len()];
    let mut left = total;
    for x in h.iter_mut() {
        let take = left.min(3);
        *x = take;
        left -= take;
    }
    loop {
        let mut grew = false;
        for (x, w) in h.iter_mut().zip(&want) {
            if left > 0 && *x >= 3 && *x - 2 < *w {
                *x += 1;
                left -= 1;
                grew = true;
            }
        }
        if !grew || left == 0 {
            break;
        }
    }
    h
}

fn render_section(
    view: &View<'_>,
    s: &Section,
    selected: Option<usize>,
    keys: Option<&str>,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    let theme = view.theme;
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                truncate(
                    &format!("{} · {}", display(&s.title), s.count),
                    usize::from(area.width.saturating_sub(16))
                )
            ),
            theme.title,
        ))
        .style(theme.base);
    if let Some(k) = keys {
        block = block.title(
            Line::from(vec![
                Span::styled(format!(" {k} "), theme.key_hint),
                Span::styled("full list ", theme.muted),
            ])
            .right_aligned(),
        );
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    if s.rows.is_empty() {
        Paragraph::new(Line::styled(display(&s.empty).into_owned(), theme.muted))
            .render(inner, buf);
        return;
    }
    let widths = column_widths(&s.widths, inner.width);
    let rows = s.rows.iter().map(|r| {
        Row::new(r.cells.iter().enumerate().map(|(i, c)| {
            let w = widths.get(i).copied().unwrap_or(0);
            Cell::from(truncate(&display(c), w))
        }))
    });
    let table = Table::new(rows, s.widths.iter().copied())
        .style(theme.base)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT_SYMBOL)
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(selected);
    StatefulWidget::render(table, inner, buf, &mut state);
}

/// Column widths as ratatui's `Table` lays them out, to cut cells to fit.
fn column_widths(widths: &[Constraint], width: u16) -> Vec<usize> {
    let symbol = display_width(HIGHLIGHT_SYMBOL) as u16;
    let area = Rect::new(0, 0, width.saturating_sub(symbol), 1);
    Layout::horizontal(widths.iter().copied())
        .spacing(1)
        .split(area)
        .iter()
        .map(|r| usize::from(r.width))
        .collect()
}
