//! The real binary, started from a shell whose umask is 022, creates its database,
//! the database's WAL and shared-memory files and its logs as 0600 inside 0700
//! directories.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file and directory under `dir`, depth first.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        out.push(path.clone());
        if path.is_dir() {
            walk(&path, out);
        }
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn files_the_program_creates_are_private_under_umask_022() {
    let home = tempfile::tempdir().expect("temp home");
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" --demo --demo-clients 5 --no-ui")
        .arg(env!("CARGO_BIN_EXE_epicevents"))
        .current_dir(home.path())
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("DATABASE_URL")
        .env_remove("SENTRY_DSN")
        .output()
        .expect("run epicevents");
    assert!(
        out.status.success(),
        "epicevents failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The shell really did hand the program a umask of 022: a file it makes is 0644.
    let probe = Command::new("sh")
        .arg("-c")
        .arg("umask 022; touch probe; stat -c %a probe; rm probe")
        .current_dir(home.path())
        .output()
        .expect("run sh");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "644");

    let data = home.path().join(".local/share/epicevents");
    let db = data.join("epicevents.db");
    assert!(db.is_file(), "no database at {}", db.display());
    let logs: Vec<_> = std::fs::read_dir(data.join("logs"))
        .expect("logs directory")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!logs.is_empty(), "no log file in {}", data.display());

    let mut all = Vec::new();
    walk(home.path(), &mut all);
    let mut files = 0;
    for p in &all {
        let m = mode(p);
        if p.is_dir() {
            assert_eq!(m, 0o700, "directory {} is {m:o}", p.display());
        } else {
            assert_eq!(m, 0o600, "file {} is {m:o}", p.display());
            files += 1;
        }
    }
    // The database and at least one log file; the WAL and shared-memory files too
    // while they exist (SQLite removes them when the last connection closes).
    assert!(files >= 2, "files seen: {all:?}");
    for p in &all {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with("-wal") || name.ends_with("-shm") {
            assert_eq!(mode(p), 0o600, "{} is {:o}", p.display(), mode(p));
        }
    }
}
