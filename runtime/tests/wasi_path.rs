//! Path confinement below a granted directory, tested on the resolver directly:
//! `..`, absolute paths and symlinks that leave the root are `Notcapable`; paths that
//! stay inside resolve to plain components with no `..` or symlink left in them.

use std::path::{Path, PathBuf};
use wlab_runtime::wasi::path::resolve;
use wlab_runtime::wasi::Errno;

fn root(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-wasi-path-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root/a/b")).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::fs::write(dir.join("root/a/file"), "x").unwrap();
    let link = |target: &str, name: &str| std::os::unix::fs::symlink(target, dir.join("root").join(name)).unwrap();
    link("a/file", "to_file");
    link("../out", "to_out");
    link("a/b/../..", "to_root");
    link("a/b/../../..", "past_root");
    link("/etc", "to_etc");
    link("self", "self");
    dir.join("root")
}

fn comps(path: &str, follow: bool, root: &Path, base: &[&str]) -> Result<Vec<String>, Errno> {
    let base: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    resolve(root, &base, path, follow).map(|r| r.components)
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn plain_and_dot_paths_stay_inside() {
    let r = root("plain");
    assert_eq!(comps("a/file", true, &r, &[]), Ok(v(&["a", "file"])));
    assert_eq!(comps("./a//b/./", true, &r, &[]), Ok(v(&["a", "b"])));
    assert_eq!(comps("a/b/../file", true, &r, &[]), Ok(v(&["a", "file"])));
    assert_eq!(comps(".", true, &r, &[]), Ok(v(&[])));
    assert_eq!(comps("new_file", true, &r, &[]), Ok(v(&["new_file"])), "a missing last component may be created");
    assert_eq!(comps("missing/x", true, &r, &[]), Err(Errno::Noent));
    assert_eq!(comps("a/file/x", true, &r, &[]), Err(Errno::Notdir));
    assert_eq!(comps("", true, &r, &[]), Err(Errno::Noent));
}

#[test]
fn dotdot_above_the_root_is_not_capable() {
    let r = root("dotdot");
    assert_eq!(comps("..", true, &r, &[]), Err(Errno::Notcapable));
    assert_eq!(comps("a/../..", true, &r, &[]), Err(Errno::Notcapable));
    assert_eq!(comps("a/b/../../../root/a", true, &r, &[]), Err(Errno::Notcapable), "even when it would come back");
    // From a directory below the root, `..` may climb to the root but not past it.
    assert_eq!(comps("../..", true, &r, &["a", "b"]), Ok(v(&[])));
    assert_eq!(comps("../../..", true, &r, &["a", "b"]), Err(Errno::Notcapable));
}

#[test]
fn absolute_paths_are_not_capable() {
    let r = root("absolute");
    assert_eq!(comps("/etc/passwd", true, &r, &[]), Err(Errno::Notcapable));
    let inside = r.join("a/file");
    assert_eq!(comps(inside.to_str().unwrap(), true, &r, &[]), Err(Errno::Notcapable), "even naming the root");
}

#[test]
fn symlinks_resolve_inside_and_never_out() {
    let r = root("symlinks");
    assert_eq!(comps("to_file", true, &r, &[]), Ok(v(&["a", "file"])));
    assert_eq!(comps("to_file", false, &r, &[]), Ok(v(&["to_file"])), "last component not followed");
    assert_eq!(comps("to_root/a", true, &r, &[]), Ok(v(&["a"])));
    assert_eq!(comps("to_out", true, &r, &[]), Err(Errno::Notcapable));
    assert_eq!(comps("to_out/x", false, &r, &[]), Err(Errno::Notcapable), "middle components are always followed");
    assert_eq!(comps("past_root", true, &r, &[]), Err(Errno::Notcapable));
    assert_eq!(comps("to_etc/passwd", true, &r, &[]), Err(Errno::Notcapable));
    assert_eq!(comps("to_etc/", false, &r, &[]), Err(Errno::Notcapable), "a trailing slash follows");
    assert_eq!(comps("self", true, &r, &[]), Err(Errno::Loop));
}

#[test]
fn resolved_host_paths_lie_under_the_root() {
    let r = root("host");
    let resolved = resolve(&r, &[], "to_root/a/b/../file", true).unwrap();
    assert_eq!(resolved.host_path(), r.join("a/file"));
}
