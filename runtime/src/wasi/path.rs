//! Path resolution confined to a granted directory.
//!
//! ```text
//!  dir fd (root = granted host dir, base = its components below root) + guest path
//!    "/..."               ─▶ Notcapable (absolute paths are never looked up on the host)
//!    "." / ""-segments    ─▶ skipped
//!    ".."                 ─▶ pop one component; popping above root ─▶ Notcapable
//!    name (a symlink)     ─▶ its target spliced in (absolute target ─▶ Notcapable;
//!                            more than MAX_SYMLINKS ─▶ Loop); the last component is
//!                            followed only when asked (lookupflags::symlink_follow)
//!    name                 ─▶ pushed
//!  ─▶ components below root, every one a real (non-symlink) entry at resolution time
//! ```
//!
//! The result is a list of plain names below the root, so the host path handed to the
//! OS is `root/a/b/c` with no `..` and no symlink in it except, when not followed, the
//! last component (which callers open with `O_NOFOLLOW`). This file must never produce
//! a host path outside the root. It resolves lexically against the file system as it is
//! when called: another host process racing to swap a directory for a symlink between
//! resolution and use is not defended against (`openat2(RESOLVE_BENEATH)` would be).

use super::errno::{Errno, WasiResult};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Symlinks followed in one resolution before giving up with `Loop` (Linux's limit).
pub const MAX_SYMLINKS: u32 = 40;

/// A resolved path: the granted root and the plain components below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub root: PathBuf,
    pub components: Vec<String>,
}

impl Resolved {
    /// The host path.
    pub fn host_path(&self) -> PathBuf {
        let mut p = self.root.clone();
        p.extend(&self.components);
        p
    }
}

/// Resolves guest `path` relative to the directory `base` (components below `root`).
/// `follow_last`: whether a symlink in the last component is followed.
pub fn resolve(root: &Path, base: &[String], path: &str, follow_last: bool) -> WasiResult<Resolved> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.starts_with('/') {
        return Err(Errno::Notcapable);
    }
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    // A trailing slash names a directory: follow a final symlink like any middle one.
    let follow_last = follow_last || path.ends_with('/');
    let mut pending: VecDeque<String> = split(path);
    let mut stack: Vec<String> = base.to_vec();
    let mut links = 0u32;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            if stack.pop().is_none() {
                return Err(Errno::Notcapable);
            }
            continue;
        }
        let is_last = pending.is_empty();
        let mut candidate = root.to_path_buf();
        candidate.extend(&stack);
        candidate.push(&name);
        let meta = match std::fs::symlink_metadata(&candidate) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && is_last => None,
            Err(e) => return Err(Errno::from_io(&e)),
        };
        let is_link = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
        if is_link && (!is_last || follow_last) {
            links += 1;
            if links > MAX_SYMLINKS {
                return Err(Errno::Loop);
            }
            let target = std::fs::read_link(&candidate).map_err(|e| Errno::from_io(&e))?;
            let target = target.to_str().ok_or(Errno::Ilseq)?;
            if target.starts_with('/') {
                return Err(Errno::Notcapable);
            }
            let mut spliced = split(target);
            if spliced.is_empty() {
                return Err(Errno::Noent);
            }
            spliced.extend(pending);
            pending = spliced;
            continue;
        }
        if !is_last && meta.as_ref().is_some_and(|m| !m.is_dir()) {
            return Err(Errno::Notdir);
        }
        stack.push(name);
    }
    Ok(Resolved { root: root.to_path_buf(), components: stack })
}

/// The non-trivial components of a relative path (`.` and empty segments dropped).
fn split(path: &str) -> VecDeque<String> {
    path.split('/').filter(|s| !s.is_empty() && *s != ".").map(str::to_owned).collect()
}
