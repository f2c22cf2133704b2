//! Snapshot tests of the widgets, drawn on ratatui's in-memory backend at the
//! 80×24 the product must work at. Review changed snapshots by reading the `.snap`
//! files: they are plain text pictures of the screen.

use epicevents::action::{Action, Screen};
use epicevents::keymap::{Context, Keymap};
use epicevents::ui::widgets::{
    Column, ConfirmDialog, DataTable, Field, FieldKind, Form, HelpOverlay, Picker, SortDirection,
    StatusBar, Toast, TooSmall,
};
use epicevents::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::Terminal;

fn draw(width: u16, height: u16, render: impl FnOnce(Rect, &mut Buffer)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| {
            let area = frame.area();
            render(area, frame.buffer_mut());
        })
        .expect("draw");
    terminal
}

fn event_columns() -> Vec<Column<'static>> {
    vec![
        Column::new("Event", Constraint::Fill(2)),
        Column::new("Client", Constraint::Fill(2)),
        Column::new("Start", Constraint::Length(16)),
        Column::new("Location", Constraint::Fill(2)),
        Column::right("Guests", Constraint::Length(6)),
    ]
}

fn event_rows() -> Vec<Vec<String>> {
    let row = |cells: [&str; 5]| cells.iter().map(|c| c.to_string()).collect();
    vec![
        row([
            "Shareholders meeting",
            "Cool Startup LLC",
            "2023-05-05 15:00",
            "Paris",
            "300",
        ]),
        row([
            "John Ouick Wedding",
            "John Ouick",
            "2023-06-04 13:00",
            "53 Rue du Château, 41120 Candé-sur-Beuvron, France",
            "75",
        ]),
        row([
            "Off-site party",
            "Epic Startup",
            "2023-11-20 19:30",
            "Lyon",
            "120",
        ]),
    ]
}

const EVENTS: &[Context] = &[
    Context::Screen(Screen::Events),
    Context::Table,
    Context::Global,
];

#[test]
fn table_with_sort_indicator_and_title() {
    let columns = event_columns();
    let rows = event_rows();
    let terminal = draw(80, 24, |area, buf| {
        DataTable::new(&columns, &rows)
            .title("Events · without support · 3 of 1 204")
            .selected(Some(1))
            .sort(2, SortDirection::Ascending)
            .render(area, buf, &Theme::colored());
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn empty_table_while_filtering() {
    let columns = event_columns();
    let terminal = draw(80, 24, |area, buf| {
        DataTable::new(&columns, &[])
            .title("Events · \"kate\" · 0 of 1 204")
            .sort(2, SortDirection::Descending)
            .empty_message("No event matches \"kate\".")
            .filter_input(Some("kate"), 0)
            .render(area, buf, &Theme::colored());
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_filter_cursor_stands_where_it_was_moved() {
    let columns = event_columns();
    let line = |back: usize| {
        let terminal = draw(60, 8, |area, buf| {
            DataTable::new(&columns, &[])
                .title("Events")
                .filter_input(Some("kate"), back)
                .render(area, buf, &Theme::colored());
        });
        let buf = terminal.backend().buffer().clone();
        let y = buf.area.height - 1;
        let mut text = String::new();
        let mut reversed = String::new();
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            text.push_str(cell.symbol());
            if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
                reversed.push_str(cell.symbol());
            }
        }
        (text, reversed)
    };
    let (at_end, _) = line(0);
    assert!(at_end.contains("/ kate█"), "{at_end}");
    let (moved, under) = line(2);
    assert!(moved.contains("/ kate ") && !moved.contains('█'), "{moved}");
    assert_eq!(under, "t", "the cursor is on the 't' after two Lefts");
}

fn collaborator_form() -> Form {
    Form::new(
        "New collaborator",
        vec![
            Field::new("number", "Employee no.", FieldKind::SingleLine)
                .with_value("EE-0042")
                .read_only(),
            Field::new("name", "Full name", FieldKind::SingleLine)
                .with_value("Kate Hastroff")
                .required(),
            Field::new("email", "Email", FieldKind::SingleLine)
                .with_value("kate.hastroff@epicevents.example")
                .required(),
            Field::new("password", "Password", FieldKind::Masked)
                .with_value("epic-demo-2023")
                .required(),
            Field::new("role", "Role", FieldKind::Picker).with_choice(4, "support"),
            Field::new("start", "Available from", FieldKind::SingleLine).hint("YYYY-MM-DD HH:MM"),
            Field::new("notes", "Notes", FieldKind::MultiLine(3))
                .with_value("Speaks French and English.\nPrefers weddings."),
        ],
    )
}

#[test]
fn form_with_an_error_and_a_masked_password() {
    let mut form = collaborator_form();
    form.set_error("email", "Already used by another collaborator.");
    form.focus("password");
    let terminal = draw(80, 24, |area, buf| {
        form.render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn tall_form_scrolls_to_the_focused_field() {
    let mut form = collaborator_form();
    form.focus("notes");
    let terminal = draw(80, 10, |area, buf| {
        form.render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn confirm_dialog_defaults_to_no() {
    let dialog = ConfirmDialog::new("Archive event", "Archive \"John Ouick Wedding\"?")
        .labels("Archive", "Keep");
    let terminal = draw(80, 24, |area, buf| {
        dialog.render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

fn support_staff() -> Vec<(i64, String)> {
    [
        "Kate Hastroff",
        "Aliénor Vichum",
        "Alice Martin",
        "Bill Boquet",
        "Anne Roy",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| (i as i64 + 1, name.to_string()))
    .collect()
}

#[test]
fn picker_filtered_as_you_type() {
    let mut picker = Picker::new("Assign support", support_staff());
    picker.set_query("ali");
    let terminal = draw(80, 24, |area, buf| {
        picker.render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn help_overlay_lists_the_keys_of_the_screen() {
    let keymap = Keymap::defaults();
    // A support collaborator: no "without support", no assigning, no creating.
    let hints = keymap.hints(EVENTS, |a| {
        !matches!(
            a,
            Action::WithoutSupport | Action::AssignSupport | Action::New | Action::Archive
        )
    });
    let terminal = draw(80, 24, |area, buf| {
        HelpOverlay::new(&hints)
            .title("Keys · Events")
            .render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn status_bar_with_user_filters_hints_and_toast() {
    let keymap = Keymap::defaults();
    let hints = keymap.hints(EVENTS, |_| true);
    let filters = vec!["without support".to_string(), "\"kate\"".to_string()];
    let toast = Toast::error("Changed by someone else: reloaded.");
    let terminal = draw(80, 2, |area, buf| {
        StatusBar::new()
            .user("Mia Martin", "management")
            .unread(3)
            .filters(&filters)
            .hints(&hints)
            .toast(Some(&toast))
            .render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn terminal_too_small() {
    let terminal = draw(60, 15, |area, buf| {
        TooSmall.render(area, buf, &Theme::colored())
    });
    insta::assert_snapshot!(terminal.backend());
}

/// A whole screen in the monochrome theme: table, dialog and status bar, and not a
/// single coloured cell.
#[test]
fn monochrome_screen_has_no_colour() {
    let theme = Theme::monochrome();
    let columns = event_columns();
    let rows = event_rows();
    let keymap = Keymap::defaults();
    let hints = keymap.hints(EVENTS, |_| true);
    let toast = Toast::success("Support assigned.");
    let terminal = draw(80, 24, |area, buf| {
        let [main, bar] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(StatusBar::HEIGHT)])
                .areas(area);
        DataTable::new(&columns, &rows)
            .title("Events · 3 of 3")
            .selected(Some(0))
            .sort(0, SortDirection::Descending)
            .render(main, buf, &theme);
        StatusBar::new()
            .user("Kate Hastroff", "support")
            .hints(&hints)
            .toast(Some(&toast))
            .render(bar, buf, &theme);
        ConfirmDialog::new("Quit", "Discard your changes?").render(area, buf, &theme);
    });
    for cell in terminal.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "coloured cell {cell:?}");
        assert_eq!(cell.bg, Color::Reset, "coloured cell {cell:?}");
    }
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn monochrome_form_has_no_colour() {
    let mut form = collaborator_form();
    form.set_error("email", "Already used by another collaborator.");
    let terminal = draw(80, 24, |area, buf| {
        form.render(area, buf, &Theme::monochrome())
    });
    for cell in terminal.backend().buffer().content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
}
