//! Reusable pieces of the screens. Each one draws from plain data and a [`Theme`]
//! into a buffer, and owns no I/O: screens fetch, widgets draw.
//!
//! [`Theme`]: crate::ui::Theme

pub mod confirm;
pub mod form;
pub mod help;
pub mod picker;
pub mod status_bar;
pub mod table;
pub mod too_small;

pub use crate::state::confirm::ConfirmDialog;
pub use crate::state::form::{Field, FieldKind, Form, FormInput};
pub use crate::state::picker::{Picker, PickerEvent};
pub use help::HelpOverlay;
pub use status_bar::{StatusBar, Toast, ToastKind};
pub use table::{Column, DataTable, SortDirection};
pub use too_small::{fits, TooSmall, MIN_HEIGHT, MIN_WIDTH};

use ratatui::layout::Rect;
use ratatui::text::Span;

/// Columns a string takes on screen (wide characters count double).
pub fn display_width(text: &str) -> usize {
    Span::raw(text).width()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// `text` cut to at most `width` columns, ending in `…` when something was cut.
/// Control characters are shown as placeholders first ([`crate::ui::sanitize`]),
/// so what is cut is what is seen.
pub fn truncate(text: &str, width: usize) -> String {
    let text = &*crate::ui::sanitize::display(text);
    if display_width(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A `width × height` rectangle centred in `area`, shrunk to fit it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("Kevin Casey", 20), "Kevin Casey");
        assert_eq!(truncate("Kevin Casey", 11), "Kevin Casey");
        assert_eq!(truncate("Kevin Casey", 6), "Kevin…");
        assert_eq!(truncate("Aliénor", 4), "Ali…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("日本語", 4), "日…");
    }

    #[test]
    fn centering_fits_inside() {
        let area = Rect::new(0, 0, 80, 24);
        assert_eq!(centered(area, 40, 10), Rect::new(20, 7, 40, 10));
        assert_eq!(
            centered(Rect::new(2, 1, 10, 5), 40, 10),
            Rect::new(2, 1, 10, 5)
        );
    }
}
