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
    if let Some(prompt) = &g.server {
        trust_prompt(view, prompt, body, buf);
        StatusBar::new()
            .toast(view.status.as_ref())
            .render(status, buf, theme);
        return;
    }
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
    }
    if !view.key_problems.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "keys.toml: {} line(s) not used, the others apply; \
                 `epicevents keys --check` lists them.",
                view.key_problems.len()
            ),
            theme.warning,
        )));
    }
    if !g.first_run && view.demo_hint {
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

/// First contact with a team server: its address and certificate fingerprint,
/// to compare with the one its administrator gave, before anything is sent.
fn trust_prompt(view: &View<'_>, p: &crate::state::ServerPrompt, area: Rect, buf: &mut Buffer) {
    let theme = view.theme;
    let clean = |s: &str| crate::ui::sanitize::display(s).into_owned();
    let mut lines = vec![
        Line::from(Span::styled("Epic Events CRM", theme.title)),
        Line::from(""),
        Line::from(Span::styled(
            "This computer has never connected to this team server:",
            theme.base,
        )),
        Line::from(Span::styled(format!("  {}", clean(&p.url)), theme.title)),
        Line::from(""),
    ];
    match (&p.fingerprint, &p.problem) {
        (_, Some(problem)) => {
            lines.push(Line::from(Span::styled(
                format!("Its certificate could not be read: {}", clean(problem)),
                theme.error,
            )));
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "r try again · n quit",
                theme.key_hint,
            )));
        }
        (Some(f), None) => {
            lines.push(Line::from(Span::styled(
                "Its certificate's SHA-256 fingerprint is",
                theme.base,
            )));
            let hex = clean(f);
            // 32 bytes in two rows of 16, easier to compare by eye.
            let body = hex.strip_prefix("SHA256:").unwrap_or(&hex);
            let bytes: Vec<&str> = body.split(':').collect();
            for row in bytes.chunks(16) {
                lines.push(Line::from(Span::styled(
                    format!("  {}", row.join(":")),
                    theme.warning,
                )));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "Compare it with the one your administrator gave you \
                 (`epicevents serve` prints it). Only if they are the same:",
                theme.base,
            )));
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "y trust this server and remember it · n quit",
                theme.key_hint,
            )));
        }
        (None, None) => lines.push(Line::from(Span::styled(
            "Reading its certificate…",
            theme.muted,
        ))),
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let box_area = centered(area, 76.min(area.width), height);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(box_area, buf);
}
