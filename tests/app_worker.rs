//! The screen never waits: database calls run on the worker, keys are answered
//! while a call is on its way, the newest list query always wins, and a quiet
//! app neither wakes nor draws.

mod common;
mod tui_support;

use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use epicevents::app::{drive, worker_into, LoopStats, Wake};
use epicevents::tui::TermEvent;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;
use tui_support::*;

/// Holds the SQLite write lock from another connection until `release` fires.
fn hold_write_lock(db: &common::TestDb) -> std::sync::mpsc::Sender<()> {
    let (release, wait) = channel::<()>();
    let (held, is_held) = channel::<()>();
    let crm = db.crm.clone();
    std::thread::spawn(move || {
        let r = crm.db().read(|c| {
            c.batch_execute("BEGIN IMMEDIATE")?;
            let _ = held.send(());
            let _ = wait.recv();
            c.batch_execute("ROLLBACK")?;
            Ok(())
        });
        r.expect("lock held and released");
    });
    is_held.recv().expect("lock taken");
    release
}

/// Bill, in the edit form of his client Kevin Casey.
fn edit_kevin(db: &common::TestDb) -> epicevents::app::App {
    let mut a = logged_in(db, BILL);
    ch(&mut a, '/');
    type_text(&mut a, "kevin casey");
    press(&mut a, KeyCode::Enter);
    ch(&mut a, 'e');
    a
}

#[test]
fn a_save_on_a_locked_database_leaves_the_keys_answered() {
    let db = demo_db();
    let mut a = edit_kevin(&db);
    assert!(screen(&a).contains("Edit client"), "{}", screen(&a));
    press(&mut a, KeyCode::End);
    a.handle_key(key(KeyCode::Char('x')));
    let release = hold_write_lock(&db);

    a.handle_key(ctrl('s'));
    assert!(a.is_waiting());
    assert_eq!(a.outstanding(), 1);
    assert!(screen(&a).contains("saving…"), "{}", screen(&a));
    assert!(screen(&a).contains("Edit client"), "the form stays filled");
    // A second Ctrl-S is not sent again.
    a.handle_key(ctrl('s'));
    assert_eq!(a.outstanding(), 1);

    // After three seconds the status line says how to give up.
    std::thread::sleep(Duration::from_millis(3100));
    assert!(a.tick(), "the notice changes the screen");
    assert!(
        screen(&a).contains("still waiting for the database… (Esc gives up)"),
        "{}",
        screen(&a)
    );
    press_esc_without_settling(&mut a);
    assert!(!a.is_waiting());
    assert!(screen(&a).contains("Gave up"), "{}", screen(&a));

    // Quitting acts at once, the database still locked: the form has changes,
    // so it asks first.
    let t = Instant::now();
    a.handle_key(ctrl('c'));
    assert!(t.elapsed() < Duration::from_millis(100));
    assert!(screen(&a).contains("Discard unsaved changes and quit?"));
    a.handle_key(key(KeyCode::Char('y')));
    assert!(a.should_quit);

    // The answer that comes after the lock is gone is not applied.
    release.send(()).expect("release");
    assert!(a.settle_within(Duration::from_secs(60)));
    assert!(screen(&a).contains("Edit client"), "{}", screen(&a));
    assert!(!screen(&a).contains("saved"), "{}", screen(&a));
}

fn press_esc_without_settling(a: &mut epicevents::app::App) {
    a.handle_key(key(KeyCode::Esc));
}

#[test]
fn ctrl_l_locks_at_once_while_a_call_hangs() {
    let db = demo_db();
    let mut a = edit_kevin(&db);
    press(&mut a, KeyCode::End);
    a.handle_key(key(KeyCode::Char('y')));
    let release = hold_write_lock(&db);
    a.handle_key(ctrl('s'));
    assert!(a.is_waiting());
    let t = Instant::now();
    a.handle_key(ctrl('l'));
    assert!(t.elapsed() < Duration::from_millis(100));
    assert!(a.workspace().is_none(), "locked back to the login screen");
    release.send(()).expect("release");
    assert!(a.settle_within(Duration::from_secs(60)));
    assert!(
        a.workspace().is_none(),
        "the old session's answer is dropped"
    );
}

#[test]
fn ctrl_c_quits_at_once_while_a_call_hangs() {
    let db = demo_db();
    let mut a = edit_kevin(&db);
    press(&mut a, KeyCode::End);
    a.handle_key(key(KeyCode::Char('z')));
    let release = hold_write_lock(&db);
    a.handle_key(ctrl('s'));
    assert!(a.is_waiting());
    let t = Instant::now();
    a.handle_key(ctrl('c'));
    assert!(a.should_quit);
    assert!(t.elapsed() < Duration::from_millis(100));
    release.send(()).expect("release");
}

#[test]
fn the_newest_filter_wins_on_a_slow_database() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    a.use_slow_worker(Duration::from_millis(40));
    ch(&mut a, '/');
    // Typed at 5 ms a key, as the loop would see it: answers taken as they come.
    for c in "kevin cool".chars() {
        a.handle_key(key(KeyCode::Char(c)));
        a.poll_answers();
        a.tick();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(a.settle());
    let l = a.workspace().expect("logged in").list();
    assert!(!l.loading, "still loading: {}", l.title(None));
    assert_eq!(l.page.total, 1, "{}", screen(&a));
    assert_eq!(l.page.rows[0][0], "Kevin Casey");
}

#[test]
fn an_idle_session_neither_wakes_nor_draws() {
    let db = demo_db();
    let mut a = logged_in(&db, MIA);
    // Visit a few screens so that lists never shown again stay behind.
    for c in ['2', '3', '1'] {
        ch(&mut a, c);
    }
    let (tx, rx) = channel::<Wake>();
    a.worker = worker_into(db.crm.clone(), tx.clone());
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        let _ = tx.send(Wake::Term(TermEvent::Key(ctrl('c'))));
    });
    let mut stats = LoopStats::default();
    let t = Instant::now();
    drive(&mut a, &mut term, &rx, &mut stats).expect("loop");
    let secs = t.elapsed().as_secs_f64();
    eprintln!("idle loop: {stats:?} in {secs:.2} s");
    assert!(a.should_quit);
    // The first frame, at most one answer for the visible list, and the quit
    // key: nothing in between.
    assert!(
        stats.wakes as f64 <= 2.0 * secs + 2.0,
        "{stats:?} in {secs:.1} s"
    );
    assert!(stats.draws <= 4, "{stats:?}");
}

#[test]
fn the_worker_runs_queued_queries_before_housekeeping() {
    use epicevents::app::worker::{Job, Tag, Worker};
    use std::sync::{Arc, Mutex};
    let db = demo_db();
    let order = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    let (release, wait) = channel::<()>();
    let (done_tx, done_rx) = channel();
    let worker = Worker::spawn(
        db.crm.clone(),
        Box::new(move |d| done_tx.send(d.tag).is_ok()),
    );
    let Worker::Thread { jobs } = &worker else {
        panic!("no worker thread");
    };
    let job = |tag: Tag, name: &'static str, gate: Option<std::sync::mpsc::Receiver<()>>| {
        let order = order.clone();
        Job {
            epoch: 0,
            tag,
            task: Box::new(move |_| {
                if let Some(g) = gate {
                    let _ = g.recv();
                }
                order.lock().expect("order").push(name);
                Box::new(|_: &mut epicevents::app::App| {})
            }),
        }
    };
    jobs.send(job(Tag::Session, "first", Some(wait)))
        .expect("send");
    std::thread::sleep(Duration::from_millis(50));
    jobs.send(job(Tag::Session, "reminders", None))
        .expect("send");
    jobs.send(job(
        Tag::List {
            slot: 0,
            generation: 1,
        },
        "list",
        None,
    ))
    .expect("send");
    release.send(()).expect("release");
    for _ in 0..3 {
        done_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("answer");
    }
    assert_eq!(
        *order.lock().expect("order"),
        vec!["first", "list", "reminders"]
    );
}

#[test]
fn whether_this_is_a_first_run_is_asked_on_the_worker() {
    utc();
    let db = common::TestDb::sqlite();
    let mut a = epicevents::app::App::new(
        db.crm.clone(),
        opts(),
        epicevents::keymap::Keymap::defaults(),
        epicevents::ui::Theme::monochrome(),
    );
    a.use_slow_worker(Duration::from_millis(300));
    let t = Instant::now();
    a.tick();
    assert!(
        t.elapsed() < Duration::from_millis(100),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(a.outstanding(), 1, "the question is on the worker");
    assert!(screen(&a).contains("Log in"));
    assert!(a.settle());
    let s = screen(&a);
    assert!(s.contains("First run"), "{s}");
}
