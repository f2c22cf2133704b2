//! Screens: pure functions from the app state to a frame. No database call, no
//! clock read; everything drawn was put in the state by the controllers.

mod detail;
mod gate;
mod workspace;

use ratatui::Frame;

use crate::app::{App, Mode};
use crate::ui::widgets::{fits, TooSmall};

/// Draws the whole screen.
pub fn render(app: &App, f: &mut Frame<'_>) {
    let area = f.area();
    let buf = f.buffer_mut();
    if !fits(area) {
        TooSmall.render(area, buf, &app.theme);
        return;
    }
    match &app.mode {
        Mode::Gate(g) => gate::render(app, g, area, buf),
        Mode::Work(ws) => workspace::render(app, ws, area, buf),
    }
}
