//! File-driven snapshot tests: one trial per file under `tests/filetests/`, each
//! pinned by one insta snapshot under `tests/snapshots/<group>/<file>.snap` (inside the
//! package, so `cargo insta review` finds pending ones).
//!
//! The text pinned is what `wlab explore --diff` prints for the file's header (see
//! `wlab_explorer::filetest`). A file that fails verification or translation
//! validation fails here without writing a snapshot.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_owned()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "wat" || e == "ir") {
            out.push(p);
        }
    }
}

fn run_one(root: &Path, path: &Path) -> Result<(), Failed> {
    let output = wlab_explorer::filetest::run_filetest(path).map_err(|e| Failed::from(e.to_string()))?;
    let rel = path.strip_prefix(root.join("tests/filetests")).expect("file is under tests/filetests");
    let group = rel.parent().unwrap_or(Path::new(""));
    let name = rel.file_name().expect("file name").to_string_lossy().into_owned();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("tests/snapshots").join(group));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(path);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.as_str(), output))
    }));
    result.map_err(|e| {
        let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        Failed::from(msg.unwrap_or_else(|| "snapshot assertion failed".into()))
    })
}

fn main() {
    let args = Arguments::from_args();
    let root = workspace_root();
    let mut files = Vec::new();
    collect(&root.join("tests/filetests"), &mut files);
    let trials = files
        .into_iter()
        .map(|p| {
            let root = root.clone();
            let name = p.strip_prefix(root.join("tests/filetests")).unwrap_or(&p).display().to_string();
            Trial::test(name, move || run_one(&root, &p))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
