//! Which modules `wlab bench` (and `wlab egraph-budget`) run: the files and folders
//! named, else `$WLAB_BENCH_DIR`, else `../shared/bench`; and what each must print (its
//! `<stem>.stdout.expected`, else the folder's `default.stdout.expected`, as Sightglass
//! lays them out). Only reads the file system; never runs anything.

use crate::CliError;
use std::path::{Path, PathBuf};

/// The environment variable naming the default benchmark folder.
pub const BENCH_DIR_ENV: &str = "WLAB_BENCH_DIR";

/// The default benchmark folder when [`BENCH_DIR_ENV`] is not set.
pub const DEFAULT_BENCH_DIR: &str = "../shared/bench";

/// The `.wasm` files named or found (recursively, sorted) in the named folders; with no
/// paths, those of the default folder.
pub fn find_modules(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let default;
    let paths = if paths.is_empty() {
        default = [default_dir()?];
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            collect_wasm(p, &mut out).map_err(|e| CliError::Other(format!("cannot read {}: {e}", p.display())))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(CliError::Other(format!("no such module or folder: {}", p.display())));
        }
    }
    if out.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(CliError::Other(format!("no .wasm modules in {}", names.join(", "))));
    }
    Ok(out)
}

/// `$WLAB_BENCH_DIR`, else `../shared/bench`, when it is a folder.
fn default_dir() -> Result<PathBuf, CliError> {
    if let Some(d) = std::env::var_os(BENCH_DIR_ENV) {
        let d = PathBuf::from(d);
        if d.is_dir() {
            return Ok(d);
        }
        return Err(CliError::Other(format!(
            "{BENCH_DIR_ENV} is {}, which is not a folder; name modules or folders instead (wlab bench PATHS...)",
            d.display()
        )));
    }
    let d = PathBuf::from(DEFAULT_BENCH_DIR);
    if d.is_dir() {
        return Ok(d);
    }
    Err(CliError::Other(format!(
        "no benchmark modules: the default folder {DEFAULT_BENCH_DIR} does not exist here; \
         name modules or folders (wlab bench PATHS...) or set {BENCH_DIR_ENV}"
    )))
}

fn collect_wasm(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_wasm(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "wasm") {
            out.push(p);
        }
    }
    Ok(())
}

/// The file stem (`shootout-matrix`).
pub fn stem(module: &Path) -> String {
    module.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `folder/stem` (the Sightglass modules are mostly called `benchmark.wasm`).
pub fn display_name(module: &Path) -> String {
    let folder = module.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned());
    match folder {
        Some(f) => format!("{f}/{}", stem(module)),
        None => stem(module),
    }
}

/// The stdout `module` must print: `<stem>.stdout.expected` next to it, else
/// `default.stdout.expected`; `None` when neither exists (the output is not checked).
pub fn expected_stdout(module: &Path) -> Result<Option<String>, CliError> {
    let folder = module.parent().unwrap_or(Path::new("."));
    for name in [format!("{}.stdout.expected", stem(module)), "default.stdout.expected".to_string()] {
        let path = folder.join(name);
        if path.is_file() {
            let text =
                std::fs::read(&path).map_err(|e| CliError::Other(format!("cannot read {}: {e}", path.display())))?;
            return Ok(Some(String::from_utf8_lossy(&text).into_owned()));
        }
    }
    Ok(None)
}
