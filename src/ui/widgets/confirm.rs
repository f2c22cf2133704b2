//! Drawing a [`ConfirmDialog`]: centred, its answers as buttons.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::{centered, display_width};
use crate::state::confirm::ConfirmDialog;
use crate::ui::Theme;

impl ConfirmDialog {
    /// Draw centred over `area` (the whole screen), clearing what is beneath.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let buttons = self.buttons(theme);
        let text_width = display_width(&self.message).max(buttons.width()) as u16;
        let width = (text_width + 6).clamp(30, 60);
        let inner_width = width.saturating_sub(4).max(1);
        let message_lines = (display_width(&self.message) as u16)
            .div_ceil(inner_width)
            .max(1);
        let height = message_lines + 5;
        let popup = centered(area, width, height);

        Clear.render(popup, buf);
        let block = Block::bordered()
            .border_style(theme.border)
            .style(theme.overlay)
            .title(Span::styled(format!(" {} ", self.title), theme.title));
        let inner = block.inner(popup).inner(ratatui::layout::Margin::new(1, 0));
        block.render(popup, buf);

        let lines = vec![
            Line::from(""),
            Line::from(crate::ui::sanitize::display(&self.message)),
        ];
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
        if inner.height > 0 {
            let row = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
            Paragraph::new(buttons)
                .alignment(Alignment::Center)
                .render(row, buf);
        }
    }

    /// `[ Yes ]   [ No ]`, the highlighted one in the selected style and marked with
    /// `>` `<` so it shows without colour too.
    fn buttons(&self, theme: &Theme) -> Line<'static> {
        let button = |label: &str, on: bool| {
            if on {
                Span::styled(format!(">{label}<"), theme.selected)
            } else {
                Span::styled(format!(" {label} "), theme.base)
            }
        };
        Line::from(vec![
            Span::raw("["),
            button(&self.yes_label, self.yes_selected),
            Span::raw("]   ["),
            button(&self.no_label, !self.yes_selected),
            Span::raw("]"),
        ])
    }
}
