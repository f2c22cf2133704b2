//! Lists with more matches than the count cap. The page is then found by walking
//! the sort's index and testing each row, not by sorting the matches; it must hold
//! the same rows, in the same order, as the plain query (the tables joined, every
//! term a LIKE, ORDER BY … OFFSET … LIMIT), and the count must stop at the cap.

mod common;

use chrono::NaiveDateTime;
use common::*;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort, TimeWindow};
use epicevents::db::repo::{Dbb, ListParams, COUNT_CAP};
use epicevents::db::schema::{clients, collaborators, contracts, events};

diesel::define_sql_function! {
    /// A name across a left join, empty where there is none (as the lists sort it).
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::Text>, y: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A term's plain test: 3+ characters anywhere, 1–2 at the start of a word (the
/// start of the text, or after a character other than a letter or digit). The
/// tests' terms are plain letters.
macro_rules! word_or_substring {
    ($backend:expr, $col:expr, $sql:literal, $t:expr) => {{
        let t: &str = $t;
        assert!(t.chars().all(|c| c.is_ascii_lowercase()));
        let p: Box<dyn BoxableExpression<_, Dbb, SqlType = diesel::sql_types::Bool>> =
            if t.chars().count() >= 3 {
                Box::new($col.like(format!("%{t}%")))
            } else if $backend == epicevents::db::Backend::Sqlite {
                Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                    "({c} GLOB '{t}*' OR {c} GLOB '*[^a-z0-9]{t}*')",
                    c = $sql
                )))
            } else {
                Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                    "({c} ~ '(^|[^a-z0-9]){t}')",
                    c = $sql
                )))
            };
        p
    }};
}

/// Bulk rows on top of the demo staff, every seventh one archived.
fn bulk(db: &TestDb, n_clients: usize, n_events: usize) {
    epicevents::demo::load(&db.crm, 0).expect("demo staff");
    epicevents::demo::bulk::generate(db.crm.db(), n_clients, n_events, 7, |_, _, _| {})
        .expect("bulk data");
    db.crm
        .db()
        .write(|c| {
            for table in ["clients", "contracts", "events"] {
                diesel::sql_query(format!(
                    "UPDATE {table} SET archived_at = created_at WHERE id % 7 = 0"
                ))
                .execute(c)?;
            }
            Ok(())
        })
        .expect("archive some");
}

/// The id of a demo account (index into `DEMO_STAFF`).
fn demo_staff(db: &TestDb, i: usize) -> i64 {
    db.crm
        .db()
        .read(|c| {
            epicevents::db::repo::collaborators::find_by_email(c, epicevents::demo::DEMO_STAFF[i].1)
        })
        .expect("read")
        .expect("demo account")
        .id
}

fn params(terms: &str, descending: bool, offset: i64, include_archived: bool) -> ListParams {
    ListParams {
        descending,
        offset,
        limit: 50,
        include_archived,
        ..ListParams::default()
    }
    .with_filter(terms)
}

/// The expected page and total, from the straightforward query.
fn expected_events(
    db: &TestDb,
    f: &EventFilter,
    sort: EventSort,
    p: &ListParams,
) -> (Vec<i64>, i64) {
    let backend = db.backend();
    let build = || {
        let mut q = events::table
            .inner_join(contracts::table.inner_join(clients::table))
            .left_join(collaborators::table.on(events::support_id.eq(collaborators::id.nullable())))
            .into_boxed::<Dbb>();
        if !p.include_archived {
            q = q.filter(events::archived_at.is_null());
        }
        if f.without_support {
            q = q.filter(events::support_id.is_null());
        }
        if let Some(s) = f.support {
            q = q.filter(events::support_id.eq(s));
        }
        if let Some(c) = f.client {
            q = q.filter(contracts::client_id.eq(c));
        }
        let now = f.now.expect("tests pass now");
        q = match f.window {
            TimeWindow::All => q,
            TimeWindow::Upcoming => q.filter(events::starts_at.gt(now)),
            TimeWindow::Ongoing => q
                .filter(events::starts_at.le(now))
                .filter(events::ends_at.gt(now)),
            TimeWindow::Past => q.filter(events::ends_at.le(now)),
        };
        for t in &p.terms {
            q = q.filter(word_or_substring!(
                backend,
                events::search,
                "events.search",
                t
            ));
        }
        q
    };
    db.crm
        .db()
        .read(|c| {
            let total: i64 = build().count().get_result(c)?;
            let q = build();
            use events as e;
            let q = match (sort, p.descending) {
                (EventSort::Start, false) => q.order((e::starts_at.asc(), e::id.asc())),
                (EventSort::Start, true) => q.order((e::starts_at.desc(), e::id.desc())),
                (EventSort::End, false) => q.order((e::ends_at.asc(), e::id.asc())),
                (EventSort::End, true) => q.order((e::ends_at.desc(), e::id.desc())),
                (EventSort::Name, false) => q.order((e::sort_name.asc(), e::id.asc())),
                (EventSort::Name, true) => q.order((e::sort_name.desc(), e::id.desc())),
                (EventSort::Client, false) => q.order((clients::sort_name.asc(), e::id.asc())),
                (EventSort::Client, true) => q.order((clients::sort_name.desc(), e::id.desc())),
                (EventSort::Attendees, false) => q.order((e::attendees.asc(), e::id.asc())),
                (EventSort::Attendees, true) => q.order((e::attendees.desc(), e::id.desc())),
                (EventSort::Support, false) => q.order((
                    coalesce(collaborators::sort_name.nullable(), "").asc(),
                    e::id.asc(),
                )),
                (EventSort::Support, true) => q.order((
                    coalesce(collaborators::sort_name.nullable(), "").desc(),
                    e::id.desc(),
                )),
                (EventSort::Id, false) => q.order(e::id.asc()),
                (EventSort::Id, true) => q.order(e::id.desc()),
            };
            let ids = q
                .select(e::id)
                .offset(p.offset)
                .limit(p.limit)
                .load::<i64>(c)?;
            Ok((ids, total))
        })
        .expect("reference query")
}

#[track_caller]
fn same_page(what: &str, got: (Vec<i64>, i64, bool), want: (Vec<i64>, i64)) {
    let (ids, total, capped) = got;
    assert_eq!(ids, want.0, "{what}: rows");
    assert_eq!(
        (total, capped),
        (want.1.min(COUNT_CAP), want.1 > COUNT_CAP),
        "{what}: count"
    );
}

fn events_past_the_cap_match_the_plain_query(db: &TestDb) {
    bulk(db, 40, 12_000);
    let now: NaiveDateTime = db
        .crm
        .db()
        .read(|c| {
            Ok(events::table
                .select(diesel::dsl::max(events::starts_at))
                .first::<Option<NaiveDateTime>>(c)?)
        })
        .expect("latest start")
        .expect("events exist")
        - chrono::Duration::days(200);
    let kate = demo_staff(db, 4);
    let base = EventFilter {
        now: Some(now),
        ..EventFilter::default()
    };
    let filters = [
        ("all", base.clone()),
        (
            "without support",
            EventFilter {
                without_support: true,
                ..base.clone()
            },
        ),
        (
            "assigned",
            EventFilter {
                support: Some(kate),
                ..base.clone()
            },
        ),
        (
            "upcoming",
            EventFilter {
                window: TimeWindow::Upcoming,
                ..base.clone()
            },
        ),
        (
            "past",
            EventFilter {
                window: TimeWindow::Past,
                ..base.clone()
            },
        ),
        (
            "ongoing",
            EventFilter {
                window: TimeWindow::Ongoing,
                ..base.clone()
            },
        ),
    ];
    // "rue" is in every bulk location (the trigram index, then the walk with LIKE),
    // "ru" too short for it, "mufflins" in about a tenth (fewer than the cap).
    for terms in ["", "rue", "ru", "rue mufflins", "mufflins"] {
        for (name, f) in &filters {
            for &sort in EventSort::ALL {
                for (descending, offset, archived) in
                    [(false, 0, false), (true, 0, false), (false, 3_000, true)]
                {
                    let p = params(terms, descending, offset, archived);
                    let page = db.crm.list_events(f, sort, &p).expect("list");
                    let got = (
                        page.rows.iter().map(|r| r.event.id).collect(),
                        page.total,
                        page.total_capped,
                    );
                    same_page(
                        &format!("events {name} {terms:?} {sort:?} desc={descending} offset={offset} archived={archived}"),
                        got,
                        expected_events(db, f, sort, &p),
                    );
                }
            }
        }
    }
    // Counting exactly past the cap; with the total known, pages in the second
    // half are read from the end.
    for &sort in EventSort::ALL {
        for descending in [false, true] {
            for offset in [0, 7_000, 10_250, 20_000] {
                let p = ListParams {
                    exact_count: true,
                    ..params("rue", descending, offset, false)
                };
                let page = db.crm.list_events(&base, sort, &p).expect("list");
                let want = expected_events(db, &base, sort, &p);
                assert!(want.1 > COUNT_CAP);
                assert_eq!((page.total, page.total_capped), (want.1, false));
                let ids: Vec<i64> = page.rows.iter().map(|r| r.event.id).collect();
                assert_eq!(
                    ids, want.0,
                    "exact count, {sort:?} desc={descending} offset={offset}"
                );
            }
        }
    }
}

fn clients_and_contracts_past_the_cap_match_the_plain_query(db: &TestDb) {
    let backend = db.backend();
    bulk(db, 12_000, 10);
    let bill = demo_staff(db, 2);
    for terms in ["", "bulk", "sa", "martin"] {
        for mine in [None, Some(bill)] {
            for &sort in ClientSort::ALL {
                for (descending, offset, archived) in [(false, 0, false), (true, 2_000, true)] {
                    let p = params(terms, descending, offset, archived);
                    let f = ClientFilter {
                        sales_contact: mine,
                    };
                    let page = db.crm.list_clients(&f, sort, &p).expect("list");
                    let got = (
                        page.rows.iter().map(|r| r.client.id).collect(),
                        page.total,
                        page.total_capped,
                    );
                    let want = db
                        .crm
                        .db()
                        .read(|c| {
                            let build = || {
                                let mut q = clients::table
                                    .left_join(collaborators::table)
                                    .into_boxed::<Dbb>();
                                if !archived {
                                    q = q.filter(clients::archived_at.is_null());
                                }
                                if let Some(s) = mine {
                                    q = q.filter(clients::sales_contact_id.eq(s));
                                }
                                for t in &p.terms {
                                    q = q.filter(word_or_substring!(
                                        backend,
                                        clients::search,
                                        "clients.search",
                                        t
                                    ));
                                }
                                q
                            };
                            let total: i64 = build().count().get_result(c)?;
                            use clients as k;
                            let q = build();
                            let q = match (sort, descending) {
                                (ClientSort::Name, false) => {
                                    q.order((k::sort_name.asc(), k::id.asc()))
                                }
                                (ClientSort::Name, true) => {
                                    q.order((k::sort_name.desc(), k::id.desc()))
                                }
                                (ClientSort::Company, false) => {
                                    q.order((k::company_name.asc(), k::id.asc()))
                                }
                                (ClientSort::Company, true) => {
                                    q.order((k::company_name.desc(), k::id.desc()))
                                }
                                (ClientSort::Email, false) => {
                                    q.order((k::email.asc(), k::id.asc()))
                                }
                                (ClientSort::Email, true) => {
                                    q.order((k::email.desc(), k::id.desc()))
                                }
                                (ClientSort::LastContact, false) => {
                                    q.order((k::last_contact.asc(), k::id.asc()))
                                }
                                (ClientSort::LastContact, true) => {
                                    q.order((k::last_contact.desc(), k::id.desc()))
                                }
                                (ClientSort::SalesContact, false) => q.order((
                                    coalesce(collaborators::sort_name.nullable(), "").asc(),
                                    k::id.asc(),
                                )),
                                (ClientSort::SalesContact, true) => q.order((
                                    coalesce(collaborators::sort_name.nullable(), "").desc(),
                                    k::id.desc(),
                                )),
                                (ClientSort::Id, false) => q.order(k::id.asc()),
                                (ClientSort::Id, true) => q.order(k::id.desc()),
                            };
                            let ids = q.select(k::id).offset(offset).limit(50).load::<i64>(c)?;
                            Ok((ids, total))
                        })
                        .expect("reference query");
                    same_page(
                        &format!("clients {terms:?} mine={mine:?} {sort:?} desc={descending} offset={offset}"),
                        got,
                        want,
                    );
                }
            }
        }
    }
    for terms in ["", "unsigned", "sa", "martin"] {
        for (unsigned, due, mine) in [
            (false, false, None),
            (true, true, None),
            (false, true, Some(bill)),
        ] {
            for &sort in ContractSort::ALL {
                for (descending, offset, archived) in [(false, 0, false), (true, 2_000, true)] {
                    let p = params(terms, descending, offset, archived);
                    let f = ContractFilter {
                        unsigned,
                        balance_due: due,
                        sales_contact: mine,
                        client: None,
                    };
                    let page = db.crm.list_contracts(&f, sort, &p).expect("list");
                    let got = (
                        page.rows.iter().map(|r| r.contract.id).collect(),
                        page.total,
                        page.total_capped,
                    );
                    let want = db
                        .crm
                        .db()
                        .read(|c| {
                            let build = || {
                                let mut q = contracts::table
                                    .inner_join(clients::table.left_join(collaborators::table))
                                    .into_boxed::<Dbb>();
                                if !archived {
                                    q = q.filter(contracts::archived_at.is_null());
                                }
                                if unsigned {
                                    q = q.filter(contracts::signed.eq(false));
                                }
                                if due {
                                    q = q.filter(contracts::due_cents.gt(0));
                                }
                                if let Some(s) = mine {
                                    q = q.filter(clients::sales_contact_id.eq(s));
                                }
                                for t in &p.terms {
                                    q = q.filter(word_or_substring!(
                                        backend,
                                        contracts::search,
                                        "contracts.search",
                                        t
                                    ));
                                }
                                q
                            };
                            let total: i64 = build().count().get_result(c)?;
                            use contracts as k;
                            let q = build();
                            let q = match (sort, descending) {
                                (ContractSort::SalesContact, false) => q.order((
                                    coalesce(collaborators::sort_name.nullable(), "").asc(),
                                    k::id.asc(),
                                )),
                                (ContractSort::SalesContact, true) => q.order((
                                    coalesce(collaborators::sort_name.nullable(), "").desc(),
                                    k::id.desc(),
                                )),
                                (ContractSort::Id, false) => q.order(k::id.asc()),
                                (ContractSort::Id, true) => q.order(k::id.desc()),
                                (ContractSort::Client, false) => {
                                    q.order((clients::sort_name.asc(), k::id.asc()))
                                }
                                (ContractSort::Client, true) => {
                                    q.order((clients::sort_name.desc(), k::id.desc()))
                                }
                                (ContractSort::Total, false) => {
                                    q.order((k::total_cents.asc(), k::id.asc()))
                                }
                                (ContractSort::Total, true) => {
                                    q.order((k::total_cents.desc(), k::id.desc()))
                                }
                                (ContractSort::Due, false) => {
                                    q.order((k::due_cents.asc(), k::id.asc()))
                                }
                                (ContractSort::Due, true) => {
                                    q.order((k::due_cents.desc(), k::id.desc()))
                                }
                                (ContractSort::Signed, false) => {
                                    q.order((k::signed.asc(), k::id.asc()))
                                }
                                (ContractSort::Signed, true) => {
                                    q.order((k::signed.desc(), k::id.desc()))
                                }
                                (ContractSort::Created, false) => {
                                    q.order((k::created_at.asc(), k::id.asc()))
                                }
                                (ContractSort::Created, true) => {
                                    q.order((k::created_at.desc(), k::id.desc()))
                                }
                            };
                            let ids = q.select(k::id).offset(offset).limit(50).load::<i64>(c)?;
                            Ok((ids, total))
                        })
                        .expect("reference query");
                    same_page(
                        &format!("contracts {terms:?} unsigned={unsigned} due={due} mine={mine:?} {sort:?} desc={descending} offset={offset}"),
                        got,
                        want,
                    );
                }
            }
        }
    }
}

backend_tests!(
    events_past_the_cap_match_the_plain_query,
    clients_and_contracts_past_the_cap_match_the_plain_query,
);
