//! The terminal loop. The screen thread blocks on one channel fed by a thread
//! reading the terminal and by the database worker, with a timeout at the next
//! thing due on the clock (toast expiry, idle lock, periodic refresh, the "still
//! waiting" notice). Nothing happening means no wake-up and no terminal write.

use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

use ratatui::backend::Backend;
use ratatui::Terminal;

use super::worker::{Done, Worker};
use super::{App, AppOptions};
use crate::keymap::Keymap;
use crate::tui::{self, TermEvent, Tui};
use crate::ui::Theme;

/// What wakes the loop.
#[derive(Debug)]
pub enum Wake {
    Term(TermEvent),
    Done(Done),
    /// The terminal can no longer be read.
    Lost(String),
}

/// What the loop did, for tests and the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopStats {
    pub wakes: u64,
    pub draws: u64,
}

/// Runs the UI until the user quits. The terminal is restored on return, on error
/// and on panic (the hook restores it before the panic is printed or reported).
/// Neither the worker nor the terminal reader is joined: a worker stuck on a
/// locked database must not hold up quitting.
pub fn run(crm: impl crate::api::IntoApi, opts: AppOptions) -> std::io::Result<()> {
    let (keymap, warning) = match &opts.keys_file {
        Some(p) => Keymap::load(p),
        None => (Keymap::defaults(), None),
    };
    let crm = crate::api::IntoApi::into_api(crm);
    let mut app = App::new(crm.clone(), opts, keymap, Theme::from_env());
    if let Some(w) = warning {
        app.error(w);
    }
    let (tx, rx) = channel::<Wake>();
    app.worker = worker_into(crm, tx.clone());
    tui::install_panic_hook();
    let mut term = Tui::enter()?;
    let size = term.terminal().size()?;
    app.size = (size.width, size.height);
    read_terminal(tx);
    let mut stats = LoopStats::default();
    let result = drive(&mut app, term.terminal(), &rx, &mut stats);
    tracing::debug!(wakes = stats.wakes, draws = stats.draws, "loop ended");
    let restored = term.exit();
    result.and(restored)
}

/// A worker whose answers wake the loop.
pub fn worker_into(crm: impl crate::api::IntoApi, tx: Sender<Wake>) -> Worker {
    Worker::spawn(crm, Box::new(move |d| tx.send(Wake::Done(d)).is_ok()))
}

/// The thread that blocks on the terminal and forwards what the app uses.
fn read_terminal(tx: Sender<Wake>) {
    let spawned = thread::Builder::new()
        .name("terminal-reader".into())
        .spawn(move || loop {
            let wake = match ratatui::crossterm::event::read() {
                Ok(ev) => match tui::translate(ev) {
                    Some(t) => Wake::Term(t),
                    None => continue,
                },
                Err(e) => Wake::Lost(e.to_string()),
            };
            let lost = matches!(wake, Wake::Lost(_));
            if tx.send(wake).is_err() || lost {
                return;
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no terminal reader thread");
    }
}

/// The loop proper, on any backend: draw when something changed, then block
/// until a key, an answer or the next deadline.
pub fn drive<B: Backend>(
    app: &mut App,
    term: &mut Terminal<B>,
    wakes: &Receiver<Wake>,
    stats: &mut LoopStats,
) -> std::io::Result<()> {
    let mut changed = true;
    let mut first = true;
    loop {
        changed |= app.tick();
        if changed {
            let view = app.view();
            term.draw(|f| crate::ui::screens::render(&view, f))?;
            stats.draws += 1;
            changed = false;
            if std::mem::take(&mut first) {
                if let Some(t) = app.opts.started {
                    tracing::info!(ms = t.elapsed().as_secs_f64() * 1000.0, "first frame drawn");
                }
            }
        }
        if app.should_quit {
            return Ok(());
        }
        let got = match app.next_deadline() {
            Some(at) => wakes.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => wakes.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        stats.wakes += 1;
        let mut next = match got {
            Ok(w) => Some(w),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Everything already waiting is handled before drawing again, so a burst
        // of keys costs one frame and one query.
        while let Some(w) = next.take() {
            changed = true;
            match w {
                Wake::Term(TermEvent::Key(k)) => app.handle_key(k),
                Wake::Term(TermEvent::Resize(w, h)) => app.size = (w, h),
                Wake::Term(TermEvent::Paste(text)) => app.paste(&text),
                Wake::Term(TermEvent::Tick) => {}
                Wake::Done(d) => app.deliver(d),
                Wake::Lost(e) => return Err(std::io::Error::other(e)),
            }
            if app.should_quit {
                break;
            }
            next = wakes.try_recv().ok();
        }
    }
}
