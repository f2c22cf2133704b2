//! Drives the real App with keys, as a person at the keyboard would, on any
//! backend's database. Calls run on the worker as in the terminal; each
//! key waits for the answers it asked for, so its effect is visible at once.

#![allow(dead_code)]

use epicevents::app::state::{DetailState, FormState, Overlay};
use epicevents::app::{App, AppOptions};
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use epicevents::Crm;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

pub struct Ui {
    pub app: App,
}

impl Ui {
    pub fn new(crm: &Crm) -> Ui {
        let mut app = App::new(
            crm.clone(),
            AppOptions::default(),
            Keymap::defaults(),
            Theme::monochrome(),
        );
        app.use_worker();
        app.size = (120, 40);
        app.settle();
        Ui { app }
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.app.settle();
        self
    }

    pub fn ch(&mut self, c: char) -> &mut Self {
        self.key(KeyCode::Char(c))
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self.app.settle();
        self
    }

    pub fn type_text(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self.app.settle();
        self
    }

    /// Empties the focused text field.
    pub fn clear_field(&mut self) -> &mut Self {
        for _ in 0..80 {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        }
        self
    }

    pub fn login(&mut self, email: &str, password: &str) -> &mut Self {
        self.type_text(email)
            .key(KeyCode::Tab)
            .type_text(password)
            .key(KeyCode::Enter);
        assert!(
            self.app.workspace().is_some(),
            "login as {email} failed: {}",
            self.screen_text()
        );
        self
    }

    /// A new filter: `/`, `Esc` (clears the previous one), `/`, the text, `Enter`.
    pub fn filter(&mut self, text: &str) -> &mut Self {
        self.ch('/')
            .key(KeyCode::Esc)
            .ch('/')
            .type_text(text)
            .key(KeyCode::Enter)
    }

    pub fn title(&self) -> String {
        let ws = self.app.workspace().expect("logged in");
        ws.list().title(None)
    }

    pub fn total(&self) -> usize {
        self.app.workspace().expect("logged in").list().page.total
    }

    /// The selected row's cells.
    pub fn selected_row(&self) -> Vec<String> {
        let l = self.app.workspace().expect("logged in").list();
        l.selected
            .checked_sub(l.page.offset)
            .and_then(|i| l.page.rows.get(i))
            .cloned()
            .unwrap_or_default()
    }

    pub fn toast(&self) -> String {
        self.app
            .toast
            .as_ref()
            .map(|t| t.message.clone())
            .unwrap_or_default()
    }

    pub fn detail(&self) -> Option<&DetailState> {
        self.app.workspace().and_then(|w| w.detail())
    }

    pub fn form(&self) -> Option<&FormState> {
        self.app.workspace().and_then(|w| w.form())
    }

    pub fn field_error(&self, name: &str) -> Option<String> {
        self.form()
            .and_then(|f| f.form.field(name))
            .and_then(|f| f.error().map(str::to_string))
    }

    pub fn has_confirm(&self) -> bool {
        matches!(
            self.app.workspace().and_then(|w| w.top()),
            Some(Overlay::Confirm(_))
        )
    }

    pub fn has_picker(&self) -> bool {
        matches!(
            self.app.workspace().and_then(|w| w.top()),
            Some(Overlay::Picker(_))
        )
    }

    /// The screen as text, as a person would read it.
    pub fn screen_text(&self) -> String {
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        term.draw(|f| epicevents::ui::screens::render(&self.app.view(), f))
            .expect("draw");
        let buf = term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}
