//! Login, lockout, the first admin, the password policy, and password changes.

mod common;

use chrono::Duration;
use common::*;
use epicevents::domain::Role;
use epicevents::services::auth::NewAccount;
use epicevents::services::collaborators::{CollaboratorInput, Handover};
use epicevents::services::password;
use epicevents::Error;

const KATE: &str = "kate.hastroff@epicevents.example";
const NEW_PASSWORD: &str = "Violet-Harbour-2031?";

#[track_caller]
fn invalid<T: std::fmt::Debug>(r: epicevents::Result<T>) {
    match r {
        Err(e @ Error::InvalidCredentials) => {
            assert_eq!(e.user_message(), "wrong e-mail or password");
        }
        other => panic!("expected wrong e-mail or password, got {other:?}"),
    }
}

#[track_caller]
fn locked<T: std::fmt::Debug>(r: epicevents::Result<T>) -> chrono::NaiveDateTime {
    match r {
        Err(e @ Error::Locked { .. }) => {
            let Error::Locked { until } = e else {
                unreachable!()
            };
            assert!(
                e.user_message().contains(&until.to_string()),
                "the message tells until when: {}",
                e.user_message()
            );
            until
        }
        other => panic!("expected a locked account, got {other:?}"),
    }
}

fn login_ignores_email_case(db: &TestDb) {
    let s = db.staff();
    // A new account, as it is before its first password change.
    db.set_must_change_password(s.manager.collaborator_id, true);
    for email in [
        "mia.martin@epicevents.example",
        "MIA.MARTIN@EPICEVENTS.EXAMPLE",
        "Mia.Martin@EpicEvents.example",
        "  mia.martin@epicevents.example ",
    ] {
        let session = db.api().login(email, PASSWORD).expect("login");
        assert_eq!(session.collaborator_id, s.manager.collaborator_id);
        assert_eq!(session.role, Role::Management);
        assert_eq!(session.name, "Mia Martin");
        assert_eq!(session.email, "mia.martin@epicevents.example");
        assert!(
            session.must_change_password,
            "a new account changes its password"
        );
        assert_eq!(session.logged_in_at, db.now());
    }
    // The first admin chose their own password.
    let admin = db
        .api()
        .login("PAUL.durand@epicevents.example", PASSWORD)
        .expect("admin");
    assert!(!admin.must_change_password);
    assert_eq!(admin.role, Role::Admin);
}

fn wrong_password_and_unknown_email_look_the_same(db: &TestDb) {
    let _s = db.staff();
    invalid(db.api().login(KATE, "Tangerine-Orbit-1988!"));
    invalid(db.api().login(KATE, ""));
    invalid(db.api().login(KATE, &PASSWORD.to_lowercase()));
    invalid(db.api().login("nobody@epicevents.example", PASSWORD));
    invalid(db.api().login("", ""));
    invalid(db.api().login("'; DROP TABLE collaborators; --", PASSWORD));
    db.api().login(KATE, PASSWORD).expect("still fine");
}

fn five_failures_lock_for_fifteen_minutes(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    for i in 1..=4 {
        invalid(db.api().login(KATE, "wrong password"));
        assert_eq!(
            db.api().get_collaborator(kate).expect("get").failed_logins,
            i
        );
        db.advance_minutes(1);
    }
    let start = db.now();
    // The failure that locks says nothing more than the others.
    invalid(db.api().login(KATE, "wrong password"));
    let until = start + Duration::minutes(15);
    let k = db.api().get_collaborator(kate).expect("get");
    assert_eq!((k.failed_logins, k.locked_until), (0, Some(until)));
    // During the lock even the right password is refused, and only the right one
    // tells why; a wrong one neither counts nor extends the lock.
    for minutes in [0, 5, 14] {
        db.set_now(start + Duration::minutes(minutes));
        assert_eq!(locked(db.api().login(KATE, PASSWORD)), until);
        for _ in 0..5 {
            invalid(db.api().login(KATE, "wrong"));
        }
    }
    let k = db.api().get_collaborator(kate).expect("get");
    assert_eq!((k.failed_logins, k.locked_until), (0, Some(until)));
    // Others are not affected.
    db.api()
        .login("anne.roy@epicevents.example", PASSWORD)
        .expect("another account");
    // After the lock: the right password works and the counter starts over.
    db.set_now(until);
    let session = db.api().login(KATE, PASSWORD).expect("unlocked");
    assert_eq!(session.collaborator_id, kate);
    let k = db.api().get_collaborator(kate).expect("get");
    assert_eq!((k.failed_logins, k.locked_until), (0, None));
    for _ in 0..4 {
        invalid(db.api().login(KATE, "wrong password"));
    }
    db.api()
        .login(KATE, PASSWORD)
        .expect("four failures do not lock");
    for _ in 0..5 {
        invalid(db.api().login(KATE, "wrong password"));
    }
    locked(db.api().login(KATE, PASSWORD));
}

fn deactivated_accounts_cannot_log_in(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    db.api()
        .set_collaborator_active(
            &s.manager,
            kate,
            db.collaborator_version(kate),
            false,
            Handover::default(),
        )
        .expect("deactivate");
    match db.api().login(KATE, PASSWORD) {
        Err(Error::Inactive) => {}
        other => panic!("expected a deactivated account, got {other:?}"),
    }
    // A wrong password says nothing about the account.
    invalid(db.api().login(KATE, "wrong password"));
    db.api()
        .set_collaborator_active(
            &s.manager,
            kate,
            db.collaborator_version(kate),
            true,
            Handover::default(),
        )
        .expect("reactivate");
    db.api().login(KATE, PASSWORD).expect("back");
}

fn first_admin_only_on_an_empty_database(db: &TestDb) {
    assert!(db.api().needs_first_admin().expect("count"));
    let weak = NewAccount {
        full_name: "Paul Durand".into(),
        email: "paul.durand@epicevents.example".into(),
        phone: None,
        password: "password123".into(),
    };
    field_error(db.api().create_first_admin(&weak), "password");
    assert!(
        db.api().needs_first_admin().expect("count"),
        "nothing created"
    );

    let admin = db.admin();
    assert_eq!(admin.role, Role::Admin);
    assert!(!db.api().needs_first_admin().expect("count"));
    let second = NewAccount {
        full_name: "Eve Intruder".into(),
        email: "eve@intruder.example".into(),
        phone: None,
        password: PASSWORD.into(),
    };
    match db.api().create_first_admin(&second) {
        Err(Error::Rule(m)) => assert!(m.contains("already exists"), "{m}"),
        other => panic!("a second first admin must be refused, got {other:?}"),
    }
    invalid(db.api().login("eve@intruder.example", PASSWORD));
    assert_eq!(db.api().active_staff(Role::Admin).expect("admins").len(), 1);
}

fn password_policy_is_enforced_with_field_messages(db: &TestDb) {
    let s = db.staff();
    let input = CollaboratorInput {
        full_name: "Jacky Blangier".into(),
        email: "jacky@epicevents.example".into(),
        phone: None,
        role: Role::Sales,
    };
    let msg = field_error(
        db.api().create_collaborator(&s.admin, &input, "Short-1!"),
        "password",
    );
    assert!(msg.contains("at least 12"), "{msg}");
    for weak in [
        "aaaaaaaaaaaaaaaa",
        "password1234",
        "123456789012",
        "Blangier2023!",
    ] {
        let msg = field_error(
            db.api().create_collaborator(&s.admin, &input, weak),
            "password",
        );
        assert!(msg.contains("too easy to guess"), "{weak}: {msg}");
    }
    let long = "Tangerine-Orbit-".repeat(9);
    let msg = field_error(
        db.api().create_collaborator(&s.admin, &input, &long),
        "password",
    );
    assert!(msg.contains("at most 128"), "{msg}");
    invalid(db.api().login("jacky@epicevents.example", "Short-1!"));
    db.api()
        .create_collaborator(&s.admin, &input, NEW_PASSWORD)
        .expect("a strong password");
    // The same rules when changing or resetting.
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    let msg = field_error(
        db.api().change_own_password(&kate, PASSWORD, "kate1234"),
        "new_password",
    );
    assert!(msg.contains("at least 12"), "{msg}");
    field_error(
        db.api()
            .change_own_password(&kate, PASSWORD, "kate.hastroff@epicevents.example"),
        "new_password",
    );
    field_error(
        db.api()
            .reset_password(&s.admin, kate.collaborator_id, "aaaaaaaaaaaaaaaa"),
        "password",
    );
    db.api().login(KATE, PASSWORD).expect("unchanged");
    // Strength feedback for the meter.
    let weak = epicevents::services::auth::password_strength("password", &[]);
    let strong = epicevents::services::auth::password_strength(NEW_PASSWORD, &[]);
    assert!(weak.score < 3 && strong.score >= 3);
    assert!(!weak.feedback.is_empty());
}

fn changing_ones_password_needs_the_current_one(db: &TestDb) {
    let s = db.staff();
    db.set_must_change_password(s.support.collaborator_id, true);
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    assert!(kate.must_change_password);
    let msg = field_error(
        db.api()
            .change_own_password(&kate, "not the current one", NEW_PASSWORD),
        "current_password",
    );
    assert!(msg.contains("current"), "{msg}");
    field_error(
        db.api().change_own_password(&kate, PASSWORD, PASSWORD),
        "new_password",
    );
    db.api().login(KATE, PASSWORD).expect("nothing changed yet");
    db.api()
        .change_own_password(&kate, PASSWORD, NEW_PASSWORD)
        .expect("change");
    invalid(db.api().login(KATE, PASSWORD));
    let again = db.api().login(KATE, NEW_PASSWORD).expect("new password");
    assert!(!again.must_change_password, "done with the forced change");
}

fn admin_reset_forces_a_change(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    // Locked out, then reset: the reset also unlocks.
    for _ in 0..5 {
        let _ = db.api().login(KATE, "wrong password");
    }
    locked(db.api().login(KATE, PASSWORD));
    db.api()
        .reset_password(&s.admin, kate, NEW_PASSWORD)
        .expect("reset");
    let k = db.api().get_collaborator(kate).expect("get");
    assert!(k.must_change_password);
    assert_eq!((k.failed_logins, k.locked_until), (0, None));
    invalid(db.api().login(KATE, PASSWORD));
    let session = db.api().login(KATE, NEW_PASSWORD).expect("login");
    assert!(session.must_change_password);
    db.api()
        .change_own_password(&session, NEW_PASSWORD, PASSWORD)
        .expect("chooses their own");
    assert!(
        !db.api()
            .login(KATE, PASSWORD)
            .expect("login")
            .must_change_password
    );
    // Management may reset a non-admin account.
    db.api()
        .reset_password(&s.manager, s.sales.collaborator_id, NEW_PASSWORD)
        .expect("management resets sales");
    db.api()
        .login("bill.boquet@epicevents.example", NEW_PASSWORD)
        .expect("login");
}

fn management_cannot_reset_an_admin_password(db: &TestDb) {
    let s = db.staff();
    let admin = s.admin.collaborator_id;
    let v = db.collaborator_version(admin);
    denied(db.api().reset_password(&s.manager, admin, NEW_PASSWORD));
    for who in [&s.sales, &s.support] {
        denied(db.api().reset_password(who, admin, NEW_PASSWORD));
        denied(
            db.api()
                .reset_password(who, s.support2.collaborator_id, NEW_PASSWORD),
        );
    }
    let a = db.api().get_collaborator(admin).expect("get");
    assert_eq!((a.version, a.must_change_password), (v, false));
    db.api()
        .login("paul.durand@epicevents.example", PASSWORD)
        .expect("the admin's password is unchanged");
    invalid(
        db.api()
            .login("paul.durand@epicevents.example", NEW_PASSWORD),
    );
    // Nor someone else's, through the own-password path.
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    let mut as_admin = kate.clone();
    as_admin.collaborator_id = admin;
    // (a forged session still needs the admin's current password)
    field_error(
        db.api()
            .change_own_password(&as_admin, "guess", NEW_PASSWORD),
        "current_password",
    );
}

fn deactivated_cannot_change_their_password(db: &TestDb) {
    let s = db.staff();
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    db.api()
        .set_collaborator_active(
            &s.admin,
            kate.collaborator_id,
            db.collaborator_version(kate.collaborator_id),
            false,
            Handover::default(),
        )
        .expect("deactivate");
    refused(
        db,
        db.api().change_own_password(&kate, PASSWORD, NEW_PASSWORD),
    );
    assert!(matches!(
        db.api().login(KATE, PASSWORD),
        Err(Error::Inactive)
    ));
}

/// 72 bytes, then two different endings: plain bcrypt would see one password.
const LONG_START: &str = "Quartz-Lantern-Meadow-7731-Velvet-Orchid-Pylon-Ember-Sable-Raven-4410-Xy";

fn long_passwords_count_every_character(db: &TestDb) {
    let s = db.staff();
    let one = format!("{LONG_START}-Copper-Thistle-Nimbus-5829a");
    let other = format!("{LONG_START}-Juniper-Cobalt-Harvest-6417");
    assert_eq!((LONG_START.len(), one.len(), other.len()), (72, 100, 100));
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    db.api()
        .change_own_password(&kate, PASSWORD, &one)
        .expect("a 100-character password");
    invalid(db.api().login(KATE, &other));
    invalid(db.api().login(KATE, LONG_START));
    db.api().login(KATE, &one).expect("the whole password");
    // Reset and creation hash the same way, and so did the first admin.
    db.api()
        .reset_password(&s.admin, s.sales.collaborator_id, &other)
        .expect("reset");
    invalid(db.api().login("bill.boquet@epicevents.example", &one));
    db.api()
        .login("bill.boquet@epicevents.example", &other)
        .expect("login");
    for id in [
        s.admin.collaborator_id,
        s.manager.collaborator_id,
        kate.collaborator_id,
    ] {
        // (read in process: the hash never leaves the server)
        let hash = db.crm.get_collaborator(id).expect("get").password_hash;
        assert!(
            hash.starts_with("$2b$") && hash.ends_with(password::SUFFIX),
            "{hash}"
        );
    }
}

/// Writes a hash straight into the database, as an older version did.
fn store_hash(db: &TestDb, id: i64, hash: &str) {
    use diesel::prelude::*;
    use epicevents::db::schema::collaborators as c;
    db.crm
        .db()
        .write(|conn| {
            diesel::update(c::table.find(id))
                .set(c::password_hash.eq(hash))
                .execute(conn)?;
            Ok(())
        })
        .expect("store the hash");
}

fn plain_bcrypt_hashes_still_log_in(db: &TestDb) {
    let s = db.staff();
    let kate = s.support.collaborator_id;
    let old = bcrypt::hash(PASSWORD, 4).expect("bcrypt");
    store_hash(db, kate, &old);
    let v = db.collaborator_version(kate);
    invalid(db.api().login(KATE, "Tangerine-Orbit-1988!"));
    db.api()
        .login(KATE, PASSWORD)
        .expect("an old hash still verifies");
    // Replaced by one in the current scheme on that login, invisibly.
    let k = db.crm.get_collaborator(kate).expect("get");
    assert!(k.password_hash.ends_with(password::SUFFIX));
    assert_ne!(k.password_hash, old);
    assert_eq!(k.version, v, "no edit anyone could conflict with");
    db.api().login(KATE, PASSWORD).expect("the new hash");
    invalid(db.api().login(KATE, "Tangerine-Orbit-1988!"));
    // A hash at another cost than the configured one is replaced too.
    store_hash(db, kate, &password::hash(PASSWORD, 5).expect("hash"));
    db.api()
        .login(KATE, PASSWORD)
        .expect("cost 5 still verifies");
    let h = db.crm.get_collaborator(kate).expect("get").password_hash;
    assert!(!password::needs_rehash(&h, 4), "{h}");
}

fn name_and_email_glued_are_guessable(db: &TestDb) {
    let s = db.staff();
    let root = ["Root Admin", "root.admin@x.example"];
    for guess in [
        "RootAdmin2026",
        "rootadmin",
        "Admin.Root99",
        "root.admin2026",
        "ROOTADMIN-2026!",
        "Root-Root-Admin-1",
    ] {
        let msg = db.crm.check_password(guess, &root).expect_err(guess);
        if guess.len() >= 12 {
            assert!(msg.contains("too easy to guess"), "{guess}: {msg}");
        }
        // Whatever its length: the meter says so too.
        let st = epicevents::services::auth::password_strength(guess, &root);
        assert_eq!(st.score, 0, "{guess}");
    }
    db.crm
        .check_password("Tangerine-Orbit-1987!", &root)
        .expect("nothing of the name");
    let msg = db
        .crm
        .check_password("RootAdmin2026", &root)
        .expect_err("glued");
    assert!(msg.contains("name or e-mail"), "{msg}");
    // Through the forms as well.
    let input = CollaboratorInput {
        full_name: "Root Admin".into(),
        email: "root.admin@x.example".into(),
        phone: None,
        role: Role::Sales,
    };
    let msg = field_error(
        db.api()
            .create_collaborator(&s.admin, &input, "RootAdmin2026"),
        "password",
    );
    assert!(msg.contains("too easy to guess"), "{msg}");
    let kate = db.api().login(KATE, PASSWORD).expect("login");
    field_error(
        db.api()
            .change_own_password(&kate, PASSWORD, "KateHastroff1987!"),
        "new_password",
    );
    field_error(
        db.api()
            .reset_password(&s.admin, kate.collaborator_id, "Hastroff.Kate.42"),
        "password",
    );
}

backend_tests!(
    login_ignores_email_case,
    wrong_password_and_unknown_email_look_the_same,
    five_failures_lock_for_fifteen_minutes,
    deactivated_accounts_cannot_log_in,
    first_admin_only_on_an_empty_database,
    password_policy_is_enforced_with_field_messages,
    changing_ones_password_needs_the_current_one,
    admin_reset_forces_a_change,
    management_cannot_reset_an_admin_password,
    deactivated_cannot_change_their_password,
    long_passwords_count_every_character,
    plain_bcrypt_hashes_still_log_in,
    name_and_email_glued_are_guessable,
);
