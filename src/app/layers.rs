//! The keys of the layers over a screen (forms, pickers, yes/no dialogs) as
//! pure handlers: each changes the workspace and returns the [`Effect`]s it
//! needs (save on the worker, a write, quitting), which `actions::apply` runs.
//! A test drives them on a bare workspace.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::effect::Effect;
use crate::action::Action;
use crate::state::confirm::ConfirmDialog;
use crate::state::form::{edit, FormInput};
use crate::state::list::ListState;
use crate::state::picker::PickerEvent;
use crate::state::{ConfirmState, FormKind, Overlay, Pending, PickPurpose, Workspace};

/// Puts a yes/no question on top.
pub fn ask(ws: &mut Workspace, title: &str, message: &str, pending: Pending) {
    ws.overlays.push(Overlay::Confirm(ConfirmState {
        dialog: ConfirmDialog::new(title, message),
        pending,
    }));
}

/// Removes the topmost form (and what is over it).
fn close_form(ws: &mut Workspace) {
    if let Some(i) = ws
        .overlays
        .iter()
        .rposition(|o| matches!(o, Overlay::Form(_)))
    {
        ws.overlays.remove(i);
    }
}

/// A key no binding claimed, typed into whatever takes text: the picker's
/// query, the form's focused field, the `/` filter line (each key asks for the
/// newest query); over help, any key closes it.
pub fn typed(ws: &mut Workspace, key: KeyEvent) -> Vec<Effect> {
    match ws.overlays.last_mut() {
        Some(Overlay::Picker(p)) => {
            p.picker.input(key);
        }
        Some(Overlay::Form(f)) => {
            let r = f.form.input(key);
            return form_input(ws, r);
        }
        Some(Overlay::Help { .. }) => {
            ws.overlays.pop();
        }
        Some(_) => {}
        None => {
            let list = ws.list_mut();
            if !list.editing_filter {
                // Esc on the table drops a filter kept with Enter.
                if key.code == KeyCode::Esc && !list.filter_text.is_empty() {
                    list.filter_text.clear();
                    list.requery();
                }
                return Vec::new();
            }
            if filter_line(list, |text, cursor| edit::edit_line(text, cursor, key)) {
                list.requery();
            }
        }
    }
    Vec::new()
}

/// Pasted text, into the form's focused field, the picker's query or the
/// filter line being typed.
pub fn pasted(ws: &mut Workspace, text: &str) {
    match ws.overlays.last_mut() {
        Some(Overlay::Form(f)) => {
            f.form.paste(text);
        }
        Some(_) => {}
        None => {
            let list = ws.list_mut();
            if list.editing_filter
                && filter_line(list, |line, cursor| edit::paste_line(line, cursor, text))
            {
                list.requery();
            }
        }
    }
}

/// Edits the `/` filter line with the keys of a form field; true when its
/// text changed (a new query is due).
pub fn filter_line(
    list: &mut ListState,
    f: impl FnOnce(&mut String, &mut usize) -> edit::Edit,
) -> bool {
    let len = list.filter_text.chars().count();
    let mut cursor = len - list.filter_back.min(len);
    let r = f(&mut list.filter_text, &mut cursor);
    list.filter_back = list.filter_text.chars().count().saturating_sub(cursor);
    r == edit::Edit::Changed
}

/// An action in the form on top.
pub fn form(ws: &mut Workspace, action: Action) -> Vec<Effect> {
    let Some(f) = ws.form_mut() else {
        return Vec::new();
    };
    match action {
        Action::NextField => f.form.focus_next(),
        Action::PrevField => f.form.focus_prev(),
        Action::Cancel => {
            if f.kind == (FormKind::ChangePassword { forced: true }) {
                return vec![Effect::Lock(
                    "A new password is needed before going on.".into(),
                )];
            }
            if f.form.is_dirty() {
                ask(ws, "Discard", "Discard your changes?", Pending::DiscardForm);
            } else {
                ws.overlays.pop();
                return vec![Effect::ClearToast];
            }
        }
        Action::Save => return vec![Effect::SaveForm],
        _ => {}
    }
    Vec::new()
}

/// What the form did with a typed key.
pub fn form_input(ws: &mut Workspace, r: FormInput) -> Vec<Effect> {
    match r {
        FormInput::OpenPicker(field) => {
            let title = ws
                .form()
                .and_then(|f| f.form.field(&field).map(|x| x.label().to_string()))
                .unwrap_or_default();
            let purpose = PickPurpose::FormField(field.clone());
            vec![Effect::OpenPicker {
                title,
                field,
                purpose,
            }]
        }
        FormInput::Submit => form(ws, Action::Save),
        FormInput::Consumed | FormInput::Ignored => Vec::new(),
    }
}

/// An action in the picker on top: a choice for a form field fills it; any
/// other choice is a write.
pub fn picker(ws: &mut Workspace, action: Action) -> Vec<Effect> {
    let Some(Overlay::Picker(p)) = ws.overlays.last_mut() else {
        return Vec::new();
    };
    let Some(ev) = p.picker.handle(action) else {
        return Vec::new();
    };
    let purpose = p.purpose.clone();
    ws.overlays.pop();
    let PickerEvent::Chosen(id, label) = ev else {
        return Vec::new();
    };
    if let PickPurpose::FormField(field) = &purpose {
        if let Some(f) = ws.form_mut() {
            f.form.set_choice(field, Some((id, label)));
            f.form.focus_next();
        }
        return Vec::new();
    }
    vec![Effect::Picked(purpose, id, label)]
}

/// An action in the yes/no dialog on top.
pub fn confirm(ws: &mut Workspace, action: Action) -> Vec<Effect> {
    let Some(Overlay::Confirm(c)) = ws.overlays.last_mut() else {
        return Vec::new();
    };
    let Some(yes) = c.dialog.handle(action) else {
        return Vec::new();
    };
    let pending = c.pending.clone();
    ws.overlays.pop();
    if !yes {
        return Vec::new();
    }
    match pending {
        Pending::Quit => vec![Effect::Quit],
        Pending::DiscardForm => {
            close_form(ws);
            // The form's error message goes with it.
            vec![Effect::ClearToast]
        }
        Pending::SaveForm(question) => match ws.form_mut() {
            Some(f) => {
                f.form.confirm(question);
                vec![Effect::SaveForm]
            }
            None => Vec::new(),
        },
        Pending::ReloadForm => match ws.form().map(|f| f.kind.clone()) {
            Some(kind) => vec![Effect::ReloadForm(kind)],
            None => Vec::new(),
        },
        other => vec![Effect::Confirmed(other)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::policy::Actor;
    use crate::session::Session;
    use crate::state::form::{Field, FieldKind, Form};
    use crate::state::picker::Picker;
    use crate::state::{FormState, PickerState};

    fn ws() -> Workspace {
        let session = Session {
            collaborator_id: 1,
            name: "Mia".into(),
            email: "mia@example.com".into(),
            role: Role::Management,
            must_change_password: false,
            logged_in_at: chrono::NaiveDateTime::default(),
        };
        let actor = Actor {
            id: 1,
            role: Role::Management,
            active: true,
        };
        Workspace::new(session, actor)
    }

    fn with_form(kind: FormKind) -> Workspace {
        let mut w = ws();
        let form = Form::new(
            "Form",
            vec![
                Field::new("name", "Name", FieldKind::SingleLine),
                Field::new("support", "Support", FieldKind::Picker),
            ],
        );
        w.overlays.push(Overlay::Form(Box::new(FormState {
            kind,
            form,
            note: String::new(),
        })));
        w
    }

    #[test]
    fn typing_goes_to_the_filter_line_the_field_or_closes_help() {
        use ratatui::crossterm::event::KeyModifiers;
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let mut w = ws();
        let before = w.list().generation;
        assert!(typed(&mut w, key('k')).is_empty());
        assert_eq!(w.list().generation, before, "not editing the filter");
        w.list_mut().editing_filter = true;
        typed(&mut w, key('k'));
        typed(&mut w, key('a'));
        assert_eq!(w.list().filter_text, "ka");
        assert!(w.list().generation > before && w.list().dirty);

        w.overlays.push(Overlay::Help { scroll: 0 });
        typed(&mut w, key('x'));
        assert!(w.overlays.is_empty());

        let mut w = with_form(FormKind::NewClient);
        typed(&mut w, key('K'));
        assert_eq!(
            w.form().and_then(|f| f.form.value("name")).as_deref(),
            Some("K")
        );
    }

    #[test]
    fn cancel_asks_only_when_changed_and_a_forced_password_form_locks() {
        let mut w = with_form(FormKind::NewClient);
        assert_eq!(form(&mut w, Action::Cancel), vec![Effect::ClearToast]);
        assert!(w.overlays.is_empty());

        let mut w = with_form(FormKind::NewClient);
        if let Some(f) = w.form_mut() {
            f.form.set_value("name", "Kate");
        }
        assert!(form(&mut w, Action::Cancel).is_empty());
        assert!(matches!(w.top(), Some(Overlay::Confirm(_))));
        assert_eq!(
            confirm(&mut w, Action::Confirm(true)),
            vec![Effect::ClearToast]
        );
        assert!(w.overlays.is_empty(), "yes discards the form");

        let mut w = with_form(FormKind::ChangePassword { forced: true });
        assert!(matches!(
            form(&mut w, Action::Cancel).as_slice(),
            [Effect::Lock(_)]
        ));
        assert_eq!(form(&mut w, Action::Save), vec![Effect::SaveForm]);
    }

    #[test]
    fn a_picker_fills_its_field_or_asks_for_a_write() {
        let mut w = with_form(FormKind::NewClient);
        w.overlays.push(Overlay::Picker(PickerState {
            picker: Picker::new("Support", vec![(7, "Kate".into())]),
            purpose: PickPurpose::FormField("support".into()),
        }));
        assert!(picker(&mut w, Action::Select).is_empty());
        assert_eq!(
            w.form().and_then(|f| f.form.choice("support")),
            Some((7, "Kate"))
        );

        let mut w = ws();
        let purpose = PickPurpose::AssignSupport {
            event: 3,
            version: 1,
        };
        w.overlays.push(Overlay::Picker(PickerState {
            picker: Picker::new("Support", vec![(7, "Kate".into())]),
            purpose: purpose.clone(),
        }));
        assert_eq!(
            picker(&mut w, Action::Select),
            vec![Effect::Picked(purpose, 7, "Kate".into())]
        );
        assert!(w.overlays.is_empty());
    }

    #[test]
    fn a_dialog_answers_no_by_default_and_yes_asks_for_its_write() {
        let mut w = ws();
        let sign = Pending::Sign { id: 4, version: 2 };
        ask(&mut w, "Sign", "Sign #4?", sign.clone());
        assert!(
            confirm(&mut w, Action::Select).is_empty(),
            "No is highlighted"
        );
        assert!(w.overlays.is_empty());
        ask(&mut w, "Sign", "Sign #4?", sign.clone());
        assert!(confirm(&mut w, Action::ToggleChoice).is_empty());
        assert_eq!(
            confirm(&mut w, Action::Select),
            vec![Effect::Confirmed(sign)]
        );
        ask(&mut w, "Quit", "Quit?", Pending::Quit);
        assert_eq!(confirm(&mut w, Action::Confirm(true)), vec![Effect::Quit]);
    }
}
