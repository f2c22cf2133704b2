//! What one frame shows, gathered by the app ([`crate::app::App::view`]) so
//! that drawing is a pure function of it: the screens read this, never the
//! application with its worker, clock and database handle.

use crate::action::Screen;
use crate::keymap::{Hint, KeyProblem};
use crate::state::toast::Toast;
use crate::state::{BoardState, Mode};
use crate::ui::Theme;

#[derive(Debug)]
pub struct View<'a> {
    pub mode: &'a Mode,
    pub theme: &'a Theme,
    /// The status line: the pending call's progress, else the last message.
    pub status: Option<Toast>,
    /// The key hints of the status bar, only what this role may use here.
    pub hints: Vec<Hint>,
    /// The keys of what is under the help overlay, when it is open.
    pub help: Vec<Hint>,
    /// Lines of the keys file that were not used (listed under `?`, counted
    /// on the login screen).
    pub key_problems: &'a [KeyProblem],
    /// The board on show, when the screen is a board rather than a table.
    pub board: Option<&'a BoardState>,
    /// The keys of the board's sections (section number, keys), for their titles.
    pub section_keys: Vec<(u8, String)>,
    /// The screens this role has, in tab order.
    pub tabs: Vec<Screen>,
    /// Where the data is (login screen).
    pub database_label: &'a str,
    /// Demo data is loaded: the login screen gives the password.
    pub demo_hint: bool,
}
