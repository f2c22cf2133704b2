//! Keystroke to frame: how long a key takes to be handled and the screen redrawn,
//! without and with the list query it triggers (demo data, SQLite, 120×40).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use epicevents::app::{App, AppOptions};
use epicevents::config::CrmConfig;
use epicevents::db::{Db, Target};
use epicevents::domain::time::system_clock;
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use epicevents::Crm;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn type_str(app: &mut App, s: &str) {
    for ch in s.chars() {
        app.handle_key(key(KeyCode::Char(ch)));
    }
}

/// A logged-in app on the Events screen of a demo database.
fn app(dir: &std::path::Path) -> App {
    let db = Db::open(&Target::SqliteFile(dir.join("frame.db"))).expect("open");
    let crm = Crm::new(
        db,
        CrmConfig {
            bcrypt_cost: 4,
            ..CrmConfig::default()
        },
        system_clock(),
    );
    epicevents::demo::load(&crm, 100).expect("demo");
    let mut app = App::new(
        crm,
        AppOptions::default(),
        Keymap::defaults(),
        Theme::colored(),
    );
    app.size = (120, 40);
    type_str(&mut app, "mia.martin@epicevents.example");
    app.handle_key(key(KeyCode::Tab));
    type_str(&mut app, epicevents::demo::DEMO_PASSWORD);
    app.handle_key(key(KeyCode::Enter));
    app.handle_key(key(KeyCode::Char('3')));
    app.tick();
    app
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");

    c.bench_function("key_to_frame_move_down", |b| {
        b.iter(|| {
            app.handle_key(key(KeyCode::Char('j')));
            term.draw(|f| epicevents::ui::screens::render(&black_box(&app).view(), f))
                .expect("draw");
        })
    });

    app.handle_key(key(KeyCode::Char('/')));
    let mut flip = false;
    c.bench_function("key_to_frame_filter_char_with_query", |b| {
        b.iter(|| {
            // Alternate typing and erasing one character: each key re-queries.
            if flip {
                app.handle_key(key(KeyCode::Backspace));
            } else {
                app.handle_key(key(KeyCode::Char('a')));
            }
            flip = !flip;
            app.tick();
            term.draw(|f| epicevents::ui::screens::render(&app.view(), f))
                .expect("draw");
        })
    });

    c.bench_function("render_only", |b| {
        b.iter(|| {
            term.draw(|f| epicevents::ui::screens::render(&black_box(&app).view(), f))
                .expect("draw");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
