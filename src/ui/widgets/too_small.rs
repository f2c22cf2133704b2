//! Below 80×24 the screens cannot lay out their tables and forms, so instead of a
//! garbled screen the user gets a plain message saying what is needed. It updates
//! as the terminal is resized.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::centered;
use crate::ui::Theme;

/// Smallest terminal the screens are designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Whether `area` is big enough for the normal screens.
pub fn fits(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// The "terminal too small" message for a terminal of `area`'s size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooSmall;

impl TooSmall {
    /// Draw the message centred in `area` (the whole terminal).
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        buf.set_style(area, theme.base);
        let lines = vec![
            Line::styled("Terminal too small", theme.warning),
            Line::from(format!(
                "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
                area.width, area.height
            )),
            Line::styled("Enlarge the window to continue.", theme.muted),
        ];
        let box_area = centered(area, area.width, 3);
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .render(box_area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_fits() {
        assert!(fits(Rect::new(0, 0, 80, 24)));
        assert!(!fits(Rect::new(0, 0, 79, 24)));
        assert!(!fits(Rect::new(0, 0, 120, 23)));
    }
}
