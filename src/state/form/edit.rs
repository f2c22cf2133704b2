//! Readline editing, the one set of text keys every input shares: form fields
//! (passwords included) and the `/` filter line above a table.
//!
//! `tui_textarea`'s own key table is emacs-like but not readline: its `Ctrl-U`
//! is undo, so "clear and type again" in a password field kept the old
//! characters. Here every key is mapped by hand to a `TextArea` operation, and
//! a key with no meaning in text (an unknown `Ctrl-` or `Alt-` combination) is
//! left alone rather than typed as a letter.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};

/// What a key did to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Not an editing key.
    Ignored,
}

/// Applies one key to `text` the readline way:
///
/// | key                         | does                                   |
/// |-----------------------------|----------------------------------------|
/// | characters                  | insert                                 |
/// | `Ctrl-U` / `Ctrl-K`         | delete to the start / to the end       |
/// | `Ctrl-W`, `Alt-Backspace`   | delete the word before the cursor      |
/// | `Alt-d`                     | delete the word after the cursor       |
/// | `Backspace`/`Ctrl-H`, `Delete`/`Ctrl-D` | delete a character         |
/// | `Ctrl-A`/`Home`, `Ctrl-E`/`End` | to the start / end of the line     |
/// | `Left`/`Ctrl-B`, `Right`/`Ctrl-F` | one character                    |
/// | `Alt-b`/`Ctrl-Left`, `Alt-f`/`Ctrl-Right` | one word                 |
/// | `Ctrl-Y`                    | put back the last deleted text          |
/// | `Ctrl-Z`                    | undo                                   |
///
/// With `multiline`, `Enter` breaks the line and `Up`/`Down` move between lines.
pub fn edit(text: &mut TextArea<'_>, key: KeyEvent, multiline: bool) -> Edit {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let change = |done: bool| if done { Edit::Changed } else { Edit::Moved };
    let moved = |text: &mut TextArea<'_>, m: CursorMove| {
        text.move_cursor(m);
        Edit::Moved
    };
    match key.code {
        KeyCode::Char(c) if !ctrl && !alt => {
            text.insert_char(c);
            Edit::Changed
        }
        KeyCode::Char(c) if ctrl && !alt => match c.to_ascii_lowercase() {
            'u' => change(text.delete_line_by_head()),
            'k' => change(text.delete_line_by_end()),
            'w' => change(text.delete_word()),
            'h' => change(text.delete_char()),
            'd' => change(text.delete_next_char()),
            'a' => moved(text, CursorMove::Head),
            'e' => moved(text, CursorMove::End),
            'b' => moved(text, CursorMove::Back),
            'f' => moved(text, CursorMove::Forward),
            'y' => change(text.paste()),
            'z' => change(text.undo()),
            'm' if multiline => {
                text.insert_newline();
                Edit::Changed
            }
            _ => Edit::Ignored,
        },
        KeyCode::Char(c) if alt && !ctrl => match c.to_ascii_lowercase() {
            'b' => word_back(text),
            'f' => word_forward(text),
            'd' => change(text.delete_next_word()),
            _ => Edit::Ignored,
        },
        KeyCode::Backspace if alt || ctrl => change(text.delete_word()),
        KeyCode::Backspace => change(text.delete_char()),
        KeyCode::Delete => change(text.delete_next_char()),
        KeyCode::Left if ctrl || alt => word_back(text),
        KeyCode::Right if ctrl || alt => word_forward(text),
        KeyCode::Left => moved(text, CursorMove::Back),
        KeyCode::Right => moved(text, CursorMove::Forward),
        KeyCode::Home => moved(text, CursorMove::Head),
        KeyCode::End => moved(text, CursorMove::End),
        KeyCode::Up if multiline => moved(text, CursorMove::Up),
        KeyCode::Down if multiline => moved(text, CursorMove::Down),
        KeyCode::Enter if multiline => {
            text.insert_newline();
            Edit::Changed
        }
        _ => Edit::Ignored,
    }
}

/// Inserts pasted text in one go: on one line (`multiline` false) line breaks
/// become spaces; control characters other than newlines and tabs are dropped,
/// so a paste cannot carry an escape sequence into a field.
pub fn paste(text: &mut TextArea<'_>, pasted: &str, multiline: bool) -> Edit {
    let clean: String = pasted
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' | '\n' if !multiline => ' ',
            '\r' => '\n',
            c => c,
        })
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    if clean.is_empty() {
        return Edit::Ignored;
    }
    text.insert_str(clean);
    Edit::Changed
}

/// `Alt-f`: past the end of the next word, as readline does (the textarea's
/// own word move stops at the start of the next word instead).
fn word_forward(text: &mut TextArea<'_>) -> Edit {
    let (row, col) = text.cursor();
    let Some(line) = text.lines().get(row) else {
        return Edit::Ignored;
    };
    let rest = line.chars().skip(col);
    let gap = rest.clone().take_while(|c| !c.is_alphanumeric()).count();
    let word = rest.skip(gap).take_while(|c| c.is_alphanumeric()).count();
    for _ in 0..gap + word {
        text.move_cursor(CursorMove::Forward);
    }
    Edit::Moved
}

/// `Alt-b`: to the start of the word before the cursor, punctuation
/// counting as space, as readline does.
fn word_back(text: &mut TextArea<'_>) -> Edit {
    let (row, col) = text.cursor();
    let Some(line) = text.lines().get(row) else {
        return Edit::Ignored;
    };
    let before: Vec<char> = line.chars().take(col).collect();
    let rev = before.iter().rev();
    let gap = rev.clone().take_while(|c| !c.is_alphanumeric()).count();
    let word = rev.skip(gap).take_while(|c| c.is_alphanumeric()).count();
    if gap + word == 0 && col == 0 {
        // At the start of a line: to the end of the one above.
        text.move_cursor(CursorMove::Back);
    }
    for _ in 0..gap + word {
        text.move_cursor(CursorMove::Back);
    }
    Edit::Moved
}

/// A one-line input kept as a plain `String` and a cursor (a character
/// index), edited with the same keys as a form field: the `/` filter line.
/// Returns what the key did; the cursor is clamped to the text first, so text
/// replaced elsewhere never leaves it out of range.
pub fn edit_line(line: &mut String, cursor: &mut usize, key: KeyEvent) -> Edit {
    with_line(line, cursor, |t| edit(t, key, false))
}

/// Pasted text into a one-line input (see [`paste`]).
pub fn paste_line(line: &mut String, cursor: &mut usize, pasted: &str) -> Edit {
    with_line(line, cursor, |t| paste(t, pasted, false))
}

fn with_line(
    line: &mut String,
    cursor: &mut usize,
    f: impl FnOnce(&mut TextArea<'_>) -> Edit,
) -> Edit {
    let mut text = TextArea::new(vec![line.clone()]);
    let at = (*cursor).min(line.chars().count());
    for _ in 0..at {
        text.move_cursor(CursorMove::Forward);
    }
    let r = f(&mut text);
    if r == Edit::Changed {
        *line = text.lines().join(" ");
    }
    *cursor = text.cursor().1;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }
    const C: KeyModifiers = KeyModifiers::CONTROL;
    const A: KeyModifiers = KeyModifiers::ALT;
    const N: KeyModifiers = KeyModifiers::NONE;

    fn line(s: &str, cursor: usize, keys: &[KeyEvent]) -> (String, usize) {
        let (mut s, mut c) = (s.to_string(), cursor);
        for key in keys {
            edit_line(&mut s, &mut c, *key);
        }
        (s, c)
    }

    #[test]
    fn kills_and_moves_like_readline() {
        let end = 11;
        let text = "hello brave";
        assert_eq!(line(text, end, &[k(KeyCode::Char('u'), C)]), ("".into(), 0));
        assert_eq!(
            line(text, 5, &[k(KeyCode::Char('k'), C)]),
            ("hello".into(), 5)
        );
        assert_eq!(
            line(text, end, &[k(KeyCode::Char('w'), C)]),
            ("hello ".into(), 6)
        );
        assert_eq!(
            line(
                text,
                end,
                &[k(KeyCode::Char('a'), C), k(KeyCode::Char('x'), N)]
            ),
            ("xhello brave".into(), 1)
        );
        assert_eq!(
            line(text, 0, &[k(KeyCode::Char('e'), C)]),
            (text.into(), end)
        );
        assert_eq!(
            line(text, end, &[k(KeyCode::Char('b'), A)]),
            (text.into(), 6)
        );
        assert_eq!(line(text, 0, &[k(KeyCode::Char('f'), A)]), (text.into(), 5));
        assert_eq!(
            line(text, end, &[k(KeyCode::Left, N), k(KeyCode::Left, N)]),
            (text.into(), 9)
        );
        let mut t = TextArea::new(vec![text.into()]);
        t.move_cursor(CursorMove::WordForward);
        edit(&mut t, k(KeyCode::Char('k'), C), false);
        assert_eq!(t.lines(), ["hello "]);
        edit(&mut t, k(KeyCode::Char('y'), C), false);
        assert_eq!(t.lines(), [text], "Ctrl-Y puts back what Ctrl-K took");
        assert_eq!(
            line(
                text,
                end,
                &[k(KeyCode::Char('q'), C), k(KeyCode::Char('x'), A)]
            ),
            (text.into(), end),
            "unknown combinations type nothing"
        );
    }

    #[test]
    fn paste_is_one_insertion_without_controls() {
        let (mut s, mut c) = ("ab".to_string(), 1);
        paste_line(&mut s, &mut c, "x\ny\x1b[2Jz");
        assert_eq!((s.as_str(), c), ("ax y[2Jzb", 8));
        let mut t = TextArea::default();
        paste(&mut t, "one\r\ntwo", true);
        assert_eq!(t.lines(), ["one", "two"]);
    }
}
