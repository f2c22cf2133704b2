//! Demo data (SPEC §6): the brief's own examples, then generated records so every
//! screen has something to show; and a seeded bulk generator for benchmarks.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use fake::faker::address::fr_fr::{CityName, PostCode, StreetName};
use fake::faker::company::fr_fr::CompanyName;
use fake::faker::lorem::en::Sentence;
use fake::faker::name::fr_fr::{FirstName, LastName};
use fake::Fake;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::models::NewCollaborator;
use crate::db::repo::collaborators as staff_repo;
use crate::domain::time::from_local;
use crate::domain::{Cents, Role};
use crate::error::{Error, Result};
use crate::services::clients::ClientInput;
use crate::services::events::EventInput;
use crate::session::Session;
use crate::Crm;

/// Every demo account's password, shown on the login screen when demo data is loaded.
pub const DEMO_PASSWORD: &str = "epic-demo-2023";

/// The demo staff of SPEC §6: name, e-mail, role.
pub const DEMO_STAFF: [(&str, &str, Role); 6] = [
    ("Paul Durand", "paul.durand@epicevents.example", Role::Admin),
    (
        "Mia Martin",
        "mia.martin@epicevents.example",
        Role::Management,
    ),
    ("Bill Boquet", "bill.boquet@epicevents.example", Role::Sales),
    ("Anne Roy", "anne.roy@epicevents.example", Role::Sales),
    (
        "Kate Hastroff",
        "kate.hastroff@epicevents.example",
        Role::Support,
    ),
    (
        "Aliénor Vichum",
        "alienor.vichum@epicevents.example",
        Role::Support,
    ),
];

/// What a demo load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoReport {
    pub loaded: bool,
    pub clients: usize,
    pub contracts: usize,
    pub events: usize,
}

/// True when the demo accounts exist (the login screen then shows the password).
pub fn is_loaded(crm: &Crm) -> Result<bool> {
    crm.db()
        .read(|c| Ok(staff_repo::find_by_email(c, DEMO_STAFF[0].1)?.is_some()))
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> Result<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .and_then(from_local)
        .ok_or_else(|| Error::Rule("invalid demo date".into()))
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::Rule("invalid demo date".into()))
}

fn session(crm: &Crm, email: &str) -> Result<Session> {
    let c = crm
        .db()
        .read(|c| staff_repo::find_by_email(c, email))?
        .ok_or_else(|| Error::Rule(format!("demo account {email} missing")))?;
    Ok(Session {
        collaborator_id: c.id,
        role: c.role(),
        name: c.full_name.clone(),
        email: c.email.clone(),
        must_change_password: false,
        logged_in_at: crm.now(),
    })
}

/// Loads the demo on an empty database; a second run adds nothing. `generated`
/// is how many extra clients to make up (each with contracts and events).
///
/// Two processes may run it at once (`--demo` started twice): creating the demo
/// staff is the claim, checked and done in one serialised transaction (see
/// [`claim`]), so exactly one of them loads and the other reports it already
/// loaded (`loaded: false`), even while the first is still filling in records.
pub fn load(crm: &Crm, generated: usize) -> Result<DemoReport> {
    if is_loaded(crm)? || !claim(crm)? {
        return Ok(DemoReport::default());
    }
    let mia = session(crm, DEMO_STAFF[1].1)?;
    let bill = session(crm, DEMO_STAFF[2].1)?;
    let anne = session(crm, DEMO_STAFF[3].1)?;
    let kate = session(crm, DEMO_STAFF[4].1)?;
    let alienor = session(crm, DEMO_STAFF[5].1)?;

    let kevin = crm.create_client(
        &bill,
        &ClientInput {
            full_name: "Kevin Casey".into(),
            email: "kevin@startup.io".into(),
            phone: "+678 123 456 78".into(),
            company_name: "Cool Startup LLC".into(),
            first_contact: date(2021, 4, 18)?,
            last_contact: date(2023, 3, 29)?,
        },
    )?;
    let john = crm.create_client(
        &bill,
        &ClientInput {
            full_name: "John Ouick".into(),
            email: "john.ouick@gmail.com".into(),
            phone: "+1 234 567 8901".into(),
            company_name: String::new(),
            first_contact: date(2022, 11, 2)?,
            last_contact: date(2023, 4, 20)?,
        },
    )?;
    let lou = crm.create_client(
        &anne,
        &ClientInput {
            full_name: "Lou Bouzin".into(),
            email: "jacky@loubouzin.grd".into(),
            phone: "+ 666 12345".into(),
            company_name: "Lou Bouzin (contact: Jacky Blangier)".into(),
            first_contact: date(2022, 9, 12)?,
            last_contact: date(2023, 3, 15)?,
        },
    )?;

    let k1 = crm.create_contract(&mia, kevin, Cents(1_000_000))?;
    sign(crm, &mia, k1)?;
    crm.record_payment(&bill, k1, Cents(250_000), date(2023, 4, 2)?)?;
    crm.create_contract(&mia, kevin, Cents(400_000))?;
    let j1 = crm.create_contract(&mia, john, Cents(800_000))?;
    sign(crm, &mia, j1)?;
    crm.record_payment(&bill, j1, Cents(800_000), date(2023, 4, 25)?)?;
    let l1 = crm.create_contract(&mia, lou, Cents(400_000))?;
    sign(crm, &mia, l1)?;

    let wedding = crm.create_event(
        &bill,
        j1,
        &EventInput {
            name: "John Ouick Wedding".into(),
            starts_at: local(2023, 6, 4, 13, 0)?,
            ends_at: local(2023, 6, 5, 2, 0)?,
            location: "53 Rue du Château, 41120 Candé-sur-Beuvron, France".into(),
            attendees: 75,
            notes: "Wedding starts at 3PM, by the river.\nCatering is organized, reception starts at 5PM.".into(),
        },
    )?;
    assign(crm, &mia, wedding, kate.collaborator_id)?;
    let assembly = crm.create_event(
        &anne,
        l1,
        &EventInput {
            name: "Lou Bouzin General Assembly".into(),
            starts_at: local(2023, 5, 5, 15, 0)?,
            ends_at: local(2023, 5, 5, 17, 0)?,
            location: "Salle des fêtes de Mufflins".into(),
            attendees: 200,
            notes: "Shareholders' general assembly (~200 people).".into(),
        },
    )?;
    assign(crm, &mia, assembly, alienor.collaborator_id)?;
    // The ids these two have in the support team's sheet: importing it finds them.
    crm.set_sheet_refs(&mia, wedding, "109", "652")?;
    crm.set_sheet_refs(&mia, assembly, "1023", "412")?;
    // On the minute, as a person would enter it (and as exports write it).
    let launch_start = {
        use chrono::Timelike;
        let t = crm.now() + Duration::days(30);
        t.with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(t)
    };
    crm.create_event(
        &bill,
        k1,
        &EventInput {
            name: "Cool Startup Launch Party".into(),
            starts_at: launch_start,
            ends_at: launch_start + Duration::hours(5),
            location: "Station F, 5 Parvis Alan Turing, 75013 Paris".into(),
            attendees: 120,
            notes: "Product launch; DJ and cocktail bar.".into(),
        },
    )?;

    let mut report = DemoReport {
        loaded: true,
        clients: 3,
        contracts: 4,
        events: 3,
    };
    let (c, k, e) = generate(
        crm,
        generated,
        2023,
        &[&bill, &anne],
        &mia,
        &[&kate, &alienor],
    )?;
    report.clients += c;
    report.contracts += k;
    report.events += e;
    Ok(report)
}

/// Creates the demo staff unless the demo is already there; true when it did, and
/// the caller then loads the rest. The check and the inserts share one transaction
/// under the first-accounts lock, which also orders it against a first admin being
/// created at the same moment: whichever comes second sees the other's accounts.
fn claim(crm: &Crm) -> Result<bool> {
    // One hash for all: they share the demo password.
    let hash = crm.hash(DEMO_PASSWORD)?;
    let now = crm.now();
    crm.db().write(|c| {
        crate::db::migrate::first_accounts_lock(c)?;
        if staff_repo::find_by_email(c, DEMO_STAFF[0].1)?.is_some() {
            return Ok(false);
        }
        if staff_repo::count(c)? > 0 {
            return Err(Error::Rule(
                "demo data loads only into an empty database; this one already has accounts".into(),
            ));
        }
        for (i, (name, email, role)) in DEMO_STAFF.iter().enumerate() {
            let number = format!("EE-{:04}", i + 1);
            let search = staff_repo::search_text(name, email, &number, role.as_str(), None);
            // No permit: like the first admin, the demo staff is created on an empty
            // database where nobody could authorise anything.
            staff_repo::insert(
                c,
                None,
                &NewCollaborator {
                    employee_number: &number,
                    full_name: name,
                    email,
                    phone: None,
                    role: role.as_str(),
                    password_hash: &hash,
                    must_change_password: false,
                    active: true,
                    failed_logins: 0,
                    search: &search,
                    sort_name: &crate::domain::text::fold(name),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )?;
        }
        Ok(true)
    })
}

fn sign(crm: &Crm, by: &Session, id: i64) -> Result<()> {
    let v = crm.get_contract(id)?.contract.version;
    crm.sign_contract(by, id, v)
}

fn assign(crm: &Crm, by: &Session, event: i64, support: i64) -> Result<()> {
    let v = crm.get_event(event)?.event.version;
    crm.assign_support(by, event, v, Some(support))
}

/// Made-up clients with contracts (some signed, some paid) and events (some
/// without support), through the services so every rule and audit row applies.
fn generate(
    crm: &Crm,
    n: usize,
    seed: u64,
    sales: &[&Session],
    manager: &Session,
    support: &[&Session],
) -> Result<(usize, usize, usize)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let today = crm.now().date();
    let (mut contracts, mut events) = (0, 0);
    for i in 0..n {
        let first: String = FirstName().fake_with_rng(&mut rng);
        let last: String = LastName().fake_with_rng(&mut rng);
        let owner = sales[i % sales.len()];
        let first_contact = today - Duration::days(rng.random_range(60..900));
        let client = crm.create_client(
            owner,
            &ClientInput {
                full_name: format!("{first} {last}"),
                email: format!("{}.{}.{i}@example.com", ascii(&first), ascii(&last)),
                phone: format!(
                    "+33 6 {:02} {:02} {:02} {:02}",
                    rng.random_range(10..99),
                    rng.random_range(10..99),
                    rng.random_range(10..99),
                    rng.random_range(10..99)
                ),
                company_name: CompanyName().fake_with_rng(&mut rng),
                first_contact,
                last_contact: first_contact + Duration::days(rng.random_range(0..50)),
            },
        )?;
        for _ in 0..rng.random_range(1..=2) {
            let total = Cents(rng.random_range(10..400) * 10_000);
            let k = crm.create_contract(manager, client, total)?;
            contracts += 1;
            if !rng.random_bool(0.7) {
                continue;
            }
            sign(crm, manager, k)?;
            if rng.random_bool(0.6) {
                let part = Cents(total.0 / rng.random_range(1..=4));
                crm.record_payment(
                    owner,
                    k,
                    part,
                    today - Duration::days(rng.random_range(0..30)),
                )?;
            }
            for _ in 0..rng.random_range(0..=2) {
                let start_day = rng.random_range(-200i64..200);
                let start = crm
                    .now()
                    .date()
                    .and_hms_opt(rng.random_range(9..20), 0, 0)
                    .unwrap_or(crm.now())
                    + Duration::days(start_day);
                let city: String = CityName().fake_with_rng(&mut rng);
                let ev = crm.create_event(
                    owner,
                    k,
                    &EventInput {
                        name: format!(
                            "{} {}",
                            last,
                            ["Wedding", "Seminar", "Gala", "Party", "Assembly", "Launch"]
                                [rng.random_range(0..6)]
                        ),
                        starts_at: start,
                        ends_at: start + Duration::hours(rng.random_range(2..14)),
                        location: format!(
                            "{} {}, {} {}",
                            rng.random_range(1..120),
                            StreetName().fake_with_rng::<String, _>(&mut rng),
                            PostCode().fake_with_rng::<String, _>(&mut rng),
                            city
                        ),
                        attendees: rng.random_range(10..400),
                        notes: Sentence(5..12).fake_with_rng(&mut rng),
                    },
                )?;
                events += 1;
                if rng.random_bool(0.75) {
                    assign(
                        crm,
                        manager,
                        ev,
                        support[rng.random_range(0..support.len())].collaborator_id,
                    )?;
                }
            }
        }
    }
    Ok((n, contracts, events))
}

fn ascii(s: &str) -> String {
    crate::domain::text::fold(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

pub mod bulk;
