//! What the user asked for, independent of the key that asked for it.
//!
//! Keys are translated into an [`Action`] by the [`keymap`](crate::keymap); everything
//! downstream (the update loop, controllers, the help overlay) speaks in actions only.
//! Keeping this a closed enum means a rebinding in `keys.toml` can never invent
//! behaviour, and every action has one stable snake_case name (used in the keys file)
//! and one short description (used by the status bar and the help overlay).

use std::fmt;

use strum::VariantArray;

/// One of the six top-level screens, reachable with the keys `1` to `6`. The
/// list of them is derived, so a new screen cannot be left out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, VariantArray)]
pub enum Screen {
    Clients,
    Contracts,
    Events,
    Collaborators,
    Notifications,
    Audit,
}

impl Screen {
    /// Every screen in tab order (the order of the number keys).
    pub const ALL: &'static [Screen] = Self::VARIANTS;

    /// The screen's number key, 1 to 6.
    pub fn number(self) -> u8 {
        match self {
            Screen::Clients => 1,
            Screen::Contracts => 2,
            Screen::Events => 3,
            Screen::Collaborators => 4,
            Screen::Notifications => 5,
            Screen::Audit => 6,
        }
    }

    /// The screen for a number key, if any.
    pub fn from_number(n: u8) -> Option<Screen> {
        Screen::ALL.iter().copied().find(|s| s.number() == n)
    }

    /// Title shown in the tab bar and in hints.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Clients => "Clients",
            Screen::Contracts => "Contracts",
            Screen::Events => "Events",
            Screen::Collaborators => "Collaborators",
            Screen::Notifications => "Notifications",
            Screen::Audit => "Audit",
        }
    }

    /// The next screen in tab order, wrapping around.
    pub fn next(self) -> Screen {
        let i = usize::from(self.number()) % Screen::ALL.len();
        Screen::ALL[i]
    }

    /// The previous screen in tab order, wrapping around.
    pub fn prev(self) -> Screen {
        let len = Screen::ALL.len();
        let i = (usize::from(self.number()) + len - 2) % len;
        Screen::ALL[i]
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
    WithoutSupport,
    AssignedToMe,
    TimeWindow,
    AssignSupport,
    ToggleActive,
    MarkRead,
    MarkAllRead,
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
}

impl Action {
    /// Every action, in the order the help overlay would list them.
    pub const ALL: [Action; 55] = [
        Action::Help,
        Action::Quit,
        Action::GoScreen(Screen::Clients),
        Action::GoScreen(Screen::Contracts),
        Action::GoScreen(Screen::Events),
        Action::GoScreen(Screen::Collaborators),
        Action::GoScreen(Screen::Notifications),
        Action::GoScreen(Screen::Audit),
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
        Action::WithoutSupport,
        Action::AssignedToMe,
        Action::TimeWindow,
        Action::AssignSupport,
        Action::ToggleActive,
        Action::MarkRead,
        Action::MarkAllRead,
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
    ];

    /// Stable snake_case name and short description, in one exhaustive match so a new
    /// variant cannot be added without both.
    fn info(self) -> (&'static str, &'static str) {
        use Screen as S;
        match self {
            Action::Help => ("help", "help"),
            Action::Quit => ("quit", "quit"),
            Action::GoScreen(S::Clients) => ("go_clients", "Clients"),
            Action::GoScreen(S::Contracts) => ("go_contracts", "Contracts"),
            Action::GoScreen(S::Events) => ("go_events", "Events"),
            Action::GoScreen(S::Collaborators) => ("go_collaborators", "Collaborators"),
            Action::GoScreen(S::Notifications) => ("go_notifications", "Notifications"),
            Action::GoScreen(S::Audit) => ("go_audit", "Audit"),
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
            Action::WithoutSupport => ("without_support", "without support"),
            Action::AssignedToMe => ("assigned_to_me", "assigned to me"),
            Action::TimeWindow => ("time_window", "time window"),
            Action::AssignSupport => ("assign_support", "assign support"),
            Action::ToggleActive => ("toggle_active", "(de)activate"),
            Action::MarkRead => ("mark_read", "mark read"),
            Action::MarkAllRead => ("mark_all_read", "mark all read"),
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
        Action::ALL.into_iter().find(|a| a.name() == name)
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
        for action in Action::ALL {
            let name = action.name();
            assert!(seen.insert(name), "{name} listed twice");
            assert_eq!(Action::from_name(name), Some(action));
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!action.description().is_empty());
        }
        assert_eq!(Action::from_name("no_such_action"), None);
    }

    #[test]
    fn screens_number_and_cycle() {
        for (i, &screen) in Screen::ALL.iter().enumerate() {
            assert_eq!(usize::from(screen.number()), i + 1);
            assert_eq!(Screen::from_number(screen.number()), Some(screen));
            assert_eq!(screen.next().prev(), screen);
        }
        assert_eq!(Screen::Audit.next(), Screen::Clients);
        assert_eq!(Screen::Clients.prev(), Screen::Audit);
        assert_eq!(Screen::from_number(7), None);
        assert_eq!(Action::GoScreen(Screen::Events).description(), "Events");
    }
}
