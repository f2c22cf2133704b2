//! The terminal loop: draw, wait for a key (or a tick), handle every key that is
//! already waiting, let due queries run, draw again.

use std::time::Duration;

use super::loader::Loader;
use super::{App, AppOptions};
use crate::keymap::Keymap;
use crate::tui::{self, TermEvent, Tui};
use crate::ui::Theme;
use crate::Crm;

/// How long to wait for a key before ticking (toasts, results, idle lock).
const TICK: Duration = Duration::from_millis(50);
/// The same while a query runs, so its rows appear within a frame of landing.
const BUSY_TICK: Duration = Duration::from_millis(4);

/// Runs the UI until the user quits. The terminal is restored on return, on error
/// and on panic (the hook restores it before the panic is printed or reported).
pub fn run(crm: Crm, opts: AppOptions) -> std::io::Result<()> {
    let (keymap, warning) = match &opts.keys_file {
        Some(p) => Keymap::load(p),
        None => (Keymap::defaults(), None),
    };
    let mut app = App::new(crm.clone(), opts, keymap, Theme::from_env());
    if let Some(w) = warning {
        app.error(w);
    }
    app.loader = Loader::worker(crm);
    tui::install_panic_hook();
    let mut term = Tui::enter()?;
    let size = term.terminal().size()?;
    app.size = (size.width, size.height);
    let result = event_loop(&mut app, &mut term);
    let restored = term.exit();
    result.and(restored)
}

fn event_loop(app: &mut App, term: &mut Tui) -> std::io::Result<()> {
    let mut first = true;
    loop {
        app.tick();
        term.draw(|f| crate::ui::screens::render(app, f))?;
        if std::mem::take(&mut first) {
            if let Some(t) = app.opts.started {
                tracing::info!(ms = t.elapsed().as_secs_f64() * 1000.0, "first frame drawn");
            }
        }
        if app.should_quit {
            return Ok(());
        }
        let mut next = term.next_event(if app.busy() { BUSY_TICK } else { TICK })?;
        // Handle every event already waiting before drawing again, so a burst of
        // keys costs one frame and one query.
        while let Some(ev) = next {
            match ev {
                TermEvent::Key(k) => app.handle_key(k),
                TermEvent::Resize(w, h) => app.size = (w, h),
                TermEvent::Tick => break,
            }
            if app.should_quit {
                break;
            }
            next = term.next_event(Duration::ZERO)?;
        }
    }
}
