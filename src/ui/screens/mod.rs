//! Screens: pure functions from a [`View`] to a frame. No database call, no
//! clock read; everything drawn was put in the state by the controllers.

mod board;
pub mod detail;
mod gate;
mod workspace;

use ratatui::Frame;

use crate::action::Screen;
use crate::state::Mode;
use crate::ui::view::View;
use crate::ui::widgets::{fits, TooSmall};

/// Draws the whole screen.
pub fn render(view: &View<'_>, f: &mut Frame<'_>) {
    let area = f.area();
    let buf = f.buffer_mut();
    if !fits(area) {
        TooSmall.render(area, buf, view.theme);
        return;
    }
    match view.mode {
        Mode::Gate(g) => gate::render(view, g, area, buf),
        Mode::Work(ws) => workspace::render(view, ws, area, buf),
    }
    crate::ui::sanitize::buffer(f.buffer_mut());
}

/// Lines under the table given to the selected row's whole text (the audit's
/// changes, which the table cell cuts off); none on other screens or when the
/// terminal is short.
pub fn preview_height(screen: Screen, body_height: u16) -> u16 {
    if screen == Screen::Audit && body_height >= 16 {
        (body_height / 3).max(6)
    } else {
        0
    }
}
