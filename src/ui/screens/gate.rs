//! The first-run and login screens.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::state::Gate;
use crate::ui::view::View;
use crate::ui::widgets::{centered, StatusBar};

pub(super) fn render(view: &View<'_>, g: &Gate, area: Rect, buf: &mut Buffer) {
    let theme = view.theme;
    let [body, status] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(StatusBar::HEIGHT)]).areas(area);
    let form_h = g.form.content_height() + 2;
    let box_area = centered(body, 70.min(body.width), (form_h + 9).min(body.height));
    let [head, form_area, foot] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(form_h),
        Constraint::Min(1),
    ])
    .areas(box_area);
    let title = vec![
        Line::from(Span::styled("Epic Events CRM", theme.title)),
        Line::from(Span::styled(view.database_label.to_string(), theme.muted)),
    ];
    Paragraph::new(title).centered().render(head, buf);
    g.form.render(form_area, buf, theme);
    let mut lines = Vec::new();
    if let Some(m) = &g.message {
        lines.push(Line::from(Span::styled(
            crate::ui::sanitize::display(m).into_owned(),
            theme.error,
        )));
    }
    if g.first_run {
        if !g.strength.is_empty() {
            lines.push(Line::from(Span::styled(g.strength.clone(), theme.muted)));
        }
        lines.push(Line::from(Span::styled(
            "No account exists yet: this one will be the administrator.",
            theme.muted,
        )));
    } else if view.demo_hint {
        lines.push(Line::from(Span::styled(
            format!(
                "Demo data loaded: log in as e.g. mia.martin@epicevents.example, password {}",
                crate::demo::DEMO_PASSWORD
            ),
            theme.warning,
        )));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(foot, buf);
    let pending = view.status.clone();
    let hints = &view.hints;
    StatusBar::new()
        .hints(hints)
        .toast(pending.as_ref())
        .render(status, buf, theme);
}
