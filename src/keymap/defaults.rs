//! The default key table, transcribed from SPEC §5.
//!
//! One row per (context, action) with all of its keys, in the order hints are shown.
//! Screen-specific rows shadow table rows (both `Contracts` and `Events` reuse `u`
//! and `m`), table rows shadow global ones.

use ratatui::crossterm::event::KeyCode;

use super::{Binding, Context, KeyCombo};
use crate::action::{Action, Screen};
use Screen as S;

const fn k(code: KeyCode) -> KeyCombo {
    KeyCombo::plain(code)
}

const fn c(ch: char) -> KeyCombo {
    KeyCombo::char(ch)
}

const fn ctrl(ch: char) -> KeyCombo {
    KeyCombo::ctrl(ch)
}

use Action as A;
use Context as C;
use KeyCode as K;

/// (context, keys, action), in display order.
const DEFAULTS: &[(Context, &[KeyCombo], Action)] = &[
    // everywhere
    (C::Global, &[c('?')], A::Help),
    (C::Global, &[c('q'), ctrl('c')], A::Quit),
    (C::Global, &[k(K::Tab)], A::NextScreen),
    (C::Global, &[k(K::BackTab)], A::PrevScreen),
    (C::Global, &[ctrl('l')], A::Lock),
    (C::Global, &[ctrl('p')], A::ChangePassword),
    // every table
    (C::Table, &[c('j'), k(K::Down)], A::MoveDown),
    (C::Table, &[c('k'), k(K::Up)], A::MoveUp),
    (C::Table, &[k(K::PageDown)], A::PageDown),
    (C::Table, &[k(K::PageUp)], A::PageUp),
    (C::Table, &[c('g'), k(K::Home)], A::Top),
    (C::Table, &[c('G'), k(K::End)], A::Bottom),
    (C::Table, &[c('/')], A::StartFilter),
    (C::Table, &[c('o')], A::SortNext),
    (C::Table, &[c('O')], A::SortReverse),
    (C::Table, &[k(K::Enter)], A::Open),
    (C::Table, &[c('n')], A::New),
    (C::Table, &[c('e')], A::Edit),
    (C::Table, &[c('D')], A::Archive),
    (C::Table, &[c('A')], A::ToggleArchived),
    (C::Table, &[c('r')], A::Reload),
    (C::Table, &[c('X')], A::Export),
    // per screen
    (C::Screen(S::Clients), &[c('m')], A::OnlyMine),
    (C::Screen(S::Clients), &[c('c')], A::Reassign),
    (C::Screen(S::Contracts), &[c('u')], A::NotSigned),
    (C::Screen(S::Contracts), &[c('b')], A::BalanceDue),
    (C::Screen(S::Contracts), &[c('m')], A::OnlyMine),
    (C::Screen(S::Contracts), &[c('s')], A::Sign),
    (C::Screen(S::Contracts), &[c('p')], A::RecordPayment),
    (C::Screen(S::Contracts), &[c('P')], A::CorrectPayment),
    (C::Screen(S::Events), &[c('u')], A::WithoutSupport),
    (C::Screen(S::Events), &[c('m')], A::AssignedToMe),
    (C::Screen(S::Events), &[c('t')], A::TimeWindow),
    (C::Screen(S::Events), &[c('a')], A::AssignSupport),
    (C::Screen(S::Collaborators), &[c('x')], A::ToggleActive),
    (C::Screen(S::Collaborators), &[c('w')], A::ResetPassword),
    (C::Screen(S::Notifications), &[c(' ')], A::MarkRead),
    (C::Screen(S::Notifications), &[c('M')], A::MarkAllRead),
    (C::Screen(S::Notifications), &[c('u')], A::UnreadOnly),
    // the dashboard: moving, opening, and a key per section for its full list
    (C::Screen(S::Today), &[c('j'), k(K::Down)], A::MoveDown),
    (C::Screen(S::Today), &[c('k'), k(K::Up)], A::MoveUp),
    (C::Screen(S::Today), &[c('g'), k(K::Home)], A::Top),
    (C::Screen(S::Today), &[c('G'), k(K::End)], A::Bottom),
    (C::Screen(S::Today), &[k(K::Enter)], A::Open),
    (C::Screen(S::Today), &[c('r')], A::Reload),
    (C::Screen(S::Today), &[c('e')], A::Section(1)),
    (C::Screen(S::Today), &[c('w')], A::Section(2)),
    (C::Screen(S::Today), &[c('u')], A::Section(3)),
    (C::Screen(S::Today), &[c('b')], A::Section(4)),
    (C::Screen(S::Today), &[c('n')], A::Section(5)),
    // one record
    (C::Detail, &[k(K::Esc)], A::Back),
    (C::Detail, &[c('j'), k(K::Down)], A::MoveDown),
    (C::Detail, &[c('k'), k(K::Up)], A::MoveUp),
    (C::Detail, &[k(K::PageDown)], A::PageDown),
    (C::Detail, &[k(K::PageUp)], A::PageUp),
    (C::Detail, &[c('g'), k(K::Home)], A::Top),
    (C::Detail, &[c('G'), k(K::End)], A::Bottom),
    (C::Detail, &[k(K::Enter)], A::Open),
    (C::Detail, &[c('s')], A::Sign),
    (C::Detail, &[c('p')], A::RecordPayment),
    (C::Detail, &[c('P')], A::CorrectPayment),
    (C::Detail, &[c('a')], A::AssignSupport),
    (C::Detail, &[c('c')], A::Reassign),
    (C::Detail, &[c('x')], A::ToggleActive),
    (C::Detail, &[c('w')], A::ResetPassword),
    (C::Detail, &[c('e')], A::Edit),
    (C::Detail, &[c('n')], A::New),
    (C::Detail, &[c('h')], A::History),
    (C::Detail, &[c('D')], A::Archive),
    (C::Detail, &[c('R')], A::Restore),
    (C::Detail, &[c('r')], A::Reload),
    // forms
    (C::Form, &[ctrl('s')], A::Save),
    (C::Form, &[k(K::Esc)], A::Cancel),
    (C::Form, &[k(K::Tab)], A::NextField),
    (C::Form, &[k(K::BackTab)], A::PrevField),
    // yes/no dialog (default No)
    (C::Confirm, &[c('y'), c('Y')], A::Confirm(true)),
    (C::Confirm, &[c('n'), c('N'), k(K::Esc)], A::Confirm(false)),
    (C::Confirm, &[k(K::Enter)], A::Select),
    (
        C::Confirm,
        &[
            k(K::Left),
            k(K::Right),
            c('h'),
            c('l'),
            k(K::Tab),
            k(K::BackTab),
        ],
        A::ToggleChoice,
    ),
    // pick one of a list, filtering as you type
    (C::Picker, &[k(K::Down), ctrl('n')], A::MoveDown),
    (C::Picker, &[k(K::Up), ctrl('p')], A::MoveUp),
    (C::Picker, &[k(K::PageDown)], A::PageDown),
    (C::Picker, &[k(K::PageUp)], A::PageUp),
    (C::Picker, &[k(K::Enter)], A::Select),
    (C::Picker, &[k(K::Esc)], A::Cancel),
    // the `/` filter line above a table
    (C::FilterInput, &[k(K::Enter)], A::KeepFilter),
    (C::FilterInput, &[k(K::Esc)], A::ClearFilter),
    // login screen
    (C::Login, &[k(K::Enter)], A::SignIn),
    (C::Login, &[k(K::Tab), k(K::Down)], A::NextField),
    (C::Login, &[k(K::BackTab), k(K::Up)], A::PrevField),
];

/// The default bindings, flattened. Each screen's number key comes from the
/// screen itself, right after quit.
pub(super) fn default_bindings() -> Vec<Binding> {
    let mut out = Vec::new();
    for (context, keys, action) in DEFAULTS {
        out.extend(keys.iter().map(|key| Binding {
            context: *context,
            key: *key,
            action: *action,
        }));
        if *action == A::Quit {
            out.extend(Screen::ALL.iter().map(|s| Binding {
                context: C::Global,
                key: c(char::from(b'0' + s.number() % 10)),
                action: A::GoScreen(*s),
            }));
        }
    }
    out
}
