//! Drawing: a theme and reusable widgets. Everything here is a pure function of the
//! state it is given (no I/O, no clock), which is what makes snapshot tests trivial.

pub mod sanitize;
pub mod screens;
pub mod theme;
pub mod view;
pub mod widgets;

pub use theme::Theme;
