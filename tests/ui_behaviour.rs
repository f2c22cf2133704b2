//! How the interactive widgets react to keys, driven through the default keymap the
//! way the application will drive them.

use epicevents::action::Action;
use epicevents::keymap::{Context, Keymap};
use epicevents::ui::widgets::{
    ConfirmDialog, Field, FieldKind, Form, FormInput, Picker, PickerEvent,
};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        assert_eq!(form.input(key(KeyCode::Char(c))), FormInput::Consumed);
    }
}

fn login_form() -> Form {
    Form::new(
        "Sign in",
        vec![
            Field::new("email", "Email", FieldKind::SingleLine).required(),
            Field::new("password", "Password", FieldKind::Masked).required(),
        ],
    )
}

#[test]
fn enter_moves_through_single_line_fields_then_submits() {
    let mut form = login_form();
    assert_eq!(form.focused(), Some("email"));
    type_text(&mut form, "kate@epicevents.example");
    assert_eq!(form.input(key(KeyCode::Enter)), FormInput::Consumed);
    assert_eq!(form.focused(), Some("password"));
    type_text(&mut form, "secret");
    assert_eq!(form.input(key(KeyCode::Enter)), FormInput::Submit);
    assert_eq!(
        form.value("email").as_deref(),
        Some("kate@epicevents.example")
    );
    assert_eq!(form.value("password").as_deref(), Some("secret"));
}

#[test]
fn focus_cycles_and_skips_read_only_fields() {
    let mut form = Form::new(
        "Edit",
        vec![
            Field::new("number", "No.", FieldKind::SingleLine).read_only(),
            Field::new("name", "Name", FieldKind::SingleLine),
            Field::new("notes", "Notes", FieldKind::MultiLine(3)),
        ],
    );
    assert_eq!(form.focused(), Some("name"));
    form.focus_next();
    assert_eq!(form.focused(), Some("notes"));
    form.focus_next();
    assert_eq!(form.focused(), Some("name"));
    form.focus_prev();
    assert_eq!(form.focused(), Some("notes"));
    assert!(!form.focus("number"));
    // Enter in notes is a newline, not a field change.
    type_text(&mut form, "one");
    assert_eq!(form.input(key(KeyCode::Enter)), FormInput::Consumed);
    type_text(&mut form, "two");
    assert_eq!(form.focused(), Some("notes"));
    assert_eq!(form.value("notes").as_deref(), Some("one\ntwo"));
    // Tab never lands in the text.
    assert_eq!(form.input(key(KeyCode::Tab)), FormInput::Consumed);
    assert_eq!(form.focused(), Some("name"));
    assert_eq!(form.value("notes").as_deref(), Some("one\ntwo"));
}

#[test]
fn dirty_tracking_errors_and_required_fields() {
    let mut form = Form::new(
        "Edit client",
        vec![
            Field::new("name", "Name", FieldKind::SingleLine)
                .with_value("Kevin Casey")
                .required(),
            Field::new("sales", "Sales contact", FieldKind::Picker).with_choice(3, "Bill Boquet"),
            Field::new("phone", "Phone", FieldKind::SingleLine),
        ],
    );
    assert!(!form.is_dirty());
    form.set_value("name", "");
    assert!(form.is_dirty());
    assert!(!form.require_filled("Required."));
    assert_eq!(
        form.field("name").and_then(|f| f.error()),
        Some("Required.")
    );
    assert!(form.field("phone").and_then(|f| f.error()).is_none());
    form.clear_errors();
    assert!(!form.has_errors());
    form.set_value("name", "Kevin Casey");
    assert!(!form.is_dirty());
    form.set_choice("sales", Some((4, "Anne Roy".into())));
    assert!(form.is_dirty());
    assert_eq!(form.choice("sales"), Some((4, "Anne Roy")));
    form.mark_saved();
    assert!(!form.is_dirty());
    assert!(form.set_error("phone", "Not a phone number."));
    assert!(!form.set_error("nope", "no such field"));
    assert!(form.focus_first_error());
    assert_eq!(form.focused(), Some("phone"));
}

#[test]
fn enter_on_a_picker_field_asks_for_a_picker() {
    let mut form = Form::new(
        "New contract",
        vec![Field::new("client", "Client", FieldKind::Picker).required()],
    );
    assert_eq!(
        form.input(key(KeyCode::Enter)),
        FormInput::OpenPicker("client".into())
    );
    assert_eq!(form.input(key(KeyCode::Char('x'))), FormInput::Ignored);
    assert!(form.set_choice("client", Some((7, "Kevin Casey".into()))));
    assert_eq!(form.value("client").as_deref(), Some("Kevin Casey"));
}

#[test]
fn confirm_defaults_to_no_and_follows_the_keys() {
    let keymap = Keymap::defaults();
    let answer = |keys: &[KeyEvent]| {
        let mut dialog = ConfirmDialog::new("Sign", "Sign contract #12?");
        keys.iter().find_map(|k| {
            let action = keymap.resolve(&[Context::Confirm], k)?;
            dialog.handle(action)
        })
    };
    assert_eq!(answer(&[key(KeyCode::Enter)]), Some(false));
    assert_eq!(answer(&[key(KeyCode::Esc)]), Some(false));
    assert_eq!(answer(&[key(KeyCode::Char('y'))]), Some(true));
    assert_eq!(answer(&[key(KeyCode::Char('n'))]), Some(false));
    assert_eq!(
        answer(&[key(KeyCode::Left), key(KeyCode::Enter)]),
        Some(true)
    );
    assert_eq!(
        answer(&[
            key(KeyCode::Right),
            key(KeyCode::Right),
            key(KeyCode::Enter)
        ]),
        Some(false)
    );
}

fn staff() -> Vec<(i64, String)> {
    vec![
        (1, "Kate Hastroff".into()),
        (2, "Aliénor Vichum".into()),
        (3, "Bill Boquet".into()),
    ]
}

#[test]
fn picker_matches_ignoring_case_and_accents() {
    let mut picker = Picker::new("Assign support", staff());
    for query in ["alienor", "ALIÉNOR", "aliénor", "vich"] {
        picker.set_query(query);
        let found: Vec<i64> = picker.matches().map(|(id, _)| *id).collect();
        assert_eq!(found, vec![2], "query {query:?}");
    }
    picker.set_query("zzz");
    assert_eq!(picker.matches().count(), 0);
    assert_eq!(picker.handle(Action::Select), None);
    picker.set_query("");
    assert_eq!(picker.matches().count(), 3);
}

#[test]
fn picker_is_driven_by_typing_and_the_keymap() {
    let keymap = Keymap::defaults();
    let mut picker = Picker::new("Assign support", staff());
    let mut outcome = None;
    for k in [
        key(KeyCode::Char('b')),
        key(KeyCode::Backspace),
        key(KeyCode::Down),
        key(KeyCode::Enter),
    ] {
        match keymap.resolve(&[Context::Picker], &k) {
            Some(action) => outcome = picker.handle(action),
            None => {
                picker.input(k);
            }
        }
    }
    assert_eq!(
        outcome,
        Some(PickerEvent::Chosen(2, "Aliénor Vichum".into()))
    );
    let esc = keymap.resolve(&[Context::Picker], &key(KeyCode::Esc));
    assert_eq!(
        esc.and_then(|a| picker.handle(a)),
        Some(PickerEvent::Cancelled)
    );
}

#[test]
fn passwords_stay_out_of_debug_output() {
    let mut form = login_form();
    form.focus("password");
    type_text(&mut form, "hunter2-secret");
    let shown = format!("{form:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("<hidden>"));
}
