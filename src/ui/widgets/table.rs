//! The list view of every screen: a bordered table with a title, a sorted header and
//! one page of rows.
//!
//! The caller pages from the database and passes only the rows that are visible
//! ([`DataTable::visible_rows`] says how many fit), so drawing never touches more than
//! a screenful whatever the table size. Cells are cut with `…` to their column, so the
//! table stays readable at 80 columns.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Paragraph, Row, StatefulWidget, Table, TableState, Widget,
};

use super::truncate;
use crate::ui::Theme;

/// Marks the selected row in addition to its style (visible without colour).
const HIGHLIGHT_SYMBOL: &str = "▸ ";

/// Sort order of the sorted column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDirection {
    Ascending,
    Descending,
}

impl SortDirection {
    /// The other direction (the `O` key).
    pub fn reversed(self) -> SortDirection {
        match self {
            SortDirection::Ascending => SortDirection::Descending,
            SortDirection::Descending => SortDirection::Ascending,
        }
    }

    /// The header marker: ▲ ascending, ▼ descending.
    pub fn arrow(self) -> char {
        match self {
            SortDirection::Ascending => '▲',
            SortDirection::Descending => '▼',
        }
    }
}

/// One column: its header and how wide it may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column<'a> {
    pub header: &'a str,
    pub width: Constraint,
    /// Right-align the cells (amounts, counts).
    pub right: bool,
}

impl<'a> Column<'a> {
    pub fn new(header: &'a str, width: Constraint) -> Self {
        Column {
            header,
            width,
            right: false,
        }
    }

    /// A right-aligned column, for numbers.
    pub fn right(header: &'a str, width: Constraint) -> Self {
        Column {
            header,
            width,
            right: true,
        }
    }
}

/// A table to draw: everything it shows is borrowed from the screen's state.
#[derive(Debug, Clone)]
pub struct DataTable<'a> {
    columns: &'a [Column<'a>],
    rows: &'a [Vec<String>],
    selected: Option<usize>,
    offset: usize,
    sort: Option<(usize, SortDirection)>,
    title: &'a str,
    empty_message: &'a str,
    filter_input: Option<&'a str>,
    filter_back: usize,
}

impl<'a> DataTable<'a> {
    /// A table of `rows` (the visible page only) under `columns`.
    pub fn new(columns: &'a [Column<'a>], rows: &'a [Vec<String>]) -> Self {
        DataTable {
            columns,
            rows,
            selected: None,
            offset: 0,
            sort: None,
            title: "",
            empty_message: "Nothing to show.",
            filter_input: None,
            filter_back: 0,
        }
    }

    /// The box title, e.g. `Events · without support · 3 of 1 204`.
    pub fn title(mut self, title: &'a str) -> Self {
        self.title = title;
        self
    }

    /// Index (within `rows`) of the highlighted row.
    pub fn selected(mut self, selected: Option<usize>) -> Self {
        self.selected = selected;
        self
    }

    /// Index (within `rows`) of the first row drawn; moved as needed so the selected
    /// row stays visible.
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Column index and direction shown with ▲/▼ in the header.
    pub fn sort(mut self, column: usize, direction: SortDirection) -> Self {
        self.sort = Some((column, direction));
        self
    }

    /// What to say when there are no rows (e.g. "No event matches 'kate'.").
    pub fn empty_message(mut self, message: &'a str) -> Self {
        self.empty_message = message;
        self
    }

    /// The filter being typed after `/`, shown in the bottom border with a cursor.
    /// `back` is how many characters the cursor stands before the end.
    pub fn filter_input(mut self, text: Option<&'a str>, back: usize) -> Self {
        self.filter_input = text;
        self.filter_back = back;
        self
    }

    /// How many rows fit in `area` (borders and header taken off): the page size the
    /// caller should fetch.
    pub fn visible_rows(area: Rect) -> usize {
        usize::from(area.height.saturating_sub(3))
    }

    /// Draw into `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let mut block = Block::bordered()
            .border_style(theme.border)
            .title(Span::styled(
                format!(
                    " {} ",
                    truncate(self.title, usize::from(area.width.saturating_sub(4)))
                ),
                theme.title,
            ));
        if let Some(text) = self.filter_input {
            let room = usize::from(area.width.saturating_sub(8));
            // The cursor is drawn on the character it stands before (reversed),
            // or as a block after the text.
            let chars: Vec<char> = text.chars().collect();
            let at = chars.len() - self.filter_back.min(chars.len());
            let before: String = chars[..at].iter().collect();
            let mut spans = vec![
                Span::styled(" / ", theme.key_hint),
                Span::styled(tail(&before, room), theme.base),
            ];
            match chars.get(at) {
                Some(c) => {
                    spans.push(Span::styled(
                        c.to_string(),
                        theme.base.add_modifier(ratatui::style::Modifier::REVERSED),
                    ));
                    let after: String = chars[at + 1..].iter().collect();
                    spans.push(Span::styled(
                        truncate(&after, room.saturating_sub(before.chars().count())),
                        theme.base,
                    ));
                }
                None => spans.push(Span::styled("█", theme.base)),
            }
            spans.push(Span::raw(" "));
            block = block.title_bottom(Line::from(spans));
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }

        let widths = self.column_widths(inner.width);
        let header = Row::new(self.columns.iter().enumerate().map(|(i, col)| {
            let width = widths.get(i).copied().unwrap_or(0);
            let text = match self.sort.filter(|(c, _)| *c == i) {
                Some((_, dir)) => sorted_header(col.header, dir, width),
                None => truncate(col.header, width),
            };
            self.cell(text, col.right)
        }))
        .style(theme.header);

        let rows = self.rows.iter().map(|row| {
            Row::new(self.columns.iter().enumerate().map(|(i, col)| {
                let value = row.get(i).map(String::as_str).unwrap_or("");
                let width = widths.get(i).copied().unwrap_or(0);
                self.cell(truncate(value, width), col.right)
            }))
        });

        let table = Table::new(rows, self.columns.iter().map(|c| c.width))
            .header(header)
            .style(theme.base)
            .row_highlight_style(theme.selected)
            .highlight_symbol(HIGHLIGHT_SYMBOL)
            .highlight_spacing(HighlightSpacing::Always);
        let mut state = TableState::default()
            .with_offset(self.offset)
            .with_selected(self.selected);
        StatefulWidget::render(table, inner, buf, &mut state);

        if self.rows.is_empty() {
            let [_, message_area] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
            Paragraph::new(Line::styled(self.empty_message, theme.muted))
                .alignment(Alignment::Center)
                .render(message_area, buf);
        }
    }

    fn cell(&self, text: String, right: bool) -> Cell<'static> {
        let line = Line::from(text);
        Cell::from(if right { line.right_aligned() } else { line })
    }

    /// Column widths as the table will lay them out (same layout rules as ratatui's
    /// `Table`), so each cell can be cut to fit before drawing.
    fn column_widths(&self, width: u16) -> Vec<usize> {
        let symbol = super::display_width(HIGHLIGHT_SYMBOL) as u16;
        let area = Rect::new(0, 0, width.saturating_sub(symbol), 1);
        Layout::horizontal(self.columns.iter().map(|c| c.width))
            .spacing(1)
            .split(area)
            .iter()
            .map(|r| usize::from(r.width))
            .collect()
    }
}

/// The sorted column's header: its arrow always shows; the name is shortened
/// (with `…`) to leave room for it.
fn sorted_header(header: &str, dir: SortDirection, width: usize) -> String {
    match width {
        0 => String::new(),
        1 => dir.arrow().to_string(),
        w => format!("{} {}", truncate(header, w - 2), dir.arrow()),
    }
}

/// The end of `text` that fits in `width` columns (typing happens at the end).
fn tail(text: &str, width: usize) -> String {
    if super::display_width(text) <= width {
        return text.to_string();
    }
    let reversed: String = text.chars().rev().collect();
    let cut = truncate(&reversed, width);
    cut.chars().rev().collect()
}

/// `1204` → `1 204`: counts in titles, grouped the French way.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1204), "1 204");
        assert_eq!(format_count(1_000_000), "1 000 000");
    }

    #[test]
    fn a_cut_header_keeps_its_sort_arrow() {
        let d = SortDirection::Descending;
        assert_eq!(sorted_header("Last contact", d, 20), "Last contact ▼");
        assert_eq!(sorted_header("Last contact", d, 9), "Last c… ▼");
        assert_eq!(sorted_header("Att.", SortDirection::Ascending, 4), "A… ▲");
        assert_eq!(sorted_header("Att.", d, 1), "▼");
    }

    #[test]
    fn long_filters_show_their_end() {
        assert_eq!(tail("abcdef", 10), "abcdef");
        assert_eq!(tail("abcdef", 4), "…def");
    }

    #[test]
    fn page_size_excludes_borders_and_header() {
        assert_eq!(DataTable::visible_rows(Rect::new(0, 0, 80, 20)), 17);
        assert_eq!(DataTable::visible_rows(Rect::new(0, 0, 80, 2)), 0);
    }
}
