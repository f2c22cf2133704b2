//! Filters, free-text terms, sorting and paging against a known data set.

mod common;

use chrono::{Duration, NaiveDateTime};
use common::*;
use epicevents::db::repo::clients::{ClientFilter, ClientSort};
use epicevents::db::repo::collaborators::{CollaboratorFilter, CollaboratorSort};
use epicevents::db::repo::contracts::{ContractFilter, ContractSort};
use epicevents::db::repo::events::{EventFilter, EventSort, TimeWindow};
use epicevents::db::repo::ListParams;
use epicevents::domain::text::fold;
use epicevents::domain::{Cents, Role};
use epicevents::services::clients::ClientInput;
use epicevents::services::collaborators::Handover;
use epicevents::services::events::EventInput;

/// The data set. Clients (sales contact): A Aliénor Brun (Bill), B Bob O'Neil
/// (Anne), C Chloé Martin (Bill), D Dan Under (Anne), E Eve Casey (Bill).
/// Contracts: k1 A 10 000 signed 2 500 paid; k2 A 4 000 unsigned; k3 C 8 000
/// signed fully paid; k4 B 4 000 signed; k5 D 2 000 unsigned. Events at now = t0:
/// e1 "Launch Party" (k1, upcoming, no support), e2 "Wedding" (k3, ongoing from
/// exactly now, Kate), e3 "General Assembly" (k4, past, Alienor, in Mufflins),
/// e4 "Afterparty" (k1, upcoming, Kate), e5 "Brunch" (k3, ended exactly now, no
/// support).
struct Data {
    s: Staff,
    a: i64,
    b: i64,
    d: i64,
    k: [i64; 5],
    e: [i64; 5],
}

fn client(name: &str, email: &str, company: &str, last: chrono::NaiveDate) -> ClientInput {
    ClientInput {
        full_name: name.into(),
        email: email.into(),
        phone: "+33 6 12 34 56 78".into(),
        company_name: company.into(),
        first_contact: date(2021, 1, 4),
        last_contact: last,
    }
}

fn event(
    name: &str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    location: &str,
    attendees: i32,
) -> EventInput {
    EventInput {
        name: name.into(),
        starts_at,
        ends_at,
        location: location.into(),
        attendees,
        notes: String::new(),
    }
}

const CANDE: &str = "53 Rue du Château, 41120 Candé-sur-Beuvron, France";

fn fixture(db: &TestDb) -> Data {
    let s = db.staff();
    let crm = &db.crm;
    let mk = |who, input: ClientInput| crm.create_client(who, &input).expect("client");
    let a = mk(
        &s.sales,
        client(
            "Aliénor Brun",
            "alienor@brun.example",
            "Brun & Fils",
            date(2023, 1, 10),
        ),
    );
    let b = mk(
        &s.sales2,
        client(
            "Bob O'Neil",
            "bob@oneil.example",
            "O'Neil \"Quoted\" Ltd",
            date(2022, 6, 1),
        ),
    );
    let c = mk(
        &s.sales,
        client(
            "Chloé Martin",
            "chloe@martin.example",
            "100% Bio",
            date(2023, 2, 15),
        ),
    );
    let d = mk(
        &s.sales2,
        client(
            "Dan Under",
            "dan@under.example",
            "pre_sale Inc",
            date(2021, 12, 1),
        ),
    );
    let _e = mk(
        &s.sales,
        client(
            "Eve Casey",
            "eve@fifty.example",
            "Base Stores",
            date(2023, 3, 29),
        ),
    );

    // Contracts, created at times out of step with their ids.
    let t = t0();
    let contract = |client: i64, total: i64, hours: i64| {
        db.set_now(t + Duration::hours(hours));
        db.contract(&s.manager, client, total)
    };
    let k1 = contract(a, 1_000_000, 5);
    let k2 = contract(a, 400_000, 1);
    let k3 = contract(c, 800_000, 3);
    let k4 = contract(b, 400_000, 2);
    let k5 = contract(d, 200_000, 4);
    db.set_now(t);
    for k in [k1, k3, k4] {
        crm.sign_contract(&s.manager, k, db.contract_version(k))
            .expect("sign");
    }
    crm.record_payment(&s.sales, k1, Cents(250_000), date(2023, 4, 1))
        .expect("pay k1");
    crm.record_payment(&s.sales, k3, Cents(800_000), date(2023, 4, 2))
        .expect("pay k3");

    let h = |n: i64| t + Duration::hours(n);
    let mk_event = |who, k, input: EventInput| crm.create_event(who, k, &input).expect("event");
    let e1 = mk_event(
        &s.sales,
        k1,
        event("Launch Party", h(240), h(245), CANDE, 120),
    );
    let e2 = mk_event(&s.sales, k3, event("Wedding", h(0), h(5), CANDE, 75));
    let e3 = mk_event(
        &s.sales2,
        k4,
        event(
            "General Assembly",
            h(-240),
            h(-238),
            "Salle des fêtes de Mufflins",
            200,
        ),
    );
    let e4 = mk_event(&s.sales, k1, event("Afterparty", h(480), h(504), CANDE, 30));
    let e5 = mk_event(&s.sales, k3, event("Brunch", h(-3), h(0), CANDE, 10));
    for (ev, who) in [(e2, &s.support), (e4, &s.support), (e3, &s.support2)] {
        crm.assign_support(
            &s.manager,
            ev,
            db.event_version(ev),
            Some(who.collaborator_id),
        )
        .expect("assign");
    }
    Data {
        s,
        a,
        b,
        d,
        k: [k1, k2, k3, k4, k5],
        e: [e1, e2, e3, e4, e5],
    }
}

fn clients(db: &TestDb, f: &ClientFilter, sort: ClientSort, p: &ListParams) -> Vec<String> {
    db.api()
        .list_clients(f, sort, p)
        .expect("list clients")
        .rows
        .into_iter()
        .map(|r| r.client.full_name)
        .collect()
}

fn contracts(db: &TestDb, f: &ContractFilter, sort: ContractSort, p: &ListParams) -> Vec<i64> {
    db.api()
        .list_contracts(f, sort, p)
        .expect("list contracts")
        .rows
        .into_iter()
        .map(|r| r.contract.id)
        .collect()
}

fn events(db: &TestDb, f: &EventFilter, sort: EventSort, p: &ListParams) -> Vec<String> {
    db.api()
        .list_events(f, sort, p)
        .expect("list events")
        .rows
        .into_iter()
        .map(|r| r.event.name)
        .collect()
}

fn all() -> ListParams {
    ListParams::default()
}

fn terms(text: &str) -> ListParams {
    ListParams::default().with_filter(text)
}

fn desc(p: ListParams) -> ListParams {
    ListParams {
        descending: true,
        ..p
    }
}

// ---------------------------------------------------------------------------

fn department_filters(db: &TestDb) {
    let d = fixture(db);
    let [k1, k2, k3, k4, k5] = d.k;
    let bill = d.s.sales.collaborator_id;
    // Clients: mine.
    let mine = ClientFilter {
        sales_contact: Some(bill),
    };
    assert_eq!(
        clients(db, &mine, ClientSort::Name, &all()),
        ["Aliénor Brun", "Chloé Martin", "Eve Casey"]
    );
    assert_eq!(
        clients(db, &ClientFilter::default(), ClientSort::Name, &all()).len(),
        5
    );
    // Contracts: unsigned, balance due, mine, and combined.
    let c = |f: ContractFilter| contracts(db, &f, ContractSort::Id, &all());
    assert_eq!(
        c(ContractFilter {
            unsigned: true,
            ..Default::default()
        }),
        [k2, k5]
    );
    assert_eq!(
        c(ContractFilter {
            balance_due: true,
            ..Default::default()
        }),
        [k1, k2, k4, k5]
    );
    assert_eq!(
        c(ContractFilter {
            sales_contact: Some(bill),
            ..Default::default()
        }),
        [k1, k2, k3]
    );
    assert_eq!(
        c(ContractFilter {
            sales_contact: Some(bill),
            balance_due: true,
            ..Default::default()
        }),
        [k1, k2]
    );
    assert_eq!(
        c(ContractFilter {
            sales_contact: Some(bill),
            unsigned: true,
            balance_due: true,
            client: None,
        }),
        [k2]
    );
    assert_eq!(
        c(ContractFilter {
            client: Some(d.b),
            ..Default::default()
        }),
        [k4]
    );
    // Events: without support, assigned to someone, combined with a window.
    let e = |f: EventFilter| events(db, &f, EventSort::Start, &all());
    assert_eq!(
        e(EventFilter {
            without_support: true,
            ..Default::default()
        }),
        ["Brunch", "Launch Party"]
    );
    assert_eq!(
        e(EventFilter {
            support: Some(d.s.support.collaborator_id),
            ..Default::default()
        }),
        ["Wedding", "Afterparty"]
    );
    assert_eq!(
        e(EventFilter {
            support: Some(d.s.support2.collaborator_id),
            ..Default::default()
        }),
        ["General Assembly"]
    );
    assert_eq!(
        e(EventFilter {
            without_support: true,
            window: TimeWindow::Upcoming,
            ..Default::default()
        }),
        ["Launch Party"]
    );
    assert_eq!(
        e(EventFilter {
            client: Some(d.a),
            ..Default::default()
        }),
        ["Launch Party", "Afterparty"]
    );
    assert_eq!(
        e(EventFilter {
            contract: Some(k3),
            ..Default::default()
        }),
        ["Brunch", "Wedding"]
    );
}

fn time_windows_follow_the_clock(db: &TestDb) {
    let _d = fixture(db);
    let window = |w: TimeWindow| {
        events(
            db,
            &EventFilter {
                window: w,
                ..Default::default()
            },
            EventSort::Start,
            &all(),
        )
    };
    // At t0: Wedding starts exactly now (ongoing), Brunch ends exactly now (past).
    assert_eq!(window(TimeWindow::Upcoming), ["Launch Party", "Afterparty"]);
    assert_eq!(window(TimeWindow::Ongoing), ["Wedding"]);
    assert_eq!(window(TimeWindow::Past), ["General Assembly", "Brunch"]);
    assert_eq!(window(TimeWindow::All).len(), 5);
    // One minute before: the Wedding is still to come, the Brunch still on.
    db.advance_minutes(-1);
    assert_eq!(
        window(TimeWindow::Upcoming),
        ["Wedding", "Launch Party", "Afterparty"]
    );
    assert_eq!(window(TimeWindow::Ongoing), ["Brunch"]);
    assert_eq!(window(TimeWindow::Past), ["General Assembly"]);
    // Ten days and an hour later: the Launch Party is on.
    db.set_now(t0() + Duration::hours(241));
    assert_eq!(window(TimeWindow::Upcoming), ["Afterparty"]);
    assert_eq!(window(TimeWindow::Ongoing), ["Launch Party"]);
    assert_eq!(
        window(TimeWindow::Past),
        ["General Assembly", "Brunch", "Wedding"]
    );
    // An explicit instant wins over the clock.
    let f = EventFilter {
        window: TimeWindow::Ongoing,
        now: Some(t0() + Duration::hours(490)),
        ..Default::default()
    };
    assert_eq!(events(db, &f, EventSort::Start, &all()), ["Afterparty"]);
    // The cycle the `t` key walks.
    assert_eq!(TimeWindow::All.next(), TimeWindow::Upcoming);
    assert_eq!(TimeWindow::Upcoming.next(), TimeWindow::Ongoing);
    assert_eq!(TimeWindow::Ongoing.next(), TimeWindow::Past);
    assert_eq!(TimeWindow::Past.next(), TimeWindow::All);
}

fn terms_all_match_ignoring_case_and_accents(db: &TestDb) {
    let _d = fixture(db);
    let cl = |text: &str| clients(db, &ClientFilter::default(), ClientSort::Name, &terms(text));
    assert_eq!(cl("alienor"), ["Aliénor Brun"]);
    assert_eq!(cl("ALIÉNOR"), ["Aliénor Brun"]);
    assert_eq!(cl("Chloe"), ["Chloé Martin"]);
    assert_eq!(cl("chlOÉ marTIN"), ["Chloé Martin"]);
    // Every term must match: the sales contact's name and a client's.
    assert_eq!(cl("boquet"), ["Aliénor Brun", "Chloé Martin", "Eve Casey"]);
    assert_eq!(cl("boquet casey"), ["Eve Casey"]);
    assert_eq!(cl("roy casey"), Vec::<String>::new());
    assert_eq!(cl("nobody"), Vec::<String>::new());
    // Short terms (below the trigram length) match the start of a word: "q" finds
    // "Quoted" (after a quote mark), not "Boquet".
    assert_eq!(cl("ev"), ["Eve Casey"]);
    assert_eq!(cl("q"), ["Bob O'Neil"]);
    assert_eq!(cl("ev q"), Vec::<String>::new());
    assert_eq!(cl("ev bo"), ["Eve Casey"], "Bill Boquet's client");
    assert_eq!(cl("ma"), ["Chloé Martin"], "chloe@martin");
    assert_eq!(cl("o'"), ["Bob O'Neil"]);
    assert_eq!(cl("  "), cl(""));
    assert_eq!(cl("").len(), 5);

    let ev = |text: &str| events(db, &EventFilter::default(), EventSort::Start, &terms(text));
    assert_eq!(ev("CANDÉ").len(), 4);
    assert_eq!(ev("cande-sur-beuvron").len(), 4);
    assert_eq!(ev("mufflins"), ["General Assembly"]);
    assert_eq!(ev("FÊTES"), ["General Assembly"]);
    assert_eq!(ev("cande mufflins"), Vec::<String>::new());
    // The client's name (Aliénor Brun) and the support's (Alienor Vichum) both fold.
    assert_eq!(
        ev("alienor"),
        ["General Assembly", "Launch Party", "Afterparty"]
    );
    assert_eq!(ev("Aliénor vichum"), ["General Assembly"]);
    assert_eq!(ev("kate"), ["Wedding", "Afterparty"]);
    assert_eq!(ev("ka"), ["Wedding", "Afterparty"]);

    let k = |text: &str| {
        contracts(
            db,
            &ContractFilter::default(),
            ContractSort::Id,
            &terms(text),
        )
    };
    assert_eq!(k("unsigned").len(), 2);
    assert_eq!(k("CHLOÉ").len(), 1);
    assert_eq!(k("roy").len(), 2, "the sales contact's name");

    let staff = |text: &str| {
        db.api()
            .list_collaborators(
                &CollaboratorFilter::default(),
                CollaboratorSort::Name,
                &terms(text),
            )
            .expect("list")
            .rows
            .into_iter()
            .map(|c| c.full_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(staff("ALIÉNOR"), ["Alienor Vichum"]);
    assert_eq!(staff("support"), ["Alienor Vichum", "Kate Hastroff"]);
    assert_eq!(staff("ee-0003"), ["Bill Boquet"]);
}

fn special_characters_in_terms_match_literally(db: &TestDb) {
    let _d = fixture(db);
    let cl = |text: &str| clients(db, &ClientFilter::default(), ClientSort::Name, &terms(text));
    let none = Vec::<String>::new();
    // LIKE wildcards: unescaped, `%` and `_` would match every row.
    assert_eq!(cl("%"), ["Chloé Martin"]);
    assert_eq!(cl("100%"), ["Chloé Martin"]);
    // A short term with a letter or digit starts a word: "100%" holds no word
    // starting with "0".
    assert_eq!(cl("0%"), none);
    assert_eq!(cl("%%%"), none);
    assert_eq!(cl("_"), ["Dan Under"]);
    assert_eq!(cl("e_s"), ["Dan Under"], "not 'base stores'");
    assert_eq!(cl("pre_sale"), ["Dan Under"]);
    assert_eq!(cl("___"), none);
    // Quotes.
    assert_eq!(cl("'"), ["Bob O'Neil"]);
    assert_eq!(cl("o'neil"), ["Bob O'Neil"]);
    assert_eq!(cl("\""), ["Bob O'Neil"]);
    assert_eq!(cl("\"quoted\""), ["Bob O'Neil"]);
    assert_eq!(cl("\"quoted"), ["Bob O'Neil"]);
    assert_eq!(cl("\"\""), none);
    assert_eq!(cl("'';"), none);
    assert_eq!(cl("\\"), none);
    assert_eq!(cl("&"), ["Aliénor Brun"]);
    assert_eq!(cl("brun &"), ["Aliénor Brun"]);
    // Full-text syntax is not interpreted either.
    assert_eq!(cl("bob OR eve"), none);
    assert_eq!(cl("NOT"), none);
    assert_eq!(cl("bio*"), none);
    assert_eq!(cl("brun AND"), none);
    assert_eq!(cl("(bob)"), none);
}

/// Checks one sort both ways against the same rows sorted here, and that it is not
/// just the id order.
#[track_caller]
fn check_sort<K: Ord + Clone + std::fmt::Debug>(
    what: &str,
    asc: Vec<(K, i64)>,
    desc: Vec<(K, i64)>,
    distinct_from_ids: bool,
) {
    let mut expected = asc.clone();
    expected.sort();
    assert_eq!(asc, expected, "{what} ascending");
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(desc, reversed, "{what} descending");
    if distinct_from_ids {
        let ids: Vec<i64> = asc.iter().map(|(_, id)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_ne!(
            ids, sorted,
            "{what}: the data should not be in id order already"
        );
    }
}

fn every_column_sorts_both_ways(db: &TestDb) {
    let d = fixture(db);
    let f = ClientFilter::default();
    for &sort in ClientSort::ALL {
        let rows = |p: ListParams| db.api().list_clients(&f, sort, &p).expect("list").rows;
        let key = |r: &epicevents::db::repo::clients::ClientRow| {
            let c = &r.client;
            let k = match sort {
                ClientSort::Name => fold(&c.full_name),
                ClientSort::Company => c.company_name.clone(),
                ClientSort::Email => c.email.clone(),
                ClientSort::LastContact => c.last_contact.to_string(),
                ClientSort::SalesContact => r
                    .sales_contact_name
                    .as_deref()
                    .map(fold)
                    .unwrap_or_default(),
                ClientSort::Id => String::new(),
            };
            (k, c.id)
        };
        let asc: Vec<_> = rows(all()).iter().map(key).collect();
        let dsc: Vec<_> = rows(desc(all())).iter().map(key).collect();
        assert_eq!(asc.len(), 5);
        check_sort(
            &format!("clients by {sort:?}"),
            asc,
            dsc,
            !matches!(
                sort,
                ClientSort::Id | ClientSort::Name | ClientSort::Email | ClientSort::SalesContact
            ),
        );
    }
    assert_eq!(
        clients(db, &f, ClientSort::Company, &all()),
        [
            "Chloé Martin",
            "Eve Casey",
            "Aliénor Brun",
            "Bob O'Neil",
            "Dan Under"
        ]
    );

    let f = ContractFilter::default();
    for &sort in ContractSort::ALL {
        let rows = |p: ListParams| db.api().list_contracts(&f, sort, &p).expect("list").rows;
        let key = |r: &epicevents::db::repo::contracts::ContractRow| {
            let c = &r.contract;
            let k = match sort {
                ContractSort::Id => String::new(),
                ContractSort::Client => fold(&r.client.full_name),
                ContractSort::Total => format!("{:012}", c.total_cents),
                ContractSort::Due => format!("{:012}", c.due_cents),
                ContractSort::Signed => c.signed.to_string(),
                ContractSort::Created => c.created_at.to_string(),
                ContractSort::SalesContact => r
                    .sales_contact_name
                    .as_deref()
                    .map(fold)
                    .unwrap_or_default(),
            };
            (k, c.id)
        };
        let asc: Vec<_> = rows(all()).iter().map(key).collect();
        let dsc: Vec<_> = rows(desc(all())).iter().map(key).collect();
        assert_eq!(asc.len(), 5);
        check_sort(
            &format!("contracts by {sort:?}"),
            asc,
            dsc,
            !matches!(sort, ContractSort::Id | ContractSort::SalesContact),
        );
    }
    let [k1, k2, k3, k4, k5] = d.k;
    assert_eq!(
        contracts(db, &f, ContractSort::Created, &all()),
        [k2, k4, k3, k5, k1]
    );
    assert_eq!(
        contracts(db, &f, ContractSort::Signed, &all()),
        [k2, k5, k1, k3, k4],
        "unsigned first, ties by id"
    );
    assert_eq!(
        contracts(db, &f, ContractSort::Due, &desc(all())),
        [k1, k4, k2, k5, k3]
    );

    let f = EventFilter::default();
    for &sort in EventSort::ALL {
        let rows = |p: ListParams| db.api().list_events(&f, sort, &p).expect("list").rows;
        let key = |r: &epicevents::db::repo::events::EventRow| {
            let e = &r.event;
            let k = match sort {
                EventSort::Start => e.starts_at.to_string(),
                EventSort::End => e.ends_at.to_string(),
                EventSort::Name => fold(&e.name),
                EventSort::Client => fold(&r.client.full_name),
                EventSort::Attendees => format!("{:06}", e.attendees),
                EventSort::Support => r.support_name.as_deref().map(fold).unwrap_or_default(),
                EventSort::Id => String::new(),
            };
            (k, e.id)
        };
        let asc: Vec<_> = rows(all()).iter().map(key).collect();
        let dsc: Vec<_> = rows(desc(all())).iter().map(key).collect();
        assert_eq!(asc.len(), 5);
        check_sort(
            &format!("events by {sort:?}"),
            asc,
            dsc,
            !matches!(sort, EventSort::Id | EventSort::Support),
        );
    }
    assert_eq!(
        events(db, &f, EventSort::Client, &all()),
        [
            "Launch Party",
            "Afterparty",
            "General Assembly",
            "Wedding",
            "Brunch"
        ],
        "by client, ties by id"
    );
    assert_eq!(
        events(db, &f, EventSort::Attendees, &desc(all())),
        [
            "General Assembly",
            "Launch Party",
            "Wedding",
            "Afterparty",
            "Brunch"
        ]
    );

    // Collaborators, with one inactive.
    let anne = d.s.sales2.collaborator_id;
    db.api()
        .set_collaborator_active(
            &d.s.admin,
            anne,
            db.collaborator_version(anne),
            false,
            Handover {
                clients_to: Some(d.s.sales.collaborator_id),
                ..Handover::default()
            },
        )
        .expect("deactivate");
    let f = CollaboratorFilter::default();
    for &sort in CollaboratorSort::ALL {
        let rows = |p: ListParams| {
            db.api()
                .list_collaborators(&f, sort, &p)
                .expect("list")
                .rows
        };
        let key = |c: &epicevents::db::models::Collaborator| {
            let k = match sort {
                CollaboratorSort::Name => fold(&c.full_name),
                CollaboratorSort::EmployeeNumber => c.employee_number.clone(),
                CollaboratorSort::Email => c.email.clone(),
                CollaboratorSort::Role => format!("{} {}", c.role, c.full_name),
                // Active ones first.
                CollaboratorSort::Active => format!("{} {}", !c.active, c.full_name),
            };
            (k, 0)
        };
        let asc: Vec<_> = rows(all()).iter().map(key).collect();
        let dsc: Vec<_> = rows(desc(all())).iter().map(key).collect();
        assert_eq!(asc.len(), 6);
        check_sort(&format!("collaborators by {sort:?}"), asc, dsc, false);
    }
    let names = |sort, p| {
        db.api()
            .list_collaborators(&f, sort, &p)
            .expect("list")
            .rows
            .into_iter()
            .map(|c| c.full_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(CollaboratorSort::Role, all()),
        [
            "Paul Durand",
            "Mia Martin",
            "Anne Roy",
            "Bill Boquet",
            "Alienor Vichum",
            "Kate Hastroff"
        ]
    );
    assert_eq!(
        names(CollaboratorSort::Active, all())
            .last()
            .map(String::as_str),
        Some("Anne Roy")
    );
    assert_eq!(
        names(CollaboratorSort::Active, desc(all()))
            .first()
            .map(String::as_str),
        Some("Anne Roy")
    );
    let active_sales = db
        .api()
        .list_collaborators(
            &CollaboratorFilter {
                role: Some(Role::Sales),
                active_only: true,
            },
            CollaboratorSort::Name,
            &all(),
        )
        .expect("list");
    assert_eq!(active_sales.total, 1);
    assert_eq!(active_sales.rows[0].full_name, "Bill Boquet");
}

fn pages_are_disjoint_and_counted(db: &TestDb) {
    let d = fixture(db);
    // A few more clients so that pages are several.
    for i in 0..8 {
        db.client(
            &d.s.sales2,
            &format!("Zed Client {i}"),
            &format!("zed{i}@x.example"),
        );
    }
    let f = ClientFilter::default();
    for (sort, descending) in [
        (ClientSort::Name, false),
        (ClientSort::LastContact, true),
        (ClientSort::Company, false),
    ] {
        let mut seen = Vec::new();
        for offset in (0..15).step_by(4) {
            let page = db
                .api()
                .list_clients(
                    &f,
                    sort,
                    &ListParams {
                        offset,
                        limit: 4,
                        descending,
                        ..Default::default()
                    },
                )
                .expect("page");
            assert_eq!(page.total, 13, "the total is the whole match");
            assert!(!page.total_capped);
            assert_eq!(page.offset, offset);
            assert_eq!(page.rows.len(), (13 - offset as usize).min(4));
            seen.extend(page.rows.into_iter().map(|r| r.client.id));
        }
        let whole: Vec<i64> = db
            .api()
            .list_clients(
                &f,
                sort,
                &ListParams {
                    descending,
                    ..Default::default()
                },
            )
            .expect("list")
            .rows
            .into_iter()
            .map(|r| r.client.id)
            .collect();
        assert_eq!(seen, whole, "pages in a row are the list, each row once");
    }
    // With a filter: the total counts matches only.
    let page = db
        .api()
        .list_clients(
            &f,
            ClientSort::Name,
            &ListParams {
                limit: 3,
                offset: 3,
                ..Default::default()
            }
            .with_filter("zed"),
        )
        .expect("page");
    assert_eq!(page.total, 8);
    assert_eq!(
        page.rows
            .iter()
            .map(|r| r.client.full_name.as_str())
            .collect::<Vec<_>>(),
        ["Zed Client 3", "Zed Client 4", "Zed Client 5"]
    );
    // Past the end: no rows, same total.
    let page = db
        .api()
        .list_clients(
            &f,
            ClientSort::Name,
            &ListParams {
                offset: 50,
                ..Default::default()
            },
        )
        .expect("page");
    assert!(page.rows.is_empty());
    assert_eq!(page.total, 13);
    // Events and contracts page the same way.
    let p = |offset| ListParams {
        offset,
        limit: 2,
        ..Default::default()
    };
    let e: Vec<_> = [0, 2, 4]
        .into_iter()
        .flat_map(|o| {
            let page = db
                .api()
                .list_events(&EventFilter::default(), EventSort::Start, &p(o))
                .expect("page");
            assert_eq!(page.total, 5);
            page.rows.into_iter().map(|r| r.event.id)
        })
        .collect();
    let mut unique = e.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((e.len(), unique.len()), (5, 5));
    let page = db
        .api()
        .list_contracts(&ContractFilter::default(), ContractSort::Total, &p(4))
        .expect("page");
    assert_eq!((page.total, page.rows.len()), (5, 1));
    assert_eq!(page.rows[0].contract.id, d.k[0], "the largest total last");
}

fn archived_rows_are_hidden_unless_asked(db: &TestDb) {
    let d = fixture(db);
    let [_, _, _, _, k5] = d.k;
    db.api()
        .set_client_archived(&d.s.manager, d.d, db.client_version(d.d), true)
        .expect("archive client D");
    let brunch = d.e[4];
    db.api()
        .set_event_archived(&d.s.manager, brunch, db.event_version(brunch), true)
        .expect("archive the brunch");
    let with_archived = ListParams {
        include_archived: true,
        ..Default::default()
    };
    let cf = ClientFilter::default();
    assert!(!clients(db, &cf, ClientSort::Name, &all()).contains(&"Dan Under".to_string()));
    assert!(clients(db, &cf, ClientSort::Name, &with_archived).contains(&"Dan Under".to_string()));
    assert_eq!(
        db.api()
            .list_clients(&cf, ClientSort::Name, &all())
            .expect("list")
            .total,
        4
    );
    // The contract went with its client.
    let kf = ContractFilter::default();
    assert!(!contracts(db, &kf, ContractSort::Id, &all()).contains(&k5));
    assert!(contracts(db, &kf, ContractSort::Id, &with_archived).contains(&k5));
    let unsigned = ContractFilter {
        unsigned: true,
        ..Default::default()
    };
    assert_eq!(contracts(db, &unsigned, ContractSort::Id, &all()), [d.k[1]]);
    // Events.
    let without = EventFilter {
        without_support: true,
        ..Default::default()
    };
    assert_eq!(
        events(db, &without, EventSort::Start, &all()),
        ["Launch Party"]
    );
    assert_eq!(
        events(db, &without, EventSort::Start, &with_archived),
        ["Brunch", "Launch Party"]
    );
    // Terms do not bring archived rows back.
    assert!(clients(db, &cf, ClientSort::Name, &terms("dan")).is_empty());
    assert_eq!(
        clients(
            db,
            &cf,
            ClientSort::Name,
            &ListParams {
                include_archived: true,
                ..terms("dan")
            }
        ),
        ["Dan Under"]
    );
    // Restored, they are back.
    db.api()
        .set_client_archived(&d.s.manager, d.d, db.client_version(d.d), false)
        .expect("restore");
    assert_eq!(clients(db, &cf, ClientSort::Name, &all()).len(), 5);
    assert!(contracts(db, &kf, ContractSort::Id, &all()).contains(&k5));
}

/// The terms match what the lists show, also after a related record changed: a
/// client renamed or reassigned, a collaborator renamed, a sales collaborator's
/// clients handed over.
fn terms_follow_changes_to_related_records(db: &TestDb) {
    let d = fixture(db);
    let [k1, k2, _, k4, k5] = d.k;
    let k = |text: &str| {
        contracts(
            db,
            &ContractFilter::default(),
            ContractSort::Id,
            &terms(text),
        )
    };
    let ev = |text: &str| events(db, &EventFilter::default(), EventSort::Start, &terms(text));
    let none = Vec::<String>::new();

    // The client is renamed: its contracts and events follow.
    let input = client(
        "Aliénor Lenoir",
        "alienor@brun.example",
        "Lenoir Traiteur",
        date(2023, 1, 10),
    );
    db.api()
        .update_client(&d.s.sales, d.a, db.client_version(d.a), &input)
        .expect("rename client");
    assert_eq!(k("lenoir"), [k1, k2]);
    assert_eq!(k("traiteur"), [k1, k2]);
    assert!(k("fils").is_empty());
    assert_eq!(ev("lenoir"), ["Launch Party", "Afterparty"]);
    assert_eq!(ev("traiteur"), ["Launch Party", "Afterparty"]);
    assert_eq!(ev("fils"), none);

    // Reassigned: the contracts list shows the new sales contact.
    db.api()
        .reassign_client(
            &d.s.manager,
            d.a,
            db.client_version(d.a),
            d.s.sales2.collaborator_id,
        )
        .expect("reassign");
    assert_eq!(k("lenoir roy"), [k1, k2]);
    assert!(k("lenoir boquet").is_empty());

    // A support collaborator is renamed: their events follow.
    let kate = d.s.support.collaborator_id;
    let form =
        |name: &str, email: &str, role| epicevents::services::collaborators::CollaboratorInput {
            full_name: name.into(),
            email: email.into(),
            phone: None,
            role,
        };
    db.api()
        .update_collaborator(
            &d.s.admin,
            kate,
            db.collaborator_version(kate),
            &form(
                "Kate Blanchard",
                "kate.hastroff@epicevents.example",
                Role::Support,
            ),
        )
        .expect("rename support");
    assert_eq!(ev("blanchard"), ["Wedding", "Afterparty"]);
    assert_eq!(ev("hastroff"), none);

    // A sales collaborator is renamed: their clients and contracts follow.
    let anne = d.s.sales2.collaborator_id;
    db.api()
        .update_collaborator(
            &d.s.admin,
            anne,
            db.collaborator_version(anne),
            &form("Anne Leroy", "anne.roy@epicevents.example", Role::Sales),
        )
        .expect("rename sales");
    let cl = |text: &str| clients(db, &ClientFilter::default(), ClientSort::Name, &terms(text));
    assert_eq!(cl("leroy"), ["Aliénor Lenoir", "Bob O'Neil", "Dan Under"]);
    assert_eq!(k("leroy"), [k1, k2, k4, k5]);

    // Anne leaves; Bill takes her clients: clients and contracts follow.
    db.api()
        .set_collaborator_active(
            &d.s.admin,
            anne,
            db.collaborator_version(anne),
            false,
            Handover {
                clients_to: Some(d.s.sales.collaborator_id),
                ..Handover::default()
            },
        )
        .expect("hand over");
    assert_eq!(cl("leroy"), none);
    assert_eq!(k("leroy"), Vec::<i64>::new());
    assert_eq!(k("boquet").len(), 5);
    assert_eq!(cl("boquet lenoir"), ["Aliénor Lenoir"]);
}

/// Names sort as people read them, case and accents aside, on both backends
/// (whatever PostgreSQL's collation), including rows written before `sort_name`.
fn names_sort_ignoring_case_and_accents(db: &TestDb) {
    let s = db.staff();
    let names = [
        "Zoé Adam",
        "élodie Roux",
        "Émile Zola",
        "Béatrice Prigent",
        "bruno Conte",
        "Anémone Burel",
        "Annie Faye",
    ];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let id = db
            .api()
            .create_client(
                &s.sales,
                &client(
                    n,
                    &format!("c{i}@sort.example"),
                    "Sort SA",
                    date(2023, 1, 1),
                ),
            )
            .expect("client");
        ids.push(id);
    }
    let reading_order = [
        "Anémone Burel",
        "Annie Faye",
        "Béatrice Prigent",
        "bruno Conte",
        "élodie Roux",
        "Émile Zola",
        "Zoé Adam",
    ];
    let f = ClientFilter::default();
    let check = |what: &str| {
        assert_eq!(
            clients(db, &f, ClientSort::Name, &all()),
            reading_order,
            "{what}"
        );
        let mut back = reading_order.to_vec();
        back.reverse();
        assert_eq!(
            clients(db, &f, ClientSort::Name, &desc(all())),
            back,
            "{what}, reversed"
        );
    };
    check("as created");
    // A rename re-sorts: "Zoé Adam" becomes "Ådam Zoé" and goes first.
    let zoe = ids[0];
    let mut input = client("Ådam Zoé", "c0@sort.example", "Sort SA", date(2023, 1, 1));
    input.phone = "+33 6 12 34 56 78".into();
    db.api()
        .update_client(&s.sales, zoe, db.client_version(zoe), &input)
        .expect("rename");
    assert_eq!(clients(db, &f, ClientSort::Name, &all())[0], "Ådam Zoé");
    db.api()
        .update_client(
            &s.sales,
            zoe,
            db.client_version(zoe),
            &client("Zoé Adam", "c0@sort.example", "Sort SA", date(2023, 1, 1)),
        )
        .expect("rename back");
    // Rows from before the column existed have it empty; the fill after the
    // migration puts them in order again.
    db.crm
        .db()
        .write(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE clients SET sort_name = ''").execute(c)?;
            Ok(())
        })
        .expect("blank the sort names");
    let filled = db
        .crm
        .db()
        .write(epicevents::db::migrate::fill_sort_names)
        .expect("fill");
    assert!(filled >= names.len(), "{filled}");
    check("after the fill");
    assert_eq!(
        db.crm
            .db()
            .write(epicevents::db::migrate::fill_sort_names)
            .expect("fill"),
        0,
        "nothing left to fill"
    );
}

/// Ongoing events are read from the starts within the longest event's length
/// before now: an event that began long before the others is still found, up
/// to its last second.
fn ongoing_reaches_back_to_the_longest_event(db: &TestDb) {
    let d = fixture(db);
    let starts = t0() - Duration::days(400);
    let ends = t0() + Duration::days(9);
    let season = db
        .crm
        .create_event(
            &d.s.sales,
            d.k[2],
            &event("Season", starts, ends, CANDE, 1_000),
        )
        .expect("a long event");
    let ongoing = |now: NaiveDateTime| {
        events(
            db,
            &EventFilter {
                window: TimeWindow::Ongoing,
                now: Some(now),
                ..Default::default()
            },
            EventSort::Start,
            &all(),
        )
    };
    assert_eq!(ongoing(t0()), ["Season", "Wedding"]);
    assert_eq!(ongoing(starts), ["Season"]);
    assert_eq!(ongoing(ends - Duration::seconds(1)), ["Season"]);
    assert!(ongoing(ends).is_empty());
    assert!(ongoing(starts - Duration::seconds(1)).is_empty());
    // Archived, it still bounds the search, and the window finds it when asked.
    db.crm
        .set_event_archived(&d.s.manager, season, db.event_version(season), true)
        .expect("archive");
    assert_eq!(ongoing(t0()), ["Wedding"]);
    let with_archived = ListParams {
        include_archived: true,
        ..all()
    };
    let f = EventFilter {
        window: TimeWindow::Ongoing,
        now: Some(t0() + Duration::days(5)),
        ..Default::default()
    };
    assert_eq!(events(db, &f, EventSort::Start, &with_archived), ["Season"]);
}

backend_tests!(
    ongoing_reaches_back_to_the_longest_event,
    names_sort_ignoring_case_and_accents,
    department_filters,
    time_windows_follow_the_clock,
    terms_all_match_ignoring_case_and_accents,
    special_characters_in_terms_match_literally,
    every_column_sorts_both_ways,
    pages_are_disjoint_and_counted,
    archived_rows_are_hidden_unless_asked,
    terms_follow_changes_to_related_records,
);
