//! Keys become [`Action`]s here, decided by context, from one table.
//!
//! The same table answers "what does this key do here?" ([`Keymap::resolve`]) and
//! "which keys work here?" ([`Keymap::hints`]), so the status bar and the `?` overlay
//! cannot disagree with the keys. Defaults follow SPEC §5; a `keys.toml` in the user's
//! config directory can rebind any of them ([`Keymap::load`]).
//!
//! The caller passes the contexts that are live, most specific first. Typical stacks:
//!
//! | situation                | contexts                                          |
//! |--------------------------|---------------------------------------------------|
//! | Events table             | `[Events, Table, Global]`                         |
//! | typing a `/` filter      | `[FilterInput, Events, Table, Global]`            |
//! | a record's detail view   | `[Detail, Global]`                                |
//! | a form                   | `[Form, Global]`                                  |
//! | a yes/no dialog (modal)  | `[Confirm]`                                       |
//! | a picker popup (modal)   | `[Picker]`                                        |
//! | login                    | `[Login, Global]`                                 |
//!
//! Text-entry contexts (form, filter line, picker, login) keep the keys that edit text:
//! typing `q` in a form types a `q`, it does not quit. Keys with Ctrl/Alt and keys the
//! text-entry context does not edit with (↑, ↓, PgUp, Tab…) still fall through.

mod combo;
mod defaults;
mod document;
mod file;
#[cfg(test)]
mod tests;

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::action::{Action, Screen};
pub use combo::KeyCombo;
pub use document::command;
pub use file::KeyProblem;

/// Where a key is pressed. Also the section names of `keys.toml`. Each
/// top-level screen is a context of its own ([`Context::Screen`]), named after
/// the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Table,
    Screen(Screen),
    Detail,
    Form,
    Confirm,
    Picker,
    FilterInput,
    Login,
}

impl Context {
    /// Every context, in the order the help overlay lists sections.
    pub fn all() -> Vec<Context> {
        let mut all = vec![Context::Global, Context::Table];
        all.extend(Screen::ALL.iter().map(|s| Context::Screen(*s)));
        all.extend([
            Context::Detail,
            Context::Form,
            Context::Confirm,
            Context::Picker,
            Context::FilterInput,
            Context::Login,
        ]);
        all
    }

    /// The `keys.toml` section name (`[events]`, `[filter_input]`, …).
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Table => "table",
            Context::Screen(s) => s.name(),
            Context::Detail => "detail",
            Context::Form => "form",
            Context::Confirm => "confirm",
            Context::Picker => "picker",
            Context::FilterInput => "filter_input",
            Context::Login => "login",
        }
    }

    /// A heading for the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Table => "Tables",
            Context::Screen(s) => s.title(),
            Context::Detail => "Record",
            Context::Form => "Form",
            Context::Confirm => "Confirm",
            Context::Picker => "Picker",
            Context::FilterInput => "Filter",
            Context::Login => "Login",
        }
    }

    /// The context with this section name.
    pub fn from_name(name: &str) -> Option<Context> {
        Context::all().into_iter().find(|c| c.name() == name)
    }

    /// The screen-specific context of a top-level screen.
    pub fn for_screen(screen: Screen) -> Context {
        Context::Screen(screen)
    }

    /// The contexts consulted together with this one, where a key bound in both
    /// to different actions would make one of them unreachable or surprising
    /// (a screen with the tables and everywhere; a record with everywhere).
    /// Modal and text-entry contexts take their keys first on purpose (Tab in a
    /// form moves between fields), so they are consulted with nothing here.
    pub fn consulted_with(self) -> Vec<Context> {
        let table_screen = |s: Screen| crate::screens::board(s).is_none();
        match self {
            Context::Global => {
                let mut all = vec![Context::Table, Context::Detail];
                all.extend(Screen::ALL.iter().map(|s| Context::Screen(*s)));
                all
            }
            Context::Table => {
                let mut all = vec![Context::Global];
                all.extend(
                    Screen::ALL
                        .iter()
                        .filter(|s| table_screen(**s))
                        .map(|s| Context::Screen(*s)),
                );
                all
            }
            Context::Screen(s) if table_screen(s) => vec![Context::Table, Context::Global],
            Context::Screen(_) | Context::Detail => vec![Context::Global],
            _ => Vec::new(),
        }
    }

    /// Contexts where the user is typing text, which therefore keep text-editing keys.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Context::Form | Context::Picker | Context::FilterInput | Context::Login
        )
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub key: KeyCombo,
    pub action: Action,
}

/// One line of the status bar or the help overlay: `j/↓  down`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub context: Context,
    pub action: Action,
    /// The keys that trigger the action here, joined with `/`.
    pub keys: String,
    pub description: &'static str,
}

/// The key table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
    /// Lines of the keys file that were not used.
    problems: Vec<KeyProblem>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    /// The SPEC §5 defaults.
    pub fn defaults() -> Keymap {
        Keymap {
            bindings: defaults::default_bindings(),
            problems: Vec::new(),
        }
    }

    /// Every binding, in display order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action a key press triggers in the given contexts (most specific first).
    ///
    /// Only presses resolve: release events (reported on Windows and with the kitty
    /// protocol) are ignored so a key never acts twice.
    pub fn resolve(&self, contexts: &[Context], key: &KeyEvent) -> Option<Action> {
        if key.kind != KeyEventKind::Press {
            return None;
        }
        self.resolve_combo(contexts, KeyCombo::from_event(key))
    }

    /// Like [`resolve`](Self::resolve) for an already-normalised key.
    pub fn resolve_combo(&self, contexts: &[Context], combo: KeyCombo) -> Option<Action> {
        self.find(contexts, combo).map(|i| self.bindings[i].action)
    }

    /// Index of the binding a key lands on: the first context with a binding for it
    /// wins; a text-entry context stops text-editing keys from falling further.
    fn find(&self, contexts: &[Context], combo: KeyCombo) -> Option<usize> {
        for &context in contexts {
            let hit = self
                .bindings
                .iter()
                .position(|b| b.context == context && b.key == combo);
            if hit.is_some() {
                return hit;
            }
            if context.is_text_entry() && combo.edits_text() {
                return None;
            }
        }
        None
    }

    /// The keys bound to `action` in `context`.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<KeyCombo> {
        self.bindings
            .iter()
            .filter(|b| b.context == context && b.action == action)
            .map(|b| b.key)
            .collect()
    }

    /// What works here, for the status bar and the help overlay.
    ///
    /// Built from the same lookup as [`resolve`](Self::resolve): a key shadowed by a
    /// more specific context is not listed under the less specific one. Actions the
    /// `allowed` predicate rejects (the role may not use them) are left out.
    pub fn hints(&self, contexts: &[Context], allowed: impl Fn(&Action) -> bool) -> Vec<Hint> {
        let mut hints: Vec<Hint> = Vec::new();
        for &context in contexts {
            let start = hints.len();
            for (i, b) in self.bindings.iter().enumerate() {
                if b.context != context
                    || !allowed(&b.action)
                    || self.find(contexts, b.key) != Some(i)
                {
                    continue;
                }
                let key = b.key.to_string();
                match hints[start..].iter_mut().find(|h| h.action == b.action) {
                    Some(hint) => {
                        hint.keys.push('/');
                        hint.keys.push_str(&key);
                    }
                    None => hints.push(Hint {
                        context,
                        action: b.action,
                        keys: key,
                        description: b.action.description(),
                    }),
                }
            }
        }
        hints
    }

    /// Replace the keys of `action` in `context`, leaving every other binding as
    /// it is (so a key may end up with two actions: the keys file checks for that).
    pub(crate) fn replace(&mut self, context: Context, action: Action, keys: &[KeyCombo]) {
        let at = self
            .bindings
            .iter()
            .position(|b| b.context == context && b.action == action)
            .unwrap_or(self.bindings.len());
        // Everything before the first binding of the action stays, so `at` holds.
        self.bindings
            .retain(|b| !(b.context == context && b.action == action));
        let new = keys.iter().map(|&key| Binding {
            context,
            key,
            action,
        });
        self.bindings.splice(at..at, new);
    }

    /// Replace the keys of `action` in `context`. A key already bound to something else
    /// in that context moves to `action`; an empty list unbinds the action there.
    pub fn bind(&mut self, context: Context, action: Action, keys: &[KeyCombo]) {
        let at = self
            .bindings
            .iter()
            .position(|b| b.context == context && b.action == action);
        let mut kept = Vec::with_capacity(self.bindings.len() + keys.len());
        let mut insert_at = None;
        for (i, b) in self.bindings.iter().enumerate() {
            if Some(i) == at {
                insert_at = Some(kept.len());
            }
            let replaced = b.context == context && (b.action == action || keys.contains(&b.key));
            if !replaced {
                kept.push(*b);
            }
        }
        let insert_at = insert_at.unwrap_or(kept.len());
        let new = keys.iter().map(|&key| Binding {
            context,
            key,
            action,
        });
        kept.splice(insert_at..insert_at, new);
        self.bindings = kept;
    }
}
