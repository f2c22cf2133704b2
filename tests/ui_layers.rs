//! The shape of the terminal app, read from its source: the layers import one
//! another without a cycle, the plain state knows nothing above it, and nothing
//! above the services touches storage.
//!
//! An import is a path `crate::a::b` (also inside `crate::{…}`), `super::…`, or a
//! child module named in its parent (`mod actions;` … `actions::update`).
//! Comments and `#[cfg(test)] mod tests` are not imports. Two levels are
//! checked: the layers (`app`, `ui`, `controllers`, `screens`, `state`) among
//! themselves, and the modules of each layer among their siblings (a module
//! using its own parent's items, such as `super::App`, is how a Rust module
//! tree holds together and is not counted).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 5] = ["app", "ui", "controllers", "screens", "state"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The module path of a file: `src/app/refresh.rs` → `[app, refresh]`,
/// `src/state/mod.rs` → `[state]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its unit tests.
fn code(file: &Path) -> String {
    let text = fs::read_to_string(file).expect("read source");
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The longest prefix of `path` that names a module (a file or a directory).
fn as_module(path: &[String]) -> Vec<String> {
    let mut keep = Vec::new();
    let mut at = src();
    for p in path {
        at = at.join(p);
        if at.is_dir() || at.with_extension("rs").is_file() {
            keep.push(p.clone());
        } else {
            break;
        }
    }
    keep
}

fn ident_path(s: &str) -> Vec<String> {
    s.split("::")
        .map(|p| {
            p.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .take_while(|p| !p.is_empty())
        .collect()
}

/// The modules `file` imports.
fn imports(file: &Path) -> BTreeSet<Vec<String>> {
    let me = module_of(file);
    let text = code(file);
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
            for item in inner.split(',') {
                out.insert(as_module(&ident_path(item.trim())));
            }
        } else {
            out.insert(as_module(&ident_path(rest)));
        }
    }
    // `super` of a/b.rs and of a/b/mod.rs is a.
    let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
    for (i, _) in text.match_indices("super::") {
        let rest = &text[i + "super::".len()..];
        let mut path = parent.clone();
        if rest.starts_with(|c: char| c.is_ascii_lowercase()) {
            path.extend(ident_path(rest));
        }
        out.insert(as_module(&path));
    }
    // Child modules used by their bare name.
    // A child of a/b.rs lives in a/b/, of a/b/mod.rs too.
    let here = me.clone();
    for line in text.lines() {
        let l = line.trim();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
        if let Some(name) = l.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
            let used = text.match_indices(&format!("{name}::")).any(|(j, _)| {
                j == 0
                    || !text[..j].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if used {
                let mut child = here.clone();
                child.push(name.to_string());
                out.insert(child);
            }
        }
    }
    out.remove(&me);
    out.retain(|m| !m.is_empty());
    out
}

/// A cycle in `edges`, if there is one (depth-first search).
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == m).unwrap_or(0);
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if !state.contains_key(n) {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Every (importing module, imported module) pair in the layers.
fn all_imports() -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for layer in LAYERS {
        for f in files(&src().join(layer)) {
            let me = module_of(&f);
            for m in imports(&f) {
                out.push((me.clone(), m));
            }
        }
    }
    out
}

#[test]
fn the_layers_import_one_another_without_a_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in all_imports() {
        let (a, b) = (from[0].clone(), to[0].clone());
        if a != b && LAYERS.contains(&b.as_str()) {
            edges.entry(a).or_default().insert(b);
        }
    }
    assert!(
        edges.get("app").is_some_and(|e| e.contains("state")),
        "the reading found no imports at all: {edges:?}"
    );
    assert_eq!(find_cycle(&edges), None, "{edges:#?}");
}

#[test]
fn the_modules_of_each_layer_import_their_siblings_without_a_cycle() {
    for layer in LAYERS {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in all_imports() {
            if from[0] != layer || to[0] != layer || from.len() < 2 || to.len() < 2 {
                // Across layers (checked above), or to the layer's own root
                // module (its parent).
                continue;
            }
            if from[1] != to[1] {
                edges
                    .entry(from[1].clone())
                    .or_default()
                    .insert(to[1].clone());
            }
        }
        assert_eq!(find_cycle(&edges), None, "{layer}: {edges:#?}");
    }
}

#[test]
fn the_state_knows_nothing_above_it() {
    for (from, to) in all_imports() {
        if from[0] == "state" {
            assert!(
                !["app", "ui", "controllers", "screens"].contains(&to[0].as_str()),
                "{} imports {}",
                from.join("::"),
                to.join("::")
            );
        }
    }
}

#[test]
fn nothing_above_the_services_touches_storage() {
    let mut seen = 0;
    // The screens, and the other callers above the services: scripts, the team
    // server and the interface both sides of it share.
    for layer in LAYERS.iter().chain(&["cli", "server", "api"]) {
        for f in files(&src().join(layer)) {
            seen += 1;
            let text = code(&f);
            for banned in ["repo::", ".db()", "diesel"] {
                assert!(
                    !text.contains(banned),
                    "{} uses {banned}: everything above the services reaches storage through them",
                    f.display()
                );
            }
        }
    }
    assert!(seen > 40, "read only {seen} files");
}
