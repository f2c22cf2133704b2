//! Drawing a [`Picker`]: a popup list over the screen, the typed query on top.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::{centered, truncate};
use crate::state::picker::Picker;
use crate::ui::Theme;

impl Picker {
    /// Highlights the item with this id, if listed (a picker opens on the
    /// current value: the support already assigned, the client already set).
    pub fn preselect(&mut self, id: i64) {
        if let Some(i) = self.matches.iter().position(|&i| self.items[i].0 == id) {
            self.selected = i;
        }
    }

    /// Draw centred over `area`, clearing what is beneath.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let width = area.width.saturating_sub(8).min(50);
        let height = (self.items.len() as u16 + 4).clamp(6, area.height.saturating_sub(4).max(6));
        let popup = centered(area, width, height);
        Clear.render(popup, buf);
        let count = format!(" {}/{} ", self.matches.len(), self.items.len());
        let block = Block::bordered()
            .border_style(theme.border)
            .style(theme.overlay)
            .title(Span::styled(format!(" {} ", self.title), theme.title))
            .title_bottom(Line::styled(count, theme.muted).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        if inner.height < 2 {
            return;
        }
        let w = usize::from(inner.width);

        let prompt = Line::from(vec![
            Span::styled("› ", theme.key_hint),
            Span::styled(
                crate::ui::sanitize::display(&self.query).into_owned(),
                theme.base,
            ),
            Span::styled("█", theme.base),
        ]);
        buf.set_line(inner.x, inner.y, &prompt, inner.width);

        let list = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
        if self.matches.is_empty() {
            buf.set_stringn(
                list.x + 2,
                list.y,
                "No match.",
                w.saturating_sub(2),
                theme.muted,
            );
            return;
        }
        let rows = usize::from(list.height);
        let first = self.selected.saturating_sub(rows.saturating_sub(1));
        for (row, &item) in self.matches.iter().enumerate().skip(first).take(rows) {
            let y = list.y + (row - first) as u16;
            let on = row == self.selected;
            let (marker, style) = if on {
                ("▸ ", theme.selected)
            } else {
                ("  ", theme.base)
            };
            buf.set_style(Rect::new(list.x, y, list.width, 1), style);
            let label = truncate(&self.items[item].1, w.saturating_sub(2));
            buf.set_stringn(list.x, y, format!("{marker}{label}"), w, style);
        }
    }
}
