//! Drawing a [`Form`]: labels on the left, inputs on the right, the hint or error
//! under each input, scrolled so the focused field is always on screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::state::form::{Field, FieldKind, Form};
use crate::ui::widgets::{display_width, truncate};
use crate::ui::Theme;

/// Labels never take more than this share of the width (1/3).
const LABEL_SHARE: u16 = 3;

impl Form {
    /// Draw the form into `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let offset = self.scroll_offset(area.height.saturating_sub(2));
        let total = self.content_height();
        let mut block = Block::bordered()
            .border_style(theme.border)
            .title(Span::styled(format!(" {} ", self.title), theme.title));
        // One column of air between the border and the labels.
        let inner = block.inner(area).inner(Margin::new(1, 0));
        if offset > 0 {
            block = block.title(Line::styled(" ▲ more ", theme.muted).alignment(Alignment::Right));
        }
        if total > offset + inner.height {
            block = block
                .title_bottom(Line::styled(" ▼ more ", theme.muted).alignment(Alignment::Right));
        }
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }

        let widest = self.fields.iter().map(label_width).max().unwrap_or(0);
        let label_w = (widest as u16 + 2).min(inner.width / LABEL_SHARE).max(1);
        let input_x = inner.x + label_w;
        let input_w = inner.width.saturating_sub(label_w + 1);

        let mut y: u16 = 0; // content row of the current field's top
        for (i, field) in self.fields.iter().enumerate() {
            let height = field.height();
            let top = y;
            y += height;
            if top < offset {
                continue;
            }
            let row = inner.y + (top - offset);
            if row >= inner.bottom() {
                break;
            }
            let room = inner.bottom() - row;
            let focused = self.focus == Some(i);

            let label_style = if focused {
                theme.title
            } else {
                theme.field_label
            };
            let label = truncate(&label_text(field), usize::from(label_w.saturating_sub(1)));
            buf.set_stringn(inner.x, row, label, usize::from(label_w), label_style);

            let input_h = (height - u16::from(has_note(field))).min(room);
            let input_area = Rect::new(input_x, row, input_w, input_h);
            render_input(field, focused, input_area, buf, theme);

            if has_note(field) && input_h < room {
                let (text, style) = match (&field.error, &field.hint) {
                    (Some(error), _) => (format!("✗ {error}"), theme.field_error),
                    (None, Some(hint)) => (hint.clone(), theme.muted),
                    (None, None) => (String::new(), theme.muted),
                };
                let text = truncate(&text, usize::from(input_w));
                buf.set_stringn(input_x, row + input_h, text, usize::from(input_w), style);
            }
        }
    }

    /// First content row shown: 0 unless the focused field would fall below the
    /// visible height, in which case just enough to bring it fully into view.
    fn scroll_offset(&self, visible: u16) -> u16 {
        let Some(focus) = self.focus else { return 0 };
        let top: u16 = self.fields[..focus].iter().map(Field::height).sum();
        let bottom = top + self.fields[focus].height();
        if bottom > visible {
            (bottom - visible).min(top)
        } else {
            0
        }
    }
}

fn has_note(field: &Field) -> bool {
    field.hint.is_some() || field.error.is_some()
}

fn label_text(field: &Field) -> String {
    if field.required {
        format!("{} *", field.label)
    } else {
        field.label.clone()
    }
}

fn label_width(field: &Field) -> usize {
    display_width(&label_text(field))
}

fn render_input(field: &Field, focused: bool, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let style = if focused {
        theme.field_focused
    } else {
        theme.base
    };
    buf.set_style(area, style);
    match field.kind {
        FieldKind::Picker => {
            let (text, text_style) = match &field.choice {
                Some((_, label)) => (label.clone(), style),
                None if focused => ("Enter: choose…".to_string(), style.patch(theme.muted)),
                None => ("—".to_string(), style.patch(theme.muted)),
            };
            let width = usize::from(area.width.saturating_sub(2));
            buf.set_stringn(area.x, area.y, truncate(&text, width), width, text_style);
            if area.width >= 2 {
                buf.set_stringn(area.right() - 1, area.y, "▾", 1, style);
            }
        }
        _ => {
            (&field.text).render(area, buf);
            if field.read_only {
                buf.set_style(area, theme.muted);
            }
        }
    }
}
