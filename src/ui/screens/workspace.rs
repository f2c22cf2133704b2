//! The logged-in screen: screen tabs, the table, overlays, the status bar.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use crate::action::{Action, Screen};
use crate::controllers::list::{columns, sort_columns};
use crate::state::{Overlay, Workspace};
use crate::ui::view::View;
use crate::ui::widgets::{centered, Column, DataTable, HelpOverlay, SortDirection, StatusBar};

pub(super) fn render(view: &View<'_>, ws: &Workspace, area: Rect, buf: &mut Buffer) {
    let theme = view.theme;
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(StatusBar::HEIGHT),
    ])
    .areas(area);
    render_tabs(view, ws, tabs, buf);
    let [table, preview] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(super::preview_height(ws.screen, body.height)),
    ])
    .areas(body);
    match view.board {
        Some(b) => super::board::render(view, b, body, buf),
        None => {
            render_table(view, ws, table, buf);
            render_preview(view, ws, preview, buf);
        }
    }
    for o in &ws.overlays {
        match o {
            Overlay::Detail(d) => super::detail::render(theme, d, body, buf),
            Overlay::Form(f) => {
                let h = (f.form.content_height() + 2).min(body.height.saturating_sub(2));
                let w = body.width.saturating_sub(4).min(100);
                let r = centered(body, w, h + u16::from(!f.note.is_empty()));
                let [form_area, note] =
                    Layout::vertical([Constraint::Length(h), Constraint::Min(0)]).areas(r);
                // Clear the whole band across the body, not just the form: in the
                // narrow margins beside it, cut-off cells and borders of what is
                // beneath read as garbage ("│t│", "┌│").
                let band = Rect {
                    x: body.x + 1,
                    width: body.width.saturating_sub(2),
                    ..r
                };
                ratatui::widgets::Clear.render(band, buf);
                f.form.render(form_area, buf, theme);
                Paragraph::new(Span::styled(
                    crate::ui::sanitize::display(&f.note).into_owned(),
                    theme.muted,
                ))
                .style(theme.overlay)
                .render(note, buf);
            }
            Overlay::Confirm(c) => c.dialog.render(body, buf, theme),
            Overlay::Picker(p) => p.picker.render(body, buf, theme),
            Overlay::Help { scroll } => {
                HelpOverlay::new(&view.help)
                    .title("Keys")
                    .problems(view.key_problems)
                    .scroll(*scroll)
                    .render(body, buf, theme);
            }
        }
    }
    // Moving the selection is obvious and listed under `?`; the status bar keeps
    // its room for what differs per screen and role (filters, open, edit, sign…).
    let hints: Vec<_> = view
        .hints
        .iter()
        .filter(|h| {
            !matches!(
                h.action,
                Action::MoveUp
                    | Action::MoveDown
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
                    | Action::Section(_)
            )
        })
        .cloned()
        .collect();
    let pending = view.status.clone();
    let mut filters = ws.list().filters.labels(ws.screen);
    // The `/` text narrows the table as much as any toggle: it shows with them
    // (while it is being typed, the filter line shows it).
    let text = ws.list().filter_text.trim();
    if !text.is_empty() && !ws.list().editing_filter {
        filters.push(format!("\"{}\"", crate::ui::sanitize::display(text)));
    }
    let role = ws.session.role.label();
    StatusBar::new()
        .user(&ws.session.name, role)
        .unread(u32::try_from(ws.unread).unwrap_or(u32::MAX))
        .filters(&filters)
        .hints(&hints)
        .toast(pending.as_ref())
        .render(status, buf, theme);
}

/// The screen tabs. When they do not fit in one line (80 columns, seven
/// screens and an unread count), the gaps shrink, then the tabs not on show
/// keep only their number key.
fn render_tabs(view: &View<'_>, ws: &Workspace, area: Rect, buf: &mut Buffer) {
    let theme = view.theme;
    let label = |s: Screen, short: bool| {
        let unread = if s == Screen::Notifications && ws.unread > 0 {
            format!(" ({})", ws.unread)
        } else {
            String::new()
        };
        if short && s != ws.screen {
            format!("{}{unread}", s.number())
        } else {
            format!("{} {}{unread}", s.number(), s.title())
        }
    };
    // (numbers only for the others, room around each tab)
    let build = |short: bool, roomy: bool| -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (i, &s) in view.tabs.iter().enumerate() {
            let on = s == ws.screen;
            if i > 0 && !roomy {
                out.push((" ".to_string(), false));
            }
            let pad = if on || roomy { " " } else { "" };
            out.push((format!("{pad}{}{pad}", label(s, short)), on));
        }
        out
    };
    let fits = |tabs: &Vec<(String, bool)>| {
        tabs.iter()
            .map(|(t, _)| crate::ui::widgets::display_width(t))
            .sum::<usize>()
            <= usize::from(area.width)
    };
    let tabs = [(false, true), (false, false), (true, false)]
        .into_iter()
        .map(|(short, roomy)| build(short, roomy))
        .find(fits)
        .unwrap_or_else(|| build(true, false));
    let spans: Vec<Span> = tabs
        .into_iter()
        .map(|(t, on)| Span::styled(t, if on { theme.selected } else { theme.muted }))
        .collect();
    Paragraph::new(Line::from(spans))
        .style(theme.base)
        .render(area, buf);
}

fn render_table(view: &View<'_>, ws: &Workspace, area: Rect, buf: &mut Buffer) {
    let list = ws.list();
    let cols: Vec<Column> = columns(ws.screen)
        .into_iter()
        .map(|(h, c, right)| {
            if right {
                Column::right(h, c)
            } else {
                Column::new(h, c)
            }
        })
        .collect();
    let height = DataTable::visible_rows(area);
    let (rows, selected) = list.visible(height);
    let title = list.title(ws.all_totals[crate::state::slot(ws.screen)].as_deref());
    let empty = if list.loading {
        "Loading…".to_string()
    } else if list.filter_text.trim().is_empty() && list.filters.labels(ws.screen).is_empty() {
        "Nothing here yet.".to_string()
    } else {
        "Nothing matches these filters.".to_string()
    };
    let sort_col = sort_columns(ws.screen).get(list.sort).copied().unwrap_or(0);
    let newest = crate::screens::of(ws.screen).newest_first_for(&list.filters, list.sort);
    let dir = if list.descending != newest {
        SortDirection::Descending
    } else {
        SortDirection::Ascending
    };
    DataTable::new(&cols, rows)
        .title(&title)
        .selected(selected)
        .sort(sort_col, dir)
        .empty_message(&empty)
        .filter_input(
            list.editing_filter.then_some(list.filter_text.as_str()),
            list.filter_back,
        )
        .render(area, buf, view.theme);
}

/// The selected row's whole text under the table, one item a line, wrapped
/// under itself. What does not fit ends in `…` and the panel's bottom says
/// that it continues.
fn render_preview(view: &View<'_>, ws: &Workspace, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let theme = view.theme;
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(" Changes ", theme.header))
        .padding(ratatui::widgets::Padding::horizontal(1))
        .style(theme.base);
    let items = ws.list().selected_preview().unwrap_or_default();
    let inner = block.inner(area);
    let room = usize::from(inner.height);
    let width = usize::from(inner.width).max(2);
    // One item a line (wrapped under itself) when they fit; otherwise run them
    // on, so that as few as possible are hidden below the panel's edge.
    let mut lines: Vec<String> = Vec::new();
    for item in items {
        let text = crate::ui::sanitize::display(item);
        for (i, piece) in super::detail::wrap(&text, width - 2)
            .into_iter()
            .enumerate()
        {
            lines.push(if i == 0 { piece } else { format!("  {piece}") });
        }
    }
    if lines.len() > room {
        let run_on: Vec<String> = items
            .iter()
            .map(|l| crate::ui::sanitize::display(l).into_owned())
            .collect();
        lines = super::detail::wrap(&run_on.join("  ·  "), width);
    }
    if lines.len() > room {
        lines.truncate(room);
        if let Some(last) = lines.last_mut() {
            let cut = crate::ui::widgets::truncate(last, width.saturating_sub(1));
            *last = format!("{}…", cut.trim_end_matches('…'));
        }
        block = block
            .title_bottom(Line::from(Span::styled(" … continues ", theme.muted)).right_aligned());
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, theme.base)))
        .collect();
    Paragraph::new(lines).block(block).render(area, buf);
}
