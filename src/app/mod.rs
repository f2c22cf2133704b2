//! The application: state, keys → actions → controllers, and the event loop.
//!
//! `App::handle_key` resolves a key through the keymap in the context of what is on
//! top (dialog, picker, form, detail, filter line, table) and calls
//! `App::update`. The state itself is plain data in [`crate::state`]; rendering
//! (`crate::ui::screens::render`) only reads it.

mod actions;
mod board;
mod calls;
mod counts;
mod effect;
mod exports;
mod gate;
mod inbox;
mod layers;
mod live;
mod nav;
mod offer;
mod overlays;
mod pickers;
mod records;
mod refresh;
mod run;
mod table;
mod view;
pub mod worker;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use crate::action::{Action, Screen};
use crate::keymap::{Context, Hint, Keymap};
pub use crate::state;
use crate::state::toast::Toast;
pub use crate::state::Mode;
use crate::state::{Overlay, Workspace};
use crate::ui::Theme;
pub use gate::FirstContact;
pub use live::changed_warning;
pub use offer::screen_offered;
pub use run::{drive, run, worker_into, LoopStats, Wake};

/// How the program was started.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Demo data is loaded: the login screen gives the password.
    pub demo_hint: bool,
    /// Lock after this long without a key.
    pub idle_timeout: Option<Duration>,
    /// `keys.toml`, if there is a config directory.
    pub keys_file: Option<PathBuf>,
    /// Where the data is, as shown on the login screen.
    pub database_label: String,
    /// When the process started: the time to the first frame is logged.
    pub started: Option<Instant>,
    /// A team server not seen before: the login screen asks to compare its
    /// fingerprint first.
    pub first_contact: Option<gate::FirstContact>,
}

/// The whole application state.
pub struct App {
    pub crm: crate::api::SharedApi,
    pub keymap: Keymap,
    pub theme: Theme,
    pub opts: AppOptions,
    pub mode: Mode,
    pub toast: Option<Toast>,
    toast_until: Option<Instant>,
    pub should_quit: bool,
    /// Terminal size, for page sizes (updated on resize).
    pub size: (u16, u16),
    pub worker: worker::Worker,
    /// Where a polled worker's answers arrive (tests; the terminal's loop
    /// receives them on its own channel).
    answers: Option<std::sync::mpsc::Receiver<worker::Done>>,
    /// Jobs sent and not yet answered.
    outstanding: usize,
    /// Bumped when a session starts or ends: older answers are dropped.
    epoch: u64,
    next_call: u64,
    /// The call the user is waiting for, if any.
    waiting: Option<calls::Waiting>,
    /// What the `?` overlay lists: the keys offered just before it opened, so it
    /// describes the record or table beneath it exactly as the status bar did.
    help_hints: Vec<Hint>,
    /// Whether the database has an account yet is still to be asked (on the
    /// worker, at the first tick: the screen thread never waits on it).
    gate_unchecked: bool,
    last_input: Instant,
    /// The forms an idle lock put aside, for whoever logs in again.
    kept: Option<nav::Kept>,
    /// This session's live updates (see [`live`]).
    live: Option<live::Live>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("mode", &self.mode)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// How long a status-line message stays.
const TOAST_TIME: Duration = Duration::from_secs(6);

impl App {
    /// An app on the login form; the first tick asks whether the database
    /// has an account yet (first run). Queries run inline until
    /// [`App::use_worker`] moves them to a thread.
    pub fn new(
        crm: impl crate::api::IntoApi,
        opts: AppOptions,
        keymap: Keymap,
        theme: Theme,
    ) -> App {
        let gate = gate::first(opts.first_contact.as_ref());
        App {
            crm: crate::api::IntoApi::into_api(crm),
            keymap,
            theme,
            opts,
            mode: Mode::Gate(gate),
            toast: None,
            toast_until: None,
            should_quit: false,
            size: (80, 24),
            worker: worker::Worker::Inline,
            answers: None,
            outstanding: 0,
            epoch: 0,
            next_call: 0,
            waiting: None,
            help_hints: Vec::new(),
            gate_unchecked: true,
            last_input: Instant::now(),
            kept: None,
            live: None,
        }
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.mode {
            Mode::Work(w) => Some(w),
            Mode::Gate(_) => None,
        }
    }

    pub(crate) fn ws(&mut self) -> Option<&mut Workspace> {
        match &mut self.mode {
            Mode::Work(w) => Some(w),
            Mode::Gate(_) => None,
        }
    }

    pub fn info(&mut self, msg: impl Into<String>) {
        self.set_toast(Toast::info(msg));
    }

    pub fn success(&mut self, msg: impl Into<String>) {
        self.set_toast(Toast::success(msg));
    }

    pub fn error(&mut self, msg: impl Into<String>) {
        self.set_toast(Toast::error(msg));
    }

    fn set_toast(&mut self, t: Toast) {
        self.toast = Some(t);
        self.toast_until = Some(Instant::now() + TOAST_TIME);
    }

    /// Reports a service error: field errors go to the form, the rest to the
    /// status line (and unexpected ones to the log and Sentry).
    /// A session the team's server ended (deactivated, role or password changed)
    /// returns to the login screen with the reason.
    pub fn fail(&mut self, e: crate::Error) {
        if let crate::Error::SessionEnded(_) = e {
            if matches!(self.mode, Mode::Work(_)) {
                self.lock(&e.user_message());
                return;
            }
        }
        crate::telemetry::report_error(&e);
        self.error(e.user_message());
    }

    /// Rows the table shows at the current terminal size.
    pub fn table_height(&self) -> usize {
        let body = self
            .size
            .1
            .saturating_sub(1 + crate::ui::widgets::StatusBar::HEIGHT);
        let preview = match &self.mode {
            Mode::Work(w) => crate::ui::screens::preview_height(w.screen, body),
            Mode::Gate(_) => 0,
        };
        usize::from(body.saturating_sub(3 + preview)).max(1)
    }

    /// The live contexts, most specific first; dialogs and pickers stand alone.
    pub fn contexts(&self) -> Vec<Context> {
        match &self.mode {
            Mode::Gate(_) => vec![Context::Login, Context::Global],
            Mode::Work(w) => match w.top() {
                Some(Overlay::Confirm(_)) => vec![Context::Confirm],
                Some(Overlay::Picker(_)) => vec![Context::Picker],
                Some(Overlay::Form(_)) => vec![Context::Form, Context::Global],
                Some(Overlay::Detail(_)) => vec![Context::Detail, Context::Global],
                // Over a board, its own keys scroll (and are hinted); over a
                // table, the table's.
                Some(Overlay::Help { .. }) if crate::screens::board(w.screen).is_some() => {
                    vec![Context::for_screen(w.screen), Context::Global]
                }
                Some(Overlay::Help { .. }) => vec![Context::Table, Context::Global],
                None => {
                    let screen = Context::for_screen(w.screen);
                    if crate::screens::board(w.screen).is_some() {
                        vec![screen, Context::Global]
                    } else if w.list().editing_filter {
                        vec![
                            Context::FilterInput,
                            screen,
                            Context::Table,
                            Context::Global,
                        ]
                    } else {
                        vec![screen, Context::Table, Context::Global]
                    }
                }
            },
        }
    }

    /// The key hints of the current context, only what this role may use.
    pub fn hints(&self) -> Vec<Hint> {
        self.keymap.hints(&self.contexts(), |a| self.offered(*a))
    }

    /// One key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.last_input = Instant::now();
        let contexts = self.contexts();
        let mut action = self.keymap.resolve(&contexts, &key);
        if gate::asking_trust(self) && action != Some(Action::Quit) {
            return gate::trust_key(self, key);
        }
        if self.waiting.is_some() && !self.top_is_confirm() {
            return self.while_waiting(key, action);
        }
        // Dialogs and pickers stand alone (so `q` cannot quit from inside one), but
        // the control-key escapes (lock, quit) work from anywhere.
        if action.is_none()
            && key
                .modifiers
                .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
        {
            action = self
                .keymap
                .resolve(&[Context::Global], &key)
                .filter(|a| matches!(a, Action::Lock | Action::Quit));
        }
        match action {
            Some(a) if self.offered(a) => self.update(a),
            Some(a) => {
                if let Some(why) = offer::refusal(self, a) {
                    self.info(why);
                }
            }
            None => self.text_input(key),
        }
    }

    /// Text pasted in one piece (bracketed paste): into the focused field or
    /// the filter line at once. Ignored while a call is on its way, as keys are.
    pub fn paste(&mut self, text: &str) {
        self.last_input = Instant::now();
        if self.waiting.is_some() {
            return;
        }
        match &mut self.mode {
            Mode::Gate(g) => {
                g.form.paste(text);
            }
            Mode::Work(w) => layers::pasted(w, text),
        }
    }

    /// A key no binding claimed: typing into whatever takes text.
    fn text_input(&mut self, key: KeyEvent) {
        if key.code == KeyCode::Esc && actions::escape(self) {
            return;
        }
        let effects = match &mut self.mode {
            Mode::Gate(g) => gate::typed(g, key),
            Mode::Work(w) => layers::typed(w, key),
        };
        actions::apply(self, effects);
    }

    /// Runs what a pure handler asked for (in an answer from the worker).
    pub(crate) fn apply(&mut self, effects: Vec<table::Effect>) {
        actions::apply(self, effects);
    }

    /// Runs one action.
    pub fn update(&mut self, action: Action) {
        match &mut self.mode {
            Mode::Gate(g) => {
                let effects = gate::keys(g, action);
                actions::apply(self, effects);
            }
            Mode::Work(ws) => {
                let opening_help =
                    action == Action::Help && !matches!(ws.top(), Some(Overlay::Help { .. }));
                if opening_help {
                    let contexts = view::help_contexts(ws);
                    self.help_hints = self.keymap.hints(&contexts, |a| self.offered(*a));
                }
                actions::update(self, action)
            }
        }
    }

    /// Called by the loop after each wake-up: expires the toast, locks when
    /// idle, sends due queries, refreshes the unread count. Returns whether
    /// anything on screen may have changed (else the loop does not draw).
    pub fn tick(&mut self) -> bool {
        let mut changed = nav::give_back_forms(self);
        if gate::asking_trust(self) {
            changed |= gate::read_fingerprint(self);
        } else if std::mem::take(&mut self.gate_unchecked) {
            gate::check_first_run(self);
            changed = true;
        }
        if self.toast_until.is_some_and(|t| Instant::now() >= t) {
            self.toast = None;
            self.toast_until = None;
            changed = true;
        }
        if let (Some(idle), Mode::Work(_)) = (self.opts.idle_timeout, &self.mode) {
            if self.last_input.elapsed() >= idle {
                nav::keep_forms(self);
                self.lock("Locked after inactivity; log in again.");
                return true;
            }
        }
        if let Some(w) = &mut self.waiting {
            if !w.slow && w.since.elapsed() >= calls::SLOW {
                w.slow = true;
                changed = true;
            }
        }
        let before = self.outstanding;
        // The session's live updates keep running (started on login, after a
        // dropped stream, …), then the visible table's query goes if due.
        live::ensure(self);
        refresh::refresh(self);
        counts::refine(self);
        inbox::send_mark(self);
        pickers::preselect(self);
        exports::send(self);
        changed || self.outstanding != before
    }

    /// The next time [`App::tick`] has something to do on its own.
    pub fn next_deadline(&self) -> Option<Instant> {
        let mut at: Vec<Instant> = Vec::new();
        at.extend(self.toast_until);
        if let (Some(idle), Mode::Work(_)) = (self.opts.idle_timeout, &self.mode) {
            at.push(self.last_input + idle);
        }
        at.extend(refresh::next_refresh(self));
        at.extend(counts::next(self));
        if let Some(w) = self.waiting.as_ref().filter(|w| !w.slow) {
            at.push(w.since + calls::SLOW);
        }
        at.into_iter().min()
    }

    /// Drops the session and returns to the login screen. There was an account
    /// to log in with, so no first-run form and no database call. The session's
    /// last message ("Welcome, …", "✓ … created") goes with it: the next person
    /// at the keyboard sees only why the screen locked.
    pub fn lock(&mut self, message: &str) {
        let mut g = gate::empty(false, self.opts.demo_hint);
        g.message = Some(message.to_string());
        self.mode = Mode::Gate(g);
        self.toast = None;
        self.toast_until = None;
        self.new_epoch();
    }

    /// Whatever was asked in the session that ends is no longer wanted.
    pub(crate) fn new_epoch(&mut self) {
        self.epoch += 1;
        self.waiting = None;
    }

    fn top_is_confirm(&self) -> bool {
        matches!(
            self.workspace().and_then(|w| w.top()),
            Some(Overlay::Confirm(_))
        )
    }

    /// A key while a call is on its way: quitting and locking act at once, Esc
    /// gives up the call, anything else waits (so a second Ctrl-S is not sent).
    fn while_waiting(&mut self, key: KeyEvent, action: Option<Action>) {
        let ctrl = key
            .modifiers
            .contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
        let escape = if ctrl {
            self.keymap
                .resolve(&[Context::Global], &key)
                .filter(|a| matches!(a, Action::Lock | Action::Quit))
        } else {
            action.filter(|a| matches!(a, Action::Quit | Action::Lock))
        };
        match escape {
            Some(Action::Quit) => self.should_quit = true,
            Some(Action::Lock) => self.lock("Locked. Log in to continue."),
            _ if key.code == KeyCode::Esc => self.give_up(),
            _ => {}
        }
    }

    /// Pretend the last key was just now (tests drive the idle lock with this).
    pub fn idle_since(&mut self, at: Instant) {
        self.last_input = at;
    }

    /// Whether an action is offered here to this role.
    pub fn offered(&self, action: Action) -> bool {
        offer::offered(self, action)
    }

    /// The screen on show, when logged in.
    pub fn screen(&self) -> Option<Screen> {
        self.workspace().map(|w| w.screen)
    }
}
