//! Files and directories the program creates: private to the user who runs it.
//!
//! The database, its WAL and shared-memory files, the logs, keys and tokens hold
//! personal data or secrets, so they are 0600 inside 0700 directories whatever the
//! umask of the shell that started the program.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Makes every file and directory this process creates from now on private
/// (umask 077): it also covers files that libraries create for us (SQLite's WAL and
/// shared memory, the rolling log files). Called first thing in `main`.
pub fn restrict_umask() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail and
    // touches no memory of ours.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` (and missing parents) as 0700. An existing directory that we
/// own is tightened to 0700 when group or others may read it.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(dir)?;
    #[cfg(unix)]
    {
        let meta = std::fs::metadata(dir)?;
        if meta.permissions().mode() & 0o077 != 0 && owned_by_me(&meta) {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Creates `path` as an empty 0600 file unless it exists; true when it was created.
/// The parent directory must exist.
pub fn create_private_file(path: &Path) -> io::Result<bool> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(0o600);
    match o.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_dirs_and_files_ignore_a_loose_umask() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("a/b");
        private_dir(&dir).expect("dir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let f = dir.join("x.db");
        assert!(create_private_file(&f).expect("create"));
        assert!(!create_private_file(&f).expect("exists"));
        assert_eq!(mode(&f), 0o600);
    }
}
