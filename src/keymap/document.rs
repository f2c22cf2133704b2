//! The key table written out for people: a complete, commented `keys.toml`
//! (`epicevents keys --print-defaults`) and the README's list of action names.
//! Both are generated from the defaults, so they cannot fall behind them.

use super::{Context, Keymap};
use crate::action::Action;

/// The README's list lies between these two lines.
pub const README_START: &str =
    "<!-- action names: generated from the default keys; a test checks they agree -->";
pub const README_END: &str = "<!-- keys: end -->";

impl Keymap {
    /// `(context, action, keys)` for every default binding, in display order.
    fn rows(&self) -> Vec<(Context, Action, Vec<String>)> {
        let mut rows: Vec<(Context, Action, Vec<String>)> = Vec::new();
        for b in &self.bindings {
            match rows
                .iter_mut()
                .find(|(c, a, _)| *c == b.context && *a == b.action)
            {
                Some(row) => row.2.push(b.key.spelling()),
                None => rows.push((b.context, b.action, vec![b.key.spelling()])),
            }
        }
        rows
    }

    /// Actions with no key anywhere in this table.
    fn unbound(&self) -> Vec<Action> {
        Action::all()
            .into_iter()
            .filter(|a| self.bindings.iter().all(|b| b.action != *a))
            .collect()
    }

    /// A complete `keys.toml` with these keys, each line commented with what the
    /// action does. Reading it back gives the same table.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# keys.toml for Epic Events CRM: every action of every section, with its keys.\n\
             # Keep it in the config directory (~/.config/epicevents/keys.toml on Linux)\n\
             # and change what you need; a line you delete keeps its default.\n\
             #\n\
             # A key is a character (\"j\", \"G\", \"?\"), a name (enter, esc, tab, space,\n\
             # up, down, left, right, pgup, pgdn, home, end, backspace, del, ins, f1…f24),\n\
             # or either after modifiers (ctrl-s, alt-x, shift-tab).\n\
             # Several keys: [\"j\", \"down\"]. No key: [].\n\
             #\n\
             # A key does one thing per section, and one thing where sections work\n\
             # together: a screen's section with [table] and [global], [detail] with\n\
             # [global]. A line that breaks this is not used (the action keeps its\n\
             # default) and `epicevents keys --check` reports it.\n",
        );
        let rows = self.rows();
        for context in Context::all() {
            let here: Vec<_> = rows.iter().filter(|(c, _, _)| *c == context).collect();
            if here.is_empty() {
                continue;
            }
            out.push_str(&format!("\n# {}\n[{}]\n", context.title(), context.name()));
            for (_, action, keys) in here {
                let value = match keys.as_slice() {
                    [one] => toml_string(one),
                    many => {
                        let v: Vec<String> = many.iter().map(|k| toml_string(k)).collect();
                        format!("[{}]", v.join(", "))
                    }
                };
                let line = format!("{} = {value}", action.name());
                out.push_str(&format!("{line:<40} # {}\n", action.description()));
            }
        }
        let unbound = self.unbound();
        if !unbound.is_empty() {
            out.push_str(
                "\n# Actions without a key by default, for any section where they apply:\n",
            );
            for a in unbound {
                out.push_str(&format!("#   {:<36} {}\n", a.name(), a.description()));
            }
        }
        out
    }

    /// The README's Markdown list of every action name, by section, with its
    /// default keys, framed by [`README_START`] and [`README_END`].
    pub fn readme_section(&self) -> String {
        let mut out = format!("{README_START}\n\n| Section | Action | Default keys | What it does |\n|---|---|---|---|\n");
        let rows = self.rows();
        for context in Context::all() {
            let mut first = true;
            for (_, action, keys) in rows.iter().filter(|(c, _, _)| *c == context) {
                let section = if first {
                    format!("`[{}]`", context.name())
                } else {
                    String::new()
                };
                first = false;
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| format!("`{}`", k.replace('|', "\\|")))
                    .collect();
                out.push_str(&format!(
                    "| {section} | `{}` | {} | {} |\n",
                    action.name(),
                    keys.join(" "),
                    action.description()
                ));
            }
        }
        for a in self.unbound() {
            out.push_str(&format!(
                "| (any) | `{}` | none | {} |\n",
                a.name(),
                a.description()
            ));
        }
        out.push('\n');
        out.push_str(README_END);
        out
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `epicevents keys`: with `print_defaults`, a complete `keys.toml` on standard
/// output; otherwise every line of `file` that cannot be used, one per line on
/// standard error, and failure when there is any.
pub fn command(print_defaults: bool, file: Option<&std::path::Path>) -> std::process::ExitCode {
    use std::process::ExitCode;
    if print_defaults {
        print!("{}", Keymap::defaults().to_toml());
        return ExitCode::SUCCESS;
    }
    let Some(path) = file else {
        eprintln!("epicevents: no config directory, so no keys file: the default keys apply");
        return ExitCode::SUCCESS;
    };
    if !path.exists() {
        println!(
            "{}: no such file; the default keys apply (`epicevents keys --print-defaults` \
             gives one to start from)",
            path.display()
        );
        return ExitCode::SUCCESS;
    }
    let (keymap, _) = Keymap::load(path);
    if keymap.problems().is_empty() {
        println!("{}: every line is used", path.display());
        return ExitCode::SUCCESS;
    }
    for problem in keymap.problems() {
        eprintln!("{}: {problem}", path.display());
    }
    eprintln!(
        "{}: {} line(s) not used; the other lines apply",
        path.display(),
        keymap.problems().len()
    );
    ExitCode::FAILURE
}
