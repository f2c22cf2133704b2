//! The tables: their state is plain data in [`crate::state::list`]; how a
//! query becomes rows is [`super::fetch`]. Both are named here for the screens.

pub use super::fetch::{columns, fetch, newest_first, one_line, sort_columns};
pub use crate::state::list::*;
