//! The list and write commands as scripts see them: exit codes, stable JSON,
//! tables fit for a pipe, and counts that agree with the services.

mod cli_common;

use cli_common::*;
use epicevents::db::Target;
use epicevents::services::query::{EventFilter, EventSort, ListParams};
use epicevents::Crm;

fn crm(cli: &Cli) -> Crm {
    Crm::open(&Target::SqliteFile(cli.db_path()), fresh::config()).expect("open")
}

/// The keys of the first object of `args`'s NDJSON output, in the printed order.
fn keys(cli: &Cli, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend(["--format", "ndjson", "--limit", "1"]);
    let o = cli.run(&all);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let line = stdout(&o).lines().next().expect("a row").to_string();
    let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    let mut keys: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    keys.sort_by_key(|k| line.find(&format!("\"{k}\":")).expect("key in the line"));
    keys
}

#[test]
fn lists_print_stable_json_fields_in_every_format() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let clients = cli.json(&["clients", "list", "--format", "json"]);
    let rows = clients.as_array().expect("array");
    assert!(rows.len() > 20);
    assert_eq!(
        keys(&cli, &["clients", "list"]),
        [
            "id",
            "full_name",
            "email",
            "phone",
            "company_name",
            "first_contact",
            "last_contact",
            "sales_contact_id",
            "sales_contact",
            "archived",
            "version"
        ]
    );
    let contracts = cli.json(&["contracts", "list", "--format", "json", "--limit", "1"]);
    assert_eq!(
        keys(&cli, &["contracts", "list"]),
        [
            "id",
            "external_ref",
            "client_id",
            "client",
            "sales_contact",
            "total",
            "due",
            "signed",
            "signed_at",
            "created_at",
            "archived",
            "version"
        ]
    );
    assert!(contracts[0]["total"].is_string(), "money stays exact");
    let events = cli.json(&["events", "list", "--format", "json", "--limit", "1"]);
    // Times are local ISO 8601 without an offset, ids are numbers.
    let starts = events[0]["starts_at"].as_str().expect("starts_at");
    assert!(chrono::NaiveDateTime::parse_from_str(starts, "%Y-%m-%dT%H:%M:%S").is_ok());
    assert!(events[0]["contract_id"].is_i64());
    assert_eq!(
        keys(&cli, &["events", "list"]),
        [
            "id",
            "external_ref",
            "name",
            "contract_id",
            "client_id",
            "client",
            "support_id",
            "support",
            "starts_at",
            "ends_at",
            "location",
            "attendees",
            "archived",
            "version",
            "notes"
        ]
    );
    // NDJSON and CSV hold the same rows.
    let nd = cli.run(&["clients", "list", "--format", "ndjson"]);
    let lines: Vec<serde_json::Value> = stdout(&nd)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.as_slice(), rows.as_slice());
    let csv = cli.run(&["clients", "list", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.stdout.as_slice());
    assert_eq!(r.records().count(), rows.len());
    // Paging selects the same rows as the whole list.
    let page = cli.json(&[
        "clients", "list", "--format", "json", "--offset", "5", "--limit", "7",
    ]);
    assert_eq!(page.as_array().expect("array").as_slice(), &rows[5..12]);
    // Sorting.
    let desc = cli.json(&["clients", "list", "--format", "json", "--sort", "id:desc"]);
    let ids: Vec<i64> = desc
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted);
}

#[test]
fn events_without_support_agree_with_the_service_count() {
    let cli = Cli::demo();
    cli.login(SUPPORT);
    let listed = cli.json(&["events", "list", "--without-support", "--format", "json"]);
    let listed = listed.as_array().expect("array");
    let page = crm(&cli)
        .list_events(
            &EventFilter {
                without_support: true,
                ..Default::default()
            },
            EventSort::default(),
            &ListParams {
                limit: 1_000_000,
                ..Default::default()
            },
        )
        .expect("list");
    assert!(page.total > 0);
    assert_eq!(listed.len() as i64, page.total);
    assert!(listed.iter().all(|e| e["support_id"].is_null()));
    let unsigned = cli.json(&["contracts", "list", "--unsigned", "--format", "json"]);
    assert!(unsigned
        .as_array()
        .expect("array")
        .iter()
        .all(|c| c["signed"] == false));
}

#[test]
fn a_table_on_a_pipe_has_no_colours_and_is_never_truncated() {
    let cli = Cli::demo();
    cli.login(SALES);
    let company = format!("Very Long Company {}", "Name ".repeat(30))
        .trim()
        .to_string();
    let o = cli.run(&[
        "clients",
        "create",
        "--full-name",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
        "--company-name",
        &company,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let id: i64 = stdout(&o).trim().parse().expect("the new id");
    let table = cli.run(&["clients", "list", "--mine"]);
    let out = stdout(&table);
    assert!(
        !out.contains('\u{1b}'),
        "no escape sequence reaches the pipe"
    );
    assert!(out.contains(&company), "the whole value is printed");
    assert!(out.lines().next().expect("header").starts_with("id"));
    let shown = cli.json(&["clients", "show", &id.to_string(), "--format", "json"]);
    assert_eq!(shown["company_name"], company.as_str());
    assert_eq!(shown["email"], "ada@example.com");
}

#[test]
fn exit_codes_say_what_went_wrong() {
    let cli = Cli::demo();
    // 6: not logged in.
    assert_eq!(code(&cli.run(&["clients", "list"])), 6);
    cli.login(SUPPORT);
    // 0.
    assert_eq!(code(&cli.run(&["clients", "list"])), 0);
    // 2: usage (clap's own and ours).
    let o = cli.run(&["clients", "list", "--no-such-flag"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let o = cli.run(&["clients", "list", "--without-support"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let o = cli.run(&["events", "list", "--sort", "colour"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    // 3: denied by the policy (support does not create clients).
    let o = cli.run(&[
        "clients",
        "create",
        "--full-name",
        "X",
        "--email",
        "x@example.com",
    ]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(stderr(&o).contains("not allowed"));
    // 4: not found.
    let o = cli.run(&["events", "show", "999999"]);
    assert_eq!(code(&o), 4, "{}", text(&o));
    // 5: conflict.
    cli.login(MANAGER);
    let first = cli.json(&[
        "contracts",
        "list",
        "--unsigned",
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let id = first[0]["id"].as_i64().expect("id").to_string();
    let stale = (first[0]["version"].as_i64().expect("version") - 1).to_string();
    let o = cli.run(&["contracts", "sign", &id, "--if-version", &stale]);
    assert_eq!(code(&o), 5, "{}", text(&o));
    // 1: refused input.
    let o = cli.run(&["contracts", "update", &id, "--total", "-5"]);
    assert_eq!(
        code(&o),
        2,
        "an amount that does not parse is a usage error: {}",
        text(&o)
    );
    cli.login(SALES);
    let o = cli.run(&[
        "clients",
        "create",
        "--full-name",
        "Y",
        "--email",
        "not an email",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    // 3 for audit as sales.
    let o = cli.run(&["audit", "list"]);
    assert_eq!(code(&o), 3, "{}", text(&o));
}

#[test]
fn writes_go_through_the_services() {
    let cli = Cli::demo();
    cli.login(MANAGER);
    let c = cli.json(&[
        "contracts",
        "list",
        "--unsigned",
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let id = c[0]["id"].as_i64().expect("id");
    let ids = id.to_string();
    let o = cli.run(&["contracts", "sign", &ids]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = cli.run(&["contracts", "pay", &ids, "100,50", "--date", "2026-01-15"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let after = cli.json(&["contracts", "show", &ids, "--format", "json"]);
    assert_eq!(after["signed"], true);
    let total = c[0]["total"].as_str().expect("total");
    let cents = |s: &str| -> i64 {
        let (e, c) = s.split_once('.').expect("decimal");
        e.parse::<i64>().expect("euros") * 100 + c.parse::<i64>().expect("cents")
    };
    assert_eq!(
        cents(after["due"].as_str().expect("due")),
        cents(total) - 10_050
    );

    // Assign support to an event without, then unassign.
    let e = cli.json(&[
        "events",
        "list",
        "--without-support",
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let eid_n = e[0]["id"].as_i64().expect("id");
    let eid = eid_n.to_string();
    let o = cli.run(&["events", "assign", &eid, SUPPORT]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let shown = cli.json(&["events", "show", &eid, "--format", "json"]);
    assert_eq!(shown["support"], "Kate Hastroff");
    let o = cli.run(&["events", "assign", &eid, "--none"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let shown = cli.json(&["events", "show", &eid, "--format", "json"]);
    assert!(shown["support_id"].is_null());

    // Archive hides from the list, restore brings back.
    let o = cli.run(&["events", "archive", &eid]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let listed = cli.json(&["events", "list", "--format", "json"]);
    assert!(!listed
        .as_array()
        .expect("array")
        .iter()
        .any(|r| r["id"] == eid_n));
    let with = cli.json(&["events", "list", "--archived", "--format", "json"]);
    assert!(with
        .as_array()
        .expect("array")
        .iter()
        .any(|r| r["id"] == eid_n));
    assert_eq!(code(&cli.run(&["events", "restore", &eid])), 0);

    // Update with the right version, and the audit trail records it.
    let shown = cli.json(&["events", "show", &eid, "--format", "json"]);
    let o = cli.run(&[
        "events",
        "update",
        &eid,
        "--attendees",
        "42",
        "--if-version",
        &shown["version"].to_string(),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let shown = cli.json(&["events", "show", &eid, "--format", "json"]);
    assert_eq!(shown["attendees"], 42);
    let audit = cli.json(&["audit", "list", "--format", "json", "--limit", "5"]);
    assert!(audit
        .as_array()
        .expect("array")
        .iter()
        .any(|a| a["entity"] == "event" && a["record_id"] == eid_n));
}

#[test]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL not configured: set EPICEVENTS_TEST_PG_URL"
)]
fn postgres_lists_agree_with_the_services_and_writes_check_versions() {
    let pg = FreshPg::new("cli_lists");
    let cli = Cli::demo_on(&pg.url);
    cli.login(MANAGER);
    let listed = cli.json(&["events", "list", "--without-support", "--format", "json"]);
    let crm = Crm::open(&Target::Postgres(pg.url.clone()), fresh::config()).expect("open");
    let page = crm
        .list_events(
            &EventFilter {
                without_support: true,
                ..Default::default()
            },
            EventSort::default(),
            &ListParams {
                limit: 1_000_000,
                ..Default::default()
            },
        )
        .expect("list");
    assert!(page.total > 0);
    assert_eq!(listed.as_array().expect("array").len() as i64, page.total);
    let c = cli.json(&[
        "contracts",
        "list",
        "--unsigned",
        "--format",
        "json",
        "--limit",
        "1",
    ]);
    let id = c[0]["id"].as_i64().expect("id").to_string();
    let stale = (c[0]["version"].as_i64().expect("version") + 1).to_string();
    assert_eq!(
        code(&cli.run(&["contracts", "sign", &id, "--if-version", &stale])),
        5
    );
    assert_eq!(code(&cli.run(&["contracts", "sign", &id])), 0);
    assert_eq!(code(&cli.run(&["contracts", "show", "99999999"])), 4);
}

/// A list longer than one page is read on from each page's last row: every
/// matching row exactly once, in the sort's order, whatever the sort, and
/// `--offset`/`--limit` agree with the services across a page boundary.
#[test]
fn lists_longer_than_a_page_come_whole_and_in_order() {
    let cli = Cli::demo();
    let crm = crm(&cli);
    epicevents::demo::bulk::generate(crm.db(), 200, 5_000, 3, |_, _, _| {}).expect("bulk data");
    let all = crm
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams {
                limit: 0,
                exact_count: true,
                ..ListParams::default()
            },
        )
        .expect("count")
        .total;
    assert!(all > 4_000, "{all} events: more than two pages");
    cli.login(MANAGER);

    // (Start times print in local time, whose order can differ from UTC's
    // around a change of the clocks: that sort is checked for rows only.)
    for (sort, key) in [
        ("start", None),
        ("name:desc", Some("name")),
        ("attendees", Some("attendees")),
    ] {
        let rows = cli.json(&["events", "list", "--sort", sort, "--format", "json"]);
        let rows = rows.as_array().expect("array");
        assert_eq!(rows.len() as i64, all, "sorted by {sort}: every row");
        let ids: std::collections::HashSet<i64> =
            rows.iter().map(|r| r["id"].as_i64().expect("id")).collect();
        assert_eq!(ids.len(), rows.len(), "sorted by {sort}: no row twice");
        let fold = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => epicevents::domain::text::fold(s),
            other => format!("{:020}", other.as_i64().unwrap_or_default()),
        };
        let Some(key) = key else { continue };
        for w in rows.windows(2) {
            let (a, b) = (fold(&w[0][key]), fold(&w[1][key]));
            if sort.ends_with(":desc") {
                assert!(a >= b, "sorted by {sort}: {a} before {b}");
            } else {
                assert!(a <= b, "sorted by {sort}: {a} before {b}");
            }
        }
    }

    let window = cli.json(&[
        "events", "list", "--offset", "1998", "--limit", "5", "--format", "json",
    ]);
    let expected = crm
        .list_events(
            &EventFilter::default(),
            EventSort::Start,
            &ListParams {
                offset: 1_998,
                limit: 5,
                ..ListParams::default()
            },
        )
        .expect("the services' window");
    let got: Vec<i64> = window
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    let want: Vec<i64> = expected.rows.iter().map(|r| r.event.id).collect();
    assert_eq!(got, want, "the same five rows across the page boundary");
}

#[test]
fn management_takes_money_back_and_sales_may_not() {
    let cli = Cli::demo();
    // Demo contract #1: 10 000.00 €, 2 500.00 € paid.
    let due = |cli: &Cli| {
        cli.json(&["contracts", "show", "1", "--format", "json"])["due"]
            .as_str()
            .expect("due")
            .to_string()
    };
    cli.login(SALES);
    let refund = [
        "contracts",
        "correct",
        "1",
        "100,50",
        "--kind",
        "refund",
        "--reason",
        "double charge",
        "--date",
        "2026-01-15",
    ];
    let o = cli.run(&refund);
    assert_eq!(code(&o), 3, "sales is refused: {}", text(&o));
    assert_eq!(due(&cli), "7500.00");

    cli.login(MANAGER);
    let o = cli.run(&refund);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(stdout(&o).trim(), "1");
    assert!(stderr(&o).contains("refund"), "{}", text(&o));
    assert_eq!(due(&cli), "7600.50");
    let shown = crm(&cli).get_contract(1).expect("contract");
    let (row, _) = &shown.payments[0];
    assert_eq!(
        (row.kind.as_str(), row.amount_cents, row.reason.as_str()),
        ("refund", -10_050, "double charge")
    );

    // Usage errors: a kind that takes nothing back, no reason, a bad amount.
    for args in [
        &[
            "contracts",
            "correct",
            "1",
            "5",
            "--kind",
            "payment",
            "--reason",
            "x",
        ][..],
        &["contracts", "correct", "1", "5", "--kind", "refund"][..],
        &[
            "contracts",
            "correct",
            "1",
            "-5",
            "--kind",
            "refund",
            "--reason",
            "x",
        ][..],
        &[
            "contracts",
            "correct",
            "1",
            "5",
            "--kind",
            "refund",
            "--reason",
            "x",
            "--date",
            "tomorrow",
        ][..],
    ] {
        let o = cli.run(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o));
    }
    // More than was paid: refused with what was paid.
    let o = cli.run(&[
        "contracts",
        "correct",
        "1",
        "5000",
        "--kind",
        "correction",
        "--reason",
        "typo",
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(stderr(&o).contains("399.50"), "{}", text(&o));
    assert_eq!(due(&cli), "7600.50");
}
