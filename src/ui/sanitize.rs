//! Stored text on its way into a cell. A client name or an event note may hold
//! bytes a terminal obeys (`ESC ] 0 ;` renames the window, `ESC [ 2 J` clears the
//! screen, U+009B is an 8-bit CSI, U+202E turns text around): none of them may
//! reach the terminal raw. Each is shown as a visible placeholder instead, so
//! the user sees that something odd is stored and the screen stays intact.

use std::borrow::Cow;

use ratatui::buffer::Buffer;

/// Shown for C1 controls and bidi overrides, which have no control picture.
const REPLACEMENT: char = '\u{FFFD}';

/// Whether `c` must not reach the terminal as is.
pub fn is_unsafe(c: char) -> bool {
    crate::domain::text::is_control(c)
}

/// The visible stand-in of an unsafe character: the control pictures
/// (`␛` for ESC, `␊` for a newline, `␡` for DEL), `�` for the rest.
pub fn placeholder(c: char) -> char {
    match c {
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or(REPLACEMENT),
        '\u{7F}' => '\u{2421}',
        _ => REPLACEMENT,
    }
}

/// Text for a one-line cell: every control (newline and tab too) becomes a
/// placeholder. Borrowed when there is nothing to replace, which is nearly
/// always.
pub fn display(s: &str) -> Cow<'_, str> {
    replace(s, |_| false)
}

/// Text for a multi-line area (notes): newlines stay, everything else as in
/// [`display`].
pub fn display_multiline(s: &str) -> Cow<'_, str> {
    replace(s, |c| c == '\n')
}

fn replace(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_unsafe(c) && !keep(c) {
                    placeholder(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// The last line of defence, run over every frame before it is written: a
/// cell whose symbol still holds an unsafe character (text that reached a
/// widget without [`display`]) gets the placeholder.
pub fn buffer(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if let Cow::Owned(s) = display(cell.symbol()) {
            cell.set_symbol(&s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_placeholders() {
        assert_eq!(display("plain é 日本"), Cow::Borrowed("plain é 日本"));
        assert_eq!(display("a\x1b]0;pwned\x07b"), "a␛]0;pwned␇b");
        assert_eq!(display("\x1b[2J\x1b[5m"), "␛[2J␛[5m");
        assert_eq!(display("x\u{9b}31m"), "x\u{FFFD}31m");
        assert_eq!(display("l\u{202E}r\u{2066}"), "l\u{FFFD}r\u{FFFD}");
        assert_eq!(display("del\x7f"), "del␡");
        assert_eq!(display("two\nlines\tand"), "two␊lines␉and");
        assert_eq!(display_multiline("two\nlines\x1b"), "two\nlines␛");
    }

    #[test]
    fn a_frame_keeps_no_control_character() {
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
        buf[(0, 0)].set_symbol("\x1b");
        buf[(1, 0)].set_symbol("\u{9b}");
        buffer(&mut buf);
        assert_eq!(buf[(0, 0)].symbol(), "␛");
        assert_eq!(buf[(1, 0)].symbol(), "\u{FFFD}");
    }
}
