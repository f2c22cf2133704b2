//! Text editing through the running app: every field and the `/` filter line
//! take the readline keys (Ctrl-U clears to the start, Ctrl-W a word, Alt-b
//! moves a word back, Left moves the cursor…), passwords included; a pasted
//! text arrives whole and a long field keeps up with the keys that follow.

mod common;
mod tui_support;

use std::time::Instant;

use common::TestDb;
use epicevents::app::{AppOptions, Mode};
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_support::*;

const PASSWORD: &str = "Correct-Horse-Battery-9";

fn alt(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)
}

fn hit(app: &mut epicevents::app::App, k: KeyEvent) {
    app.handle_key(k);
    app.settle();
}

fn gate_value(app: &epicevents::app::App, field: &str) -> String {
    match &app.mode {
        Mode::Gate(g) => g.form.value(field).unwrap_or_default(),
        Mode::Work(_) => panic!("expected the login screen"),
    }
}

#[test]
fn ctrl_u_clears_a_password_on_first_run_and_it_is_never_shown() {
    utc();
    let db = TestDb::sqlite();
    let mut a = app_with(
        &db,
        AppOptions::default(),
        Keymap::defaults(),
        Theme::colored(),
    );
    type_text(&mut a, "Paul Durand");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "paul@epicevents.example");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab); // no phone
    type_text(&mut a, "First-Attempt-Typo");
    assert!(!screen_text(&a, 120, 40).contains("First-Attempt"));
    press_ctrl(&mut a, 'u');
    assert_eq!(gate_value(&a, "password"), "", "Ctrl-U clears the field");
    type_text(&mut a, PASSWORD);
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, PASSWORD);
    let shown = screen_text(&a, 120, 40);
    assert!(!shown.contains(PASSWORD) && !shown.contains("Horse"));
    press(&mut a, KeyCode::Enter);
    assert!(
        a.workspace().is_some(),
        "the admin is created: {}",
        screen_text(&a, 120, 40)
    );
    db.crm
        .login("paul@epicevents.example", PASSWORD)
        .expect("the password typed after Ctrl-U is the one saved");
}

#[test]
fn a_field_edits_like_readline() {
    let db = demo_db();
    let mut a = app(&db);
    type_text(&mut a, "hello brave world");
    press_ctrl(&mut a, 'w');
    assert_eq!(gate_value(&a, "email"), "hello brave ");
    hit(&mut a, alt('b'));
    press_ctrl(&mut a, 'k');
    assert_eq!(gate_value(&a, "email"), "hello ", "Alt-b, then Ctrl-K");
    press_ctrl(&mut a, 'a');
    ch(&mut a, '<');
    press(&mut a, KeyCode::End);
    ch(&mut a, '>');
    assert_eq!(gate_value(&a, "email"), "<hello >");
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Left);
    ch(&mut a, '!');
    assert_eq!(
        gate_value(&a, "email"),
        "<hello! >",
        "Left moves the cursor"
    );
    press(&mut a, KeyCode::Home);
    hit(&mut a, alt('f'));
    ch(&mut a, '_');
    assert_eq!(
        gate_value(&a, "email"),
        "<hello_! >",
        "Alt-f: end of the word"
    );
    press_ctrl(&mut a, 'e');
    press_ctrl(&mut a, 'u');
    assert_eq!(gate_value(&a, "email"), "");
    press_ctrl(&mut a, 'z');
    assert_eq!(gate_value(&a, "email"), "<hello_! >", "Ctrl-Z undoes");
    press_ctrl(&mut a, 'x');
    assert_eq!(gate_value(&a, "email"), "<hello_! >", "no letter typed");

    // The password field: the same keys.
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "secret word");
    press_ctrl(&mut a, 'w');
    assert_eq!(gate_value(&a, "password"), "secret ");
    press_ctrl(&mut a, 'u');
    assert_eq!(gate_value(&a, "password"), "");
}

#[test]
fn the_filter_line_edits_like_a_field_and_esc_drops_a_kept_filter() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    let list = |a: &epicevents::app::App| {
        let l = a.workspace().expect("logged in").list();
        (l.filter_text.clone(), l.editing_filter)
    };
    ch(&mut a, '/');
    type_text(&mut a, "kevin casey");
    press_ctrl(&mut a, 'w');
    assert_eq!(list(&a).0, "kevin ");
    press_ctrl(&mut a, 'u');
    assert_eq!(list(&a).0, "");
    type_text(&mut a, "kate");
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Left);
    ch(&mut a, 'X');
    assert_eq!(list(&a).0, "kaXte", "Left moves the cursor");
    press_ctrl(&mut a, 'a');
    ch(&mut a, '[');
    hit(&mut a, alt('f'));
    ch(&mut a, ']');
    press_ctrl(&mut a, 'e');
    ch(&mut a, '.');
    assert_eq!(list(&a).0, "[kaXte].");
    hit(&mut a, alt('b'));
    press_ctrl(&mut a, 'k');
    assert_eq!(list(&a).0, "[", "Alt-b went back a word");
    press_ctrl(&mut a, 'u');
    type_text(&mut a, "Casey");
    press(&mut a, KeyCode::Enter);
    assert_eq!(list(&a), ("Casey".into(), false), "kept");
    assert!(screen_text(&a, 120, 40).contains("\"Casey\""));
    press(&mut a, KeyCode::Esc);
    assert_eq!(
        list(&a),
        (String::new(), false),
        "Esc drops the kept filter"
    );
    assert!(!screen_text(&a, 120, 40).contains("\"Casey\""));
}

#[test]
fn a_paste_of_10000_characters_arrives_whole_and_keys_keep_up() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    ch(&mut a, '/');
    a.paste("Kevin\nCasey");
    a.settle();
    assert_eq!(
        a.workspace().expect("ws").list().filter_text,
        "Kevin Casey",
        "a pasted line break is a space on one line"
    );
    press(&mut a, KeyCode::Esc);
    drop(a);

    // A client's form: the name field takes a long paste, then keys.
    let mut a = logged_in(&db, BILL);
    ch(&mut a, 'n');
    let form = |a: &epicevents::app::App, f: &str| {
        a.workspace()
            .and_then(|w| w.form())
            .and_then(|s| s.form.value(f))
            .unwrap_or_default()
    };
    assert!(a.workspace().and_then(|w| w.form()).is_some(), "form open");
    let long: String = "lorem ipsum ".repeat(834)[..10_000].to_string();
    let started = Instant::now();
    a.paste(&long);
    a.settle();
    let pasted = started.elapsed();
    assert_eq!(form(&a, "full_name").chars().count(), 10_000);
    let started = Instant::now();
    type_text(&mut a, " end");
    press_ctrl(&mut a, 'w');
    press_ctrl(&mut a, 'a');
    ch(&mut a, '>');
    for _ in 0..50 {
        press(&mut a, KeyCode::Right);
    }
    press(&mut a, KeyCode::Backspace);
    let _ = screen_text(&a, 120, 40);
    let keys = started.elapsed();
    let value = form(&a, "full_name");
    assert!(
        value.starts_with(">lorem ipsum lorem ipsum lorem ipsum lorem ipsum lrem"),
        "the 50th character is gone"
    );
    assert!(value.ends_with(&format!("{} ", &long[long.len() - 20..])));
    assert_eq!(
        value.chars().count(),
        10_001,
        "10 000 + \" end\" - \"end\" + \">\" - one"
    );
    println!("paste of 10 000 characters: {pasted:?}; 57 keys and a frame after it: {keys:?}");
}

#[test]
fn the_first_run_form_shows_every_error_with_the_password_mismatch() {
    utc();
    let db = TestDb::sqlite();
    let mut a = app_with(
        &db,
        AppOptions::default(),
        Keymap::defaults(),
        Theme::colored(),
    );
    // No name, a bad e-mail, a bad phone, and passwords that differ.
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "paul-at-example");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "12");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, PASSWORD);
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "something else entirely");
    press(&mut a, KeyCode::Enter);
    let shown = screen_text(&a, 120, 40);
    for message in [
        "the two passwords differ",
        "required",
        "not a valid e-mail address",
        "not a valid phone number",
    ] {
        assert!(shown.contains(message), "{message:?} missing in:\n{shown}");
    }
    assert!(a.workspace().is_none(), "nothing is created");
    assert!(db.crm.needs_first_admin().expect("read"));
}
