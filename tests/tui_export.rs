//! Exporting the list on show from the terminal (the `export` action, bound
//! here by a keys file to `X`): every row matching the screen's filters, in its
//! sort, to a new CSV file in the current directory named after the list and
//! the day, 0600; the status line says where. On the demo (SQLite file).

mod common;
mod tui_support;

use epicevents::app::App;
use epicevents::keymap::Keymap;
use epicevents::ui::Theme;
use tui_support::*;

/// The table's Name column as loaded (the demo lists are short: all rows).
fn names(a: &App, column: usize) -> Vec<String> {
    let l = a.workspace().expect("logged in").list();
    assert_eq!(l.page.rows.len(), l.page.total, "every row is loaded");
    l.page.rows.iter().map(|r| r[column].clone()).collect()
}

fn csv_column(path: &std::path::Path, header: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let i = r
        .headers()
        .expect("headers")
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no {header} column"));
    r.records()
        .map(|rec| rec.expect("record")[i].to_string())
        .collect()
}

#[test]
fn x_exports_the_list_on_show_with_its_filters_and_sort() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::env::set_current_dir(dir.path()).expect("cd");
    let db = demo_db();
    let keymap = Keymap::from_toml_str("[table]\nexport = \"X\"\n").expect("keys");
    let mut a = app_with(&db, opts(), keymap, Theme::colored());
    login(&mut a, MIA);

    // Events, every one, sorted by name descending: O reverses, o cycles.
    ch(&mut a, '3');
    while !a
        .workspace()
        .expect("logged in")
        .list()
        .filters
        .labels(epicevents::action::Screen::Events)
        .is_empty()
    {
        ch(&mut a, 't');
    }
    ch(&mut a, 'o');
    ch(&mut a, 'o');
    ch(&mut a, 'O');
    let shown = names(&a, 2);
    assert!(shown.len() >= 5, "{shown:?}");
    ch(&mut a, 'X');
    let path = dir.path().join("events-2023-05-01.csv");
    assert!(path.exists(), "{}", screen(&a));
    let toast = a
        .toast
        .as_ref()
        .map(|t| t.message.clone())
        .unwrap_or_default();
    assert!(toast.contains(&path.display().to_string()), "{toast}");
    assert!(toast.contains(&format!("{} rows", shown.len())), "{toast}");
    assert_eq!(csv_column(&path, "Event"), shown);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // With a filter: only the events without support; a second file.
    ch(&mut a, 'u');
    let shown = names(&a, 2);
    ch(&mut a, 'X');
    let second = dir.path().join("events-2023-05-01-2.csv");
    assert_eq!(csv_column(&second, "Event"), shown);
    assert!(csv_column(&path, "Event").len() > shown.len());

    // A list without an export says so.
    ch(&mut a, '5');
    ch(&mut a, 'X');
    let toast = a
        .toast
        .as_ref()
        .map(|t| t.message.clone())
        .unwrap_or_default();
    assert!(
        toast.contains("Only clients, contracts and events"),
        "{toast}"
    );
}
