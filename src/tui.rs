//! Owning the terminal: raw mode and the alternate screen on the way in, the user's
//! normal terminal back on the way out — whether the way out is a return, an error
//! or a panic.
//!
//! Restoration is idempotent (a process-wide flag records whether the terminal is in
//! our hands), because it can run up to three times on a panic: from the panic hook,
//! from `Drop` while unwinding, and from an explicit [`Tui::exit`].

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEvent, KeyEventKind,
};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute};
use ratatui::{Frame, Terminal};

/// Whether raw mode / the alternate screen are currently ours to undo.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal type the application draws on.
pub type Backend = CrosstermBackend<Stdout>;

/// What the event loop reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermEvent {
    /// A key press (releases and repeats-as-release are never reported).
    Key(KeyEvent),
    /// The terminal is now `width × height`.
    Resize(u16, u16),
    /// Text pasted in one piece (bracketed paste): inserted at once rather than
    /// typed key by key, so a long paste is one edit and one frame.
    Paste(String),
    /// Nothing happened within the timeout: time to expire toasts, check idle lock…
    Tick,
}

/// The terminal in full-screen mode. Dropping it gives the terminal back.
pub struct Tui {
    terminal: Terminal<Backend>,
}

impl Tui {
    /// Raw mode, alternate screen, hidden cursor. If any step fails, what was done so
    /// far is undone before the error is returned.
    pub fn enter() -> io::Result<Tui> {
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = || -> io::Result<Terminal<Backend>> {
            enable_raw_mode()?;
            execute!(
                io::stdout(),
                EnterAlternateScreen,
                EnableBracketedPaste,
                cursor::Hide
            )?;
            let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            terminal.clear()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(Tui { terminal }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }

    /// The underlying ratatui terminal.
    pub fn terminal(&mut self) -> &mut Terminal<Backend> {
        &mut self.terminal
    }

    /// Draw one frame. Resizes are picked up here (ratatui re-reads the size).
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame<'_>)) -> io::Result<()> {
        self.terminal.draw(render).map(|_| ())
    }

    /// Wait up to `timeout` for something to react to. See [`next_event`].
    pub fn next_event(&mut self, timeout: Duration) -> io::Result<Option<TermEvent>> {
        next_event(timeout)
    }

    /// Give the terminal back now, reporting any error (dropping does the same but
    /// can only ignore errors).
    pub fn exit(self) -> io::Result<()> {
        restore()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Leave the alternate screen, leave raw mode, show the cursor. Safe to call any
/// number of times, and a no-op when the terminal was never taken. Every step is
/// attempted even if an earlier one fails; the first error is returned.
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let screen = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let raw = disable_raw_mode();
    screen.and(raw)
}

/// Restore the terminal before any panic report is printed or sent.
///
/// Install this *after* Sentry (or anything else that sets a panic hook): the new
/// hook puts the terminal back first, then calls the previous hook, so the message
/// lands on a normal screen instead of being swallowed by the alternate one.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        previous(info);
    }));
}

/// Wait up to `timeout` for a terminal event.
///
/// `Ok(Some(Tick))` when the timeout passes quietly; `Ok(None)` when an event arrived
/// that the application does not use (a key release, mouse, focus), so the
/// caller simply loops.
pub fn next_event(timeout: Duration) -> io::Result<Option<TermEvent>> {
    if !event::poll(timeout)? {
        return Ok(Some(TermEvent::Tick));
    }
    Ok(translate(event::read()?))
}

/// The part of [`next_event`] that needs no terminal.
pub fn translate(event: Event) -> Option<TermEvent> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(TermEvent::Key(key)),
        Event::Resize(w, h) => Some(TermEvent::Resize(w, h)),
        Event::Paste(text) => Some(TermEvent::Paste(text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn restore_without_enter_is_a_harmless_no_op() {
        assert!(restore().is_ok());
        assert!(restore().is_ok());
    }

    #[test]
    fn only_presses_and_resizes_are_reported() {
        let press = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(translate(Event::Key(press)), Some(TermEvent::Key(press)));
        let mut release = press;
        release.kind = KeyEventKind::Release;
        assert_eq!(translate(Event::Key(release)), None);
        assert_eq!(
            translate(Event::Resize(100, 30)),
            Some(TermEvent::Resize(100, 30))
        );
        assert_eq!(translate(Event::FocusGained), None);
        assert_eq!(
            translate(Event::Paste("a\nb".into())),
            Some(TermEvent::Paste("a\nb".into()))
        );
    }
}
