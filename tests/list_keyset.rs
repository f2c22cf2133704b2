//! Lists at 20 000+ rows on both backends: keyset windows continue exactly where
//! offset paging would, the end read backwards is the tail of the full order, the
//! exact count is the real one, and 1–2 character terms find exactly the rows a
//! plain scan finds (a word starting with the term).

mod common;

use common::*;
use diesel::prelude::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::events::{EventFilter, EventSort};
use epicevents::db::schema::{clients, contracts, events};
use epicevents::services::query::{At, ListParams};

const EVENTS: usize = 24_000;

fn bulk(db: &TestDb, n_clients: usize, n_events: usize) {
    epicevents::demo::load(&db.crm, 0).expect("demo staff");
    epicevents::demo::bulk::generate(db.crm.db(), n_clients, n_events, 11, |_, _, _| {})
        .expect("bulk data");
    // Some archived rows, which the lists leave out.
    db.crm
        .db()
        .write(|c| {
            diesel::sql_query("UPDATE events SET archived_at = created_at WHERE id % 9 = 0")
                .execute(c)?;
            Ok(())
        })
        .expect("archive some");
}

/// Every visible event with what the sorts and terms look at, straight from the
/// tables: (id, starts_at, attendees, client sort name, search).
type Plain = (i64, chrono::NaiveDateTime, i32, String, String);

fn plain_events(db: &TestDb) -> Vec<Plain> {
    db.crm
        .db()
        .read(|c| {
            Ok(events::table
                .inner_join(contracts::table.inner_join(clients::table))
                .filter(events::archived_at.is_null())
                .select((
                    events::id,
                    events::starts_at,
                    events::attendees,
                    clients::sort_name,
                    events::search,
                ))
                .load::<Plain>(c)?)
        })
        .expect("plain scan")
}

/// The full order of a sort, computed here.
fn plain_order(rows: &[Plain], sort: EventSort, descending: bool) -> Vec<i64> {
    let mut v: Vec<&Plain> = rows.iter().collect();
    v.sort_by(|a, b| {
        let o = match sort {
            EventSort::Start => a.1.cmp(&b.1),
            EventSort::Attendees => a.2.cmp(&b.2),
            EventSort::Client => a.3.cmp(&b.3),
            _ => std::cmp::Ordering::Equal,
        };
        o.then(a.0.cmp(&b.0))
    });
    let mut ids: Vec<i64> = v.into_iter().map(|r| r.0).collect();
    if descending {
        ids.reverse();
    }
    ids
}

/// A short term's rule, as a plain scan: it occurs at the start of the text or
/// after a character other than a letter or digit (punctuation alone: anywhere).
fn word_match(search: &str, term: &str) -> bool {
    let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !term.chars().any(word) {
        return search.contains(term);
    }
    search
        .match_indices(term)
        .any(|(i, _)| i == 0 || !search[..i].chars().next_back().is_some_and(word))
}

fn ids(
    page: &epicevents::services::query::Page<epicevents::db::repo::events::EventRow>,
) -> Vec<i64> {
    page.rows.iter().map(|r| r.event.id).collect()
}

fn params(descending: bool, limit: i64) -> ListParams {
    ListParams {
        descending,
        limit,
        ..ListParams::default()
    }
}

fn keyset_windows_agree_with_offset_paging(db: &TestDb) {
    bulk(db, 300, EVENTS);
    let rows = plain_events(db);
    assert!(rows.len() > 20_000, "{} rows", rows.len());
    let f = EventFilter::default();
    for (sort, descending) in [
        (EventSort::Start, false),
        (EventSort::Attendees, true),
        (EventSort::Client, false),
    ] {
        let want = plain_order(&rows, sort, descending);
        let what = format!("{sort:?} desc={descending}");
        // Forward: the first window, then each from the last row of the one before.
        let limit = 1_500;
        let mut got = Vec::new();
        let mut page = db
            .crm
            .list_events(&f, sort, &params(descending, limit))
            .expect("first window");
        assert!(page.total_capped, "{what}: the count stops at the cap");
        loop {
            let n = page.rows.len();
            got.extend(ids(&page));
            let Some(last) = page.last.clone() else { break };
            if n < limit as usize {
                break;
            }
            let p = ListParams {
                offset: got.len() as i64,
                ..params(descending, limit)
            };
            page = db
                .crm
                .list_events(&f, sort, p.at(At::After(last)))
                .expect("next window");
            assert_eq!(page.offset, got.len() as i64, "{what}: echoed position");
        }
        assert_eq!(got.len(), want.len(), "{what}: forward length");
        assert_eq!(got, want, "{what}: forward order");
        // Offset paging lands on the same rows, deep ones included.
        for offset in [0, 4_321, 12_000, want.len() as i64 - 700] {
            let p = ListParams {
                offset,
                ..params(descending, 600)
            };
            let page = db.crm.list_events(&f, sort, &p).expect("offset page");
            let o = offset as usize;
            assert_eq!(
                ids(&page),
                want[o..(o + 600).min(want.len())],
                "{what} offset {offset}"
            );
        }
        // Backward: the last window read from the end, then each before the first
        // row of the one after.
        let end = db
            .crm
            .list_events(&f, sort, params(descending, limit).at(At::FromEnd))
            .expect("last window");
        assert_eq!(
            ids(&end),
            want[want.len() - limit as usize..],
            "{what}: the last window is the tail"
        );
        let mut back: Vec<Vec<i64>> = vec![ids(&end)];
        let mut first = end.first.clone();
        let mut seen = limit as usize;
        while let Some(c) = first {
            let p = ListParams {
                offset: (want.len() - seen) as i64,
                ..params(descending, limit)
            };
            let page = db
                .crm
                .list_events(&f, sort, p.at(At::Before(c)))
                .expect("window before");
            if page.rows.is_empty() {
                break;
            }
            seen += page.rows.len();
            assert_eq!(page.offset, (want.len() - seen) as i64, "{what}: position");
            first = page.first.clone();
            back.push(ids(&page));
        }
        back.reverse();
        let back: Vec<i64> = back.into_iter().flatten().collect();
        assert_eq!(back, want, "{what}: backward order");
    }
}

fn exact_counts_are_real_counts(db: &TestDb) {
    bulk(db, 300, EVENTS);
    let rows = plain_events(db);
    let f = EventFilter::default();
    for text in ["", "rue", "a", "ma", "gala"] {
        let p = ListParams::default().with_filter(text).count_only();
        let page = db.crm.list_events(&f, EventSort::Start, &p).expect("count");
        let terms = epicevents::domain::text::terms(text);
        let want = rows
            .iter()
            .filter(|r| {
                terms.iter().all(|t| {
                    if t.len() < 3 {
                        word_match(&r.4, t)
                    } else {
                        r.4.contains(t.as_str())
                    }
                })
            })
            .count() as i64;
        assert_eq!((page.total, page.total_capped), (want, false), "{text:?}");
        assert!(page.rows.is_empty());
        // The last window from the end is the tail, and with the exact total its
        // position is from the start.
        let p = ListParams {
            exact_count: true,
            limit: 100,
            ..ListParams::default().with_filter(text)
        };
        let end = db
            .crm
            .list_events(&f, EventSort::Start, p.at(At::FromEnd))
            .expect("end");
        assert_eq!(
            end.offset,
            (want - end.rows.len() as i64).max(0),
            "{text:?}"
        );
        assert!(!end.from_end);
    }
}

fn short_terms_find_what_a_scan_finds(db: &TestDb) {
    bulk(db, 2_000, EVENTS);
    let rows = plain_events(db);
    let f = EventFilter::default();
    for text in ["q", "k", "ma", "#1", "b ka", "z", "xq", "o'", "1", "&"] {
        let terms = epicevents::domain::text::terms(text);
        let mut want: Vec<i64> = rows
            .iter()
            .filter(|r| terms.iter().all(|t| word_match(&r.4, t)))
            .map(|r| r.0)
            .collect();
        want.sort_unstable();
        let p = ListParams {
            limit: 30_000,
            exact_count: true,
            ..ListParams::default().with_filter(text)
        };
        let page = db.crm.list_events(&f, EventSort::Id, &p).expect("list");
        assert_eq!(page.total, want.len() as i64, "{text:?}: count");
        assert_eq!(ids(&page), want, "{text:?}: rows");
    }
    // Clients too, with the capped count: the first window is the first rows.
    let clients: Vec<(i64, String)> = db
        .crm
        .db()
        .read(|c| {
            Ok(clients::table
                .filter(clients::archived_at.is_null())
                .order(clients::id)
                .select((clients::id, clients::search))
                .load(c)?)
        })
        .expect("clients");
    for t in ["a", "ma", "q"] {
        let want: Vec<i64> = clients
            .iter()
            .filter(|(_, s)| word_match(s, t))
            .map(|(id, _)| *id)
            .collect();
        let p = ListParams {
            limit: 5_000,
            ..ListParams::default().with_filter(t)
        };
        let page = db
            .crm
            .list_clients(&ClientFilter::default(), ClientSort::Id, &p)
            .expect("clients");
        let got: Vec<i64> = page.rows.iter().map(|r| r.client.id).collect();
        assert_eq!(got, want[..want.len().min(5_000)], "clients {t:?}");
    }
}

backend_tests!(
    keyset_windows_agree_with_offset_paging,
    exact_counts_are_real_counts,
    short_terms_find_what_a_scan_finds,
);
