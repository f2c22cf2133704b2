//! A list read from a keyset position ([`At`]) through an interface that only
//! reads by offset: the continuation after (before) a cursor is the rows after
//! (before) its position, and the end of the list is the rows before the exact
//! count. Used where an implementation of [`super::CrmApi`] has no keyset read of
//! its own (the team server's client): the same rows, at the price of skipping.

use crate::error::Result;
use crate::services::query::{At, ListParams, Page};

/// Reads `at` with `read`, which takes rows from `p.offset` counted from the
/// start. `p.offset` means what [`At`] says it means: the position of the row
/// after the cursor (`After`), of the cursor row itself (`Before`), or the rows
/// skipped from the end (`FromEnd`).
pub fn by_offset<T>(
    p: &ListParams,
    at: &At,
    read: impl Fn(&ListParams) -> Result<Page<T>>,
) -> Result<Page<T>> {
    match at {
        At::Offset | At::After(_) => read(p),
        At::Before(_) => {
            let start = (p.offset - p.limit).max(0);
            read(&ListParams {
                offset: start,
                limit: p.offset - start,
                ..p.clone()
            })
        }
        At::FromEnd => {
            let total = read(&p.clone().count_only())?.total;
            let end = (total - p.offset.max(0)).max(0);
            let start = (end - p.limit).max(0);
            let mut page = read(&ListParams {
                offset: start,
                limit: end - start,
                exact_count: false,
                ..p.clone()
            })?;
            page.offset = start;
            page.total = total;
            page.total_capped = false;
            Ok(page)
        }
    }
}
