//! The keymap is tested without a terminal: key events are plain values.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::action::{Action, Screen};

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

const EVENTS: &[Context] = &[
    Context::Screen(Screen::Events),
    Context::Table,
    Context::Global,
];
const CONTRACTS: &[Context] = &[
    Context::Screen(Screen::Contracts),
    Context::Table,
    Context::Global,
];

#[test]
fn defaults_follow_the_spec() {
    let km = Keymap::defaults();
    let r = |key: KeyEvent| km.resolve(EVENTS, &key);
    assert_eq!(r(ch('?')), Some(Action::Help));
    assert_eq!(r(ch('q')), Some(Action::Quit));
    assert_eq!(r(ctrl('c')), Some(Action::Quit));
    assert_eq!(r(ctrl('l')), Some(Action::Lock));
    assert_eq!(r(ch('4')), Some(Action::GoScreen(Screen::Collaborators)));
    assert_eq!(r(press(KeyCode::Tab)), Some(Action::NextScreen));
    assert_eq!(r(press(KeyCode::BackTab)), Some(Action::PrevScreen));
    for (key, action) in [
        (ch('j'), Action::MoveDown),
        (press(KeyCode::Down), Action::MoveDown),
        (ch('k'), Action::MoveUp),
        (press(KeyCode::PageDown), Action::PageDown),
        (ch('g'), Action::Top),
        (press(KeyCode::End), Action::Bottom),
        (ch('G'), Action::Bottom),
        (ch('/'), Action::StartFilter),
        (ch('o'), Action::SortNext),
        (ch('O'), Action::SortReverse),
        (press(KeyCode::Enter), Action::Open),
        (ch('D'), Action::Archive),
        (ch('A'), Action::ToggleArchived),
        (ch('r'), Action::Reload),
        (ch('u'), Action::WithoutSupport),
        (ch('m'), Action::AssignedToMe),
        (ch('t'), Action::TimeWindow),
        (ch('a'), Action::AssignSupport),
    ] {
        assert_eq!(r(key), Some(action), "{key:?}");
    }
    let form = [Context::Form, Context::Global];
    assert_eq!(km.resolve(&form, &ctrl('s')), Some(Action::Save));
    assert_eq!(
        km.resolve(&form, &press(KeyCode::Esc)),
        Some(Action::Cancel)
    );
    assert_eq!(
        km.resolve(&form, &press(KeyCode::Tab)),
        Some(Action::NextField)
    );
    let confirm = [Context::Confirm];
    assert_eq!(km.resolve(&confirm, &ch('y')), Some(Action::Confirm(true)));
    assert_eq!(
        km.resolve(&confirm, &press(KeyCode::Esc)),
        Some(Action::Confirm(false))
    );
}

#[test]
fn screen_context_wins_over_table_and_global() {
    let km = Keymap::defaults();
    assert_eq!(km.resolve(CONTRACTS, &ch('u')), Some(Action::NotSigned));
    assert_eq!(km.resolve(EVENTS, &ch('u')), Some(Action::WithoutSupport));
    assert_eq!(km.resolve(CONTRACTS, &ch('m')), Some(Action::OnlyMine));
    assert_eq!(km.resolve(EVENTS, &ch('m')), Some(Action::AssignedToMe));
    // Tab is "next field" in a form, "next screen" elsewhere.
    let form = [Context::Form, Context::Global];
    assert_eq!(
        km.resolve(&form, &press(KeyCode::BackTab)),
        Some(Action::PrevField)
    );
    // Keys of contexts that are not live do nothing.
    assert_eq!(km.resolve(&[Context::Global], &ch('j')), None);
}

#[test]
fn text_entry_keeps_typed_characters() {
    let km = Keymap::defaults();
    let filtering = [
        Context::FilterInput,
        Context::Screen(Screen::Events),
        Context::Table,
        Context::Global,
    ];
    assert_eq!(km.resolve(&filtering, &ch('q')), None);
    assert_eq!(km.resolve(&filtering, &ch('j')), None);
    assert_eq!(km.resolve(&filtering, &press(KeyCode::Home)), None);
    assert_eq!(
        km.resolve(&filtering, &press(KeyCode::Down)),
        Some(Action::MoveDown)
    );
    assert_eq!(
        km.resolve(&filtering, &press(KeyCode::Enter)),
        Some(Action::KeepFilter)
    );
    assert_eq!(km.resolve(&filtering, &ctrl('c')), Some(Action::Quit));
    let form = [Context::Form, Context::Global];
    assert_eq!(km.resolve(&form, &ch('1')), None);
}

#[test]
fn only_presses_resolve() {
    let km = Keymap::defaults();
    let mut release = ch('q');
    release.kind = KeyEventKind::Release;
    assert_eq!(km.resolve(EVENTS, &release), None);
    let mut repeat = ch('j');
    repeat.kind = KeyEventKind::Repeat;
    assert_eq!(km.resolve(EVENTS, &repeat), None);
}

#[test]
fn shift_is_normalised_for_characters_and_backtab() {
    let km = Keymap::defaults();
    let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(km.resolve(EVENTS, &shifted_g), Some(Action::Bottom));
    let shifted_backtab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(
        km.resolve(EVENTS, &shifted_backtab),
        Some(Action::PrevScreen)
    );
}

#[test]
fn key_names_parse_and_display() {
    for (text, shown) in [
        ("w", "w"),
        ("G", "G"),
        ("ctrl-w", "Ctrl-W"),
        ("Ctrl-S", "Ctrl-S"),
        ("alt-x", "Alt-x"),
        ("shift-tab", "Shift-Tab"),
        ("enter", "Enter"),
        ("pgdn", "PgDn"),
        ("down", "↓"),
        ("space", "Space"),
        ("f5", "F5"),
        ("-", "-"),
        ("ctrl--", "Ctrl--"),
    ] {
        let combo = KeyCombo::parse(text).map_err(|e| format!("{text}: {e}"));
        assert_eq!(combo.map(|c| c.to_string()), Ok(shown.to_string()));
    }
    assert!(KeyCombo::parse("hyper-x").is_err());
    assert!(KeyCombo::parse("pagesideways").is_err());
    assert!(KeyCombo::parse("").is_err());
}

#[test]
fn overrides_from_toml_apply() {
    let text = "[events]\nwithout_support = \"w\"\n[table]\nmove_down = [\"j\", \"ctrl-n\"]\n";
    let km = Keymap::from_toml_str(text).expect("valid keys file");
    assert_eq!(km.resolve(EVENTS, &ch('w')), Some(Action::WithoutSupport));
    // `u` no longer means "without support"; nothing else claims it on Events.
    assert_eq!(km.resolve(EVENTS, &ch('u')), None);
    assert_eq!(km.resolve(EVENTS, &ctrl('n')), Some(Action::MoveDown));
    assert_eq!(km.resolve(EVENTS, &press(KeyCode::Down)), None);
    // Other contexts keep their defaults.
    assert_eq!(km.resolve(CONTRACTS, &ch('u')), Some(Action::NotSigned));
}

#[test]
fn missing_file_is_silent_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (km, warning) = Keymap::load(&dir.path().join("keys.toml"));
    assert_eq!(km, Keymap::defaults());
    assert_eq!(warning, None);
}

#[test]
fn hints_come_from_the_table_and_respect_the_predicate() {
    let km = Keymap::defaults();
    let all = km.hints(EVENTS, |_| true);
    let find = |hints: &[Hint], a: Action| hints.iter().find(|h| h.action == a).cloned();
    let down = find(&all, Action::MoveDown).expect("move down hint");
    assert_eq!(down.keys, "j/↓");
    assert_eq!(down.context, Context::Table);
    assert_eq!(
        find(&all, Action::WithoutSupport).map(|h| h.keys),
        Some("u".into())
    );
    // Screen hints come before table hints, which come before global ones.
    let pos = |a: Action| all.iter().position(|h| h.action == a);
    assert!(pos(Action::WithoutSupport) < pos(Action::MoveDown));
    assert!(pos(Action::MoveDown) < pos(Action::Help));

    let support_only = km.hints(EVENTS, |a| {
        !matches!(
            a,
            Action::WithoutSupport | Action::AssignSupport | Action::New
        )
    });
    assert!(find(&support_only, Action::WithoutSupport).is_none());
    assert!(find(&support_only, Action::AssignedToMe).is_some());

    // Every listed key really resolves to the listed action.
    for hint in &all {
        for key in km.keys_for(hint.context, hint.action) {
            if hint.keys.split('/').any(|k| k == key.to_string()) {
                assert_eq!(km.resolve_combo(EVENTS, key), Some(hint.action));
            }
        }
    }
}

#[test]
fn shadowed_keys_are_not_hinted() {
    let km = Keymap::defaults();
    let form = [Context::Form, Context::Global];
    let hints = km.hints(&form, |_| true);
    // Tab belongs to the form here, so "next screen" is not offered.
    assert!(hints.iter().all(|h| h.action != Action::NextScreen));
    // Typing characters in a form never quits; only Ctrl-C does.
    let quit = hints
        .iter()
        .find(|h| h.action == Action::Quit)
        .map(|h| h.keys.clone());
    assert_eq!(quit.as_deref(), Some("Ctrl-C"));
    assert!(hints.iter().all(|h| h.action != Action::Help));
}

#[test]
fn a_key_another_action_has_is_refused_and_the_default_stays() {
    let km = Keymap::parse("[table]\nreload = \"o\"\n");
    assert_eq!(km.resolve(EVENTS, &ch('o')), Some(Action::SortNext));
    assert_eq!(km.resolve(EVENTS, &ch('r')), Some(Action::Reload));
    let problems: Vec<String> = km.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        vec![
            "line 2: reload in [table] cannot have \"o\": sort_next in [table] has it; \
             it keeps \"r\""
                .to_string()
        ]
    );
    // Freeing the key first makes the move possible.
    let km = Keymap::parse("[table]\nreload = \"o\"\nsort_next = \"z\"\n");
    assert!(km.problems().is_empty(), "{:?}", km.problems());
    assert_eq!(km.resolve(EVENTS, &ch('o')), Some(Action::Reload));
    assert_eq!(km.resolve(EVENTS, &ch('z')), Some(Action::SortNext));
    // Freeing it for a key that is taken gives both back their defaults.
    let km = Keymap::parse("[table]\nreload = \"o\"\nsort_next = \"x\"\n");
    assert_eq!(km.resolve(EVENTS, &ch('o')), Some(Action::SortNext));
    assert_eq!(km.resolve(EVENTS, &ch('r')), Some(Action::Reload));
    assert_eq!(km.problems().len(), 2, "{:?}", km.problems());
}

#[test]
fn conflicts_are_refused_where_the_contexts_work_together() {
    // The two of the audit: quitting on a screen's number, and moving taken away.
    let km = Keymap::parse(
        "[global]\nquit = \"1\"\n[events]\nwithout_support = \"j\"\nassign_support = \"w\"\n",
    );
    assert_eq!(
        km.resolve(EVENTS, &ch('1')),
        Some(Action::GoScreen(Screen::Clients))
    );
    assert_eq!(km.resolve(EVENTS, &ch('q')), Some(Action::Quit));
    assert_eq!(km.resolve(EVENTS, &ctrl('c')), Some(Action::Quit));
    assert_eq!(km.resolve(EVENTS, &ch('j')), Some(Action::MoveDown));
    assert_eq!(km.resolve(EVENTS, &ch('u')), Some(Action::WithoutSupport));
    // The good line still applies.
    assert_eq!(km.resolve(EVENTS, &ch('w')), Some(Action::AssignSupport));
    let lines: Vec<Option<usize>> = km.problems().iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![Some(2), Some(4)]);
    let text = km.problems()[1].to_string();
    assert!(text.contains("move_down in [table] has it"), "{text}");
    // Two lines after one key: the first keeps it.
    let km = Keymap::parse("[events]\nassign_support = \"w\"\ntime_window = \"w\"\n");
    assert_eq!(km.resolve(EVENTS, &ch('w')), Some(Action::AssignSupport));
    assert_eq!(km.resolve(EVENTS, &ch('t')), Some(Action::TimeWindow));
    assert_eq!(km.problems().len(), 1);
    assert_eq!(km.problems()[0].line, Some(3));
    // Contexts that never work together may share a key; a form takes its keys first.
    let km = Keymap::parse(
        "[clients]\nonly_mine = \"z\"\n[events]\ntime_window = \"z\"\n[form]\nsave = \"ctrl-l\"\n",
    );
    assert!(km.problems().is_empty(), "{:?}", km.problems());
}

#[test]
fn the_defaults_have_no_conflict() {
    let km = Keymap::defaults();
    for b in km.bindings() {
        assert_eq!(km.conflict(b.context, b.action, b.key), None, "{b:?}");
    }
}

#[test]
fn every_bad_line_is_listed_and_every_good_one_kept() {
    let text = "[events]\nwithut_support = \"w\"\ntime_window = \"T\"\n\
                [evnts]\nwithout_support = \"w\"\n[table]\nreload = \"hyper-r\"\n\
                sort_reverse = 3\nmove_down = [\"j\", \"ctrl-n\"]\n";
    let km = Keymap::parse(text);
    assert_eq!(km.resolve(EVENTS, &ch('T')), Some(Action::TimeWindow));
    assert_eq!(km.resolve(EVENTS, &ctrl('n')), Some(Action::MoveDown));
    let problems: Vec<String> = km.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    for (problem, expected) in problems.iter().zip([
        "line 2: unknown action \"withut_support\" in [events]",
        "line 4: unknown section [evnts]",
        "line 7: unknown modifier \"hyper\" in \"hyper-r\" for reload in [table]",
        "line 8: expected a key or a list of keys, found integer for sort_reverse in [table]",
    ]) {
        assert!(
            problem.starts_with(expected),
            "{problem:?} is not {expected:?}"
        );
    }
    assert_eq!(
        Keymap::from_toml_str(text).map(|_| ()),
        Err(problems.join("\n"))
    );
}

#[test]
fn a_bad_file_gives_a_warning_naming_the_line() {
    let cases = [
        ("[events]\nwithout_support = \n", "line 2"),
        (
            "[events]\n\nwithut_support = \"w\"\n",
            "line 3: unknown action \"withut_support\"",
        ),
        (
            "[events]\nwithout_support = \"hyper-w\"\n",
            "line 2: unknown modifier",
        ),
        (
            "[evnts]\nwithout_support = \"w\"\n",
            "line 1: unknown section [evnts]",
        ),
        ("[events]\nwithout_support = 3\n", "line 2: expected a key"),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keys.toml");
    for (text, expected) in cases {
        std::fs::write(&path, text).expect("write keys file");
        let (km, warning) = Keymap::load(&path);
        assert_eq!(km.bindings(), Keymap::defaults().bindings(), "{text}");
        assert_eq!(km.problems().len(), 1, "{text}");
        let warning = warning.unwrap_or_default();
        assert!(warning.contains(expected), "{warning:?} lacks {expected:?}");
        assert!(warning.contains("keys.toml"), "{warning}");
    }
}

#[test]
fn the_printed_defaults_are_complete_and_read_back_unchanged() {
    let defaults = Keymap::defaults();
    let text = defaults.to_toml();
    let km = Keymap::parse(&text);
    assert!(km.problems().is_empty(), "{:?}", km.problems());
    assert_eq!(km.bindings(), defaults.bindings());
    for action in Action::all() {
        let named = format!("\n{} = ", action.name());
        let listed = format!("#   {} ", action.name());
        assert!(
            text.contains(&named) || text.contains(&listed),
            "{} missing",
            action.name()
        );
    }
}

#[test]
fn the_readme_lists_every_action_as_the_defaults_have_it() {
    let readme = include_str!("../../README.md");
    let section = Keymap::defaults().readme_section();
    assert!(
        readme.contains(&section),
        "README.md's list of actions differs from the defaults; replace it with:\n{section}"
    );
    for action in Action::all() {
        assert!(section.contains(&format!("`{}`", action.name())));
    }
}
