//! What the user asked for, independent of the key that asked for it.
//!
//! Keys are translated into an [`Action`] by the [`keymap`](crate::keymap); everything
//! downstream (the update loop, controllers, the help overlay) speaks in actions only.
//! Keeping this a closed enum means a rebinding in `keys.toml` can never invent
//! behaviour, and every action has one stable snake_case name (used in the keys file)
//! and one short description (used by the status bar and the help overlay).

use std::fmt;

use strum::VariantArray;

/// The top-level screens, reachable with their number keys. Everything the rest
/// of the program needs to know about a screen's name is here, on its variant
/// (number key, title, the `keys.toml` names of its action and section), so a
/// new screen is one variant, not an edit of every `match`. The list of them is
/// derived, so a new screen cannot be left out of it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    VariantArray,
    strum::IntoStaticStr,
    strum::EnumProperty,
)]
#[strum(serialize_all = "snake_case")]
pub enum Screen {
    #[strum(props(key = "0", title = "Today", go = "go_today"))]
    Today,
    #[strum(props(key = "1", title = "Clients", go = "go_clients"))]
    Clients,
    #[strum(props(key = "2", title = "Contracts", go = "go_contracts"))]
    Contracts,
    #[strum(props(key = "3", title = "Events", go = "go_events"))]
    Events,
    #[strum(props(key = "4", title = "Collaborators", go = "go_collaborators"))]
    Collaborators,
    #[strum(props(key = "5", title = "Notifications", go = "go_notifications"))]
    Notifications,
    #[strum(props(key = "6", title = "Audit", go = "go_audit"))]
    Audit,
}

impl Screen {
    /// Every screen in tab order (the order of the number keys).
    pub const ALL: &'static [Screen] = Self::VARIANTS;

    fn prop(self, name: &str) -> &'static str {
        strum::EnumProperty::get_str(&self, name).unwrap_or("")
    }

    /// The screen's number key.
    pub fn number(self) -> u8 {
        self.prop("key").parse().unwrap_or(0)
    }

    /// The screen for a number key, if any.
    pub fn from_number(n: u8) -> Option<Screen> {
        Screen::ALL.iter().copied().find(|s| s.number() == n)
    }

    /// Title shown in the tab bar and in hints.
    pub fn title(self) -> &'static str {
        self.prop("title")
    }

    /// The snake_case name: the screen's section in `keys.toml`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The `keys.toml` name of the action that shows this screen.
    fn go_name(self) -> &'static str {
        self.prop("go")
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The next screen in tab order, wrapping around.
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen in tab order, wrapping around.
    pub fn prev(self) -> Screen {
        let len = Screen::ALL.len();
        Screen::ALL[(self.index() + len - 1) % len]
    }
}

impl fmt::Display for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// Everything a key can ask for. See SPEC §5 for where each one applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // everywhere
    Help,
    Quit,
    GoScreen(Screen),
    NextScreen,
    PrevScreen,
    Lock,
    // tables
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    StartFilter,
    SortNext,
    SortReverse,
    Open,
    New,
    Edit,
    Archive,
    ToggleArchived,
    Reload,
    // screen filters and record actions
    OnlyMine,
    NotSigned,
    BalanceDue,
    Sign,
    RecordPayment,
    /// Take money back off what was paid: a refund or a correction.
    CorrectPayment,
    WithoutSupport,
    AssignedToMe,
    TimeWindow,
    AssignSupport,
    ToggleActive,
    MarkRead,
    MarkAllRead,
    /// Notifications not read yet, only (again: all of them).
    UnreadOnly,
    /// The list on show, every matching row, to a file.
    Export,
    /// Give a client to another sales collaborator.
    Reassign,
    /// Set someone's password (they change it at their next login).
    ResetPassword,
    /// Change one's own password.
    ChangePassword,
    // detail view
    Back,
    History,
    Restore,
    // forms, dialogs, pickers, filter line
    Save,
    Cancel,
    NextField,
    PrevField,
    SignIn,
    /// An explicit answer in a confirmation dialog (`y` / `n` / `Esc`).
    Confirm(bool),
    /// Move the highlight between Yes and No.
    ToggleChoice,
    /// Take the highlighted item (picker entry, dialog button).
    Select,
    /// `Enter` on the filter line: keep the filter and go back to the table.
    KeepFilter,
    /// `Esc` on the filter line: clear the filter.
    ClearFilter,
    /// On a board screen (the dashboard): the full list behind its section
    /// number `n` (1 to [`Action::SECTIONS`]), filtered as the section is.
    Section(u8),
}

impl Action {
    /// How many sections a board screen may have keys for.
    pub const SECTIONS: u8 = 6;

    /// Every action, in the order the help overlay would list them.
    pub fn all() -> Vec<Action> {
        let mut all = vec![Action::Help, Action::Quit];
        all.extend(Screen::ALL.iter().map(|s| Action::GoScreen(*s)));
        all.extend([
            Action::NextScreen,
            Action::PrevScreen,
            Action::Lock,
            Action::MoveUp,
            Action::MoveDown,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::StartFilter,
            Action::SortNext,
            Action::SortReverse,
            Action::Open,
            Action::New,
            Action::Edit,
            Action::Archive,
            Action::ToggleArchived,
            Action::Reload,
            Action::OnlyMine,
            Action::NotSigned,
            Action::BalanceDue,
            Action::Sign,
            Action::RecordPayment,
            Action::CorrectPayment,
            Action::WithoutSupport,
            Action::AssignedToMe,
            Action::TimeWindow,
            Action::AssignSupport,
            Action::ToggleActive,
            Action::MarkRead,
            Action::MarkAllRead,
            Action::UnreadOnly,
            Action::Export,
            Action::Reassign,
            Action::ResetPassword,
            Action::ChangePassword,
            Action::Back,
            Action::History,
            Action::Restore,
            Action::Save,
            Action::Cancel,
            Action::NextField,
            Action::PrevField,
            Action::SignIn,
            Action::Confirm(true),
            Action::Confirm(false),
            Action::ToggleChoice,
            Action::Select,
            Action::KeepFilter,
            Action::ClearFilter,
        ]);
        all.extend((1..=Action::SECTIONS).map(Action::Section));
        all
    }

    /// Stable snake_case name and short description, in one exhaustive match so a new
    /// variant cannot be added without both.
    fn info(self) -> (&'static str, &'static str) {
        match self {
            Action::GoScreen(s) => (s.go_name(), s.title()),
            Action::Help => ("help", "help"),
            Action::Quit => ("quit", "quit"),
            Action::NextScreen => ("next_screen", "next screen"),
            Action::PrevScreen => ("prev_screen", "previous screen"),
            Action::Lock => ("lock", "lock"),
            Action::MoveUp => ("move_up", "up"),
            Action::MoveDown => ("move_down", "down"),
            Action::PageUp => ("page_up", "page up"),
            Action::PageDown => ("page_down", "page down"),
            Action::Top => ("top", "first"),
            Action::Bottom => ("bottom", "last"),
            Action::StartFilter => ("start_filter", "filter"),
            Action::SortNext => ("sort_next", "sort column"),
            Action::SortReverse => ("sort_reverse", "reverse sort"),
            Action::Open => ("open", "open"),
            Action::New => ("new", "new"),
            Action::Edit => ("edit", "edit"),
            Action::Archive => ("archive", "archive"),
            Action::ToggleArchived => ("toggle_archived", "show archived"),
            Action::Reload => ("reload", "reload"),
            Action::OnlyMine => ("only_mine", "mine"),
            Action::NotSigned => ("not_signed", "not signed"),
            Action::BalanceDue => ("balance_due", "balance due"),
            Action::Sign => ("sign", "sign"),
            Action::RecordPayment => ("record_payment", "payment"),
            Action::CorrectPayment => ("correct_payment", "refund or correction"),
            Action::WithoutSupport => ("without_support", "without support"),
            Action::AssignedToMe => ("assigned_to_me", "assigned to me"),
            Action::TimeWindow => ("time_window", "time window"),
            Action::AssignSupport => ("assign_support", "assign support"),
            Action::ToggleActive => ("toggle_active", "(de)activate"),
            Action::MarkRead => ("mark_read", "mark read"),
            Action::MarkAllRead => ("mark_all_read", "mark all read"),
            Action::UnreadOnly => ("unread_only", "unread only"),
            Action::Export => ("export", "export"),
            Action::Reassign => ("reassign", "change sales contact"),
            Action::ResetPassword => ("reset_password", "reset password"),
            Action::ChangePassword => ("change_password", "my password"),
            Action::Back => ("back", "back"),
            Action::History => ("history", "history"),
            Action::Restore => ("restore", "restore"),
            Action::Save => ("save", "save"),
            Action::Cancel => ("cancel", "cancel"),
            Action::NextField => ("next_field", "next field"),
            Action::PrevField => ("prev_field", "previous field"),
            Action::SignIn => ("sign_in", "sign in"),
            Action::Confirm(true) => ("confirm_yes", "yes"),
            Action::Confirm(false) => ("confirm_no", "no"),
            Action::ToggleChoice => ("toggle_choice", "switch"),
            Action::Select => ("select", "choose"),
            Action::KeepFilter => ("keep_filter", "keep filter"),
            Action::ClearFilter => ("clear_filter", "clear filter"),
            Action::Section(n) => (
                match n {
                    1 => "section_1",
                    2 => "section_2",
                    3 => "section_3",
                    4 => "section_4",
                    5 => "section_5",
                    _ => "section_6",
                },
                "full list",
            ),
        }
    }

    /// The stable name used in `keys.toml` (e.g. `without_support`).
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// A few words for the status bar and the help overlay.
    pub fn description(self) -> &'static str {
        self.info().1
    }

    /// The action with this `keys.toml` name, if any.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for action in Action::all() {
            let name = action.name();
            assert!(seen.insert(name), "{name} listed twice");
            assert_eq!(Action::from_name(name), Some(action));
            assert!(name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
            assert!(!action.description().is_empty());
        }
        assert_eq!(Action::from_name("no_such_action"), None);
    }

    #[test]
    fn screens_number_and_cycle() {
        let mut last = None;
        for &screen in Screen::ALL {
            assert!(Some(screen.number()) > last, "number keys in tab order");
            last = Some(screen.number());
            assert_eq!(Screen::from_number(screen.number()), Some(screen));
            assert_eq!(screen.next().prev(), screen);
            assert!(!screen.title().is_empty());
            assert_eq!(
                Action::GoScreen(screen).name(),
                format!("go_{}", screen.name())
            );
        }
        let (first, end) = (Screen::ALL[0], Screen::ALL[Screen::ALL.len() - 1]);
        assert_eq!(end.next(), first);
        assert_eq!(first.prev(), end);
        assert_eq!(Screen::from_number(7), None);
        assert_eq!(Action::GoScreen(Screen::Events).description(), "Events");
    }
}
