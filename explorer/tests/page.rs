//! The explorer page in a real browser, and its embedded model pinned.
//!
//! `page/browser` writes the page of `examples/sum.wat`'s `sum_scaled` at O2 (with
//! `--egraph-dump`) for both targets and runs `tests/page/check_page.py` on it in headless Chromium (Selenium):
//! no console errors, every pane has content, hovering a wasm operator highlights its IR
//! and machine instructions and the other way round, tabs, diff view and CFG work. The
//! screenshot goes to `<target>/tmp/page/sum_scaled.png`. `page/bench_largest` does the
//! same for the largest function of the benchmark folder's bz2 (about 4,400 IR
//! instructions): the page must stay usable at that size.
//!
//! Browser trials need Debian's `chromium` and `chromium-driver` and Python's `selenium`
//! (scripts/test.sh installs them). Without them the trials are ignored with that reason,
//! unless `WLAB_REQUIRE_BROWSER=1` (scripts/test.sh sets it), when they fail.
//!
//! `page/model` pins the JSON model embedded in the page of `tests/page/small.wat`'s
//! `twice_sum` after `egraph,dce` on x86_64 (times zeroed), so a change to what the page
//! shows is seen in review; it also checks that the page refers to nothing outside it.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `wlab explore ARGS --format html -o OUT`.
fn write_page(args: &[&str], out: &Path) -> Result<(), Failed> {
    let o = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .arg("explore")
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(out)
        .current_dir(repo())
        .output()
        .map_err(|e| format!("cannot run wlab: {e}"))?;
    if !o.status.success() {
        return Err(format!("wlab explore failed: {}", String::from_utf8_lossy(&o.stderr)).into());
    }
    Ok(())
}

/// Why the browser check cannot run here, if it cannot.
fn browser_missing() -> Option<String> {
    let on_path = |p: &str| {
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(p).is_file()))
    };
    let mut missing = Vec::new();
    for exe in ["chromium", "chromedriver"] {
        if !on_path(exe) {
            missing.push(exe.to_string());
        }
    }
    let selenium = Command::new("python3").args(["-c", "import selenium"]).output();
    if !selenium.is_ok_and(|o| o.status.success()) {
        missing.push("python3 selenium".into());
    }
    (!missing.is_empty())
        .then(|| format!("no headless browser: {} missing (scripts/test.sh installs them)", missing.join(", ")))
}

/// Checks the page in Chromium; the screenshot goes next to it.
fn check_in_browser(page: &Path, targets: &[&str]) -> Result<(), Failed> {
    let shot = page.with_extension("png");
    let _ = std::fs::remove_file(&shot);
    let o = Command::new("python3")
        .arg(repo().join("explorer/tests/page/check_page.py"))
        .arg(page)
        .arg(&shot)
        .args(targets)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !o.status.success() {
        return Err(
            format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr).trim_end()).into()
        );
    }
    let png = std::fs::read(&shot).map_err(|e| format!("no screenshot {}: {e}", shot.display()))?;
    if !png.starts_with(b"\x89PNG") || png.len() < 10_000 {
        return Err(format!("{} is not a plausible PNG ({} bytes)", shot.display(), png.len()).into());
    }
    Ok(())
}

fn browser_trial(name: &str, run: impl FnOnce() -> Result<(), Failed> + Send + 'static) -> Trial {
    let required = std::env::var("WLAB_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    match browser_missing() {
        Some(why) if required => Trial::test(name, move || Err(format!("WLAB_REQUIRE_BROWSER=1: {why}").into())),
        Some(why) => Trial::test(name, || Ok(())).with_ignored_flag(true).with_kind(why),
        None => Trial::test(name, run),
    }
}

/// The JSON blob of a page, with measured times zeroed.
fn embedded_model(html: &str) -> serde_json::Value {
    const OPEN: &str = "<script id=\"wlab-model\" type=\"application/json\">";
    let start = html.find(OPEN).expect("the page embeds its model") + OPEN.len();
    let end = start + html[start..].find("</script>").expect("the model element closes");
    let mut v: serde_json::Value = serde_json::from_str(&html[start..end]).expect("the model is JSON");
    for st in v["stages"].as_array_mut().unwrap() {
        st["time_us"] = 0.into();
    }
    for t in v["targets"].as_array_mut().unwrap() {
        for k in ["lower_ns", "regalloc_ns", "emit_ns"] {
            t["stats"][k] = 0.into();
        }
    }
    v
}

fn model() -> Result<(), Failed> {
    let page = out_dir().join("twice_sum.html");
    let args = ["--func", "twice_sum", "--passes", "egraph,dce", "--target", "x86_64"];
    write_page(&[&["explorer/tests/page/small.wat"][..], &args[..]].concat(), &page)?;
    let html = std::fs::read_to_string(&page).map_err(|e| e.to_string())?;
    // Self-contained: nothing is fetched.
    for needle in ["http://", "https://", "src=", "@import"] {
        let hits: Vec<&str> =
            html.lines().filter(|l| l.contains(needle) && !l.contains("www.w3.org/2000/svg")).collect();
        if !hits.is_empty() {
            return Err(format!("the page refers to `{needle}`: {hits:?}").into());
        }
    }
    let json = serde_json::to_string_pretty(&embedded_model(&html)).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(repo().join("explorer/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("page_model_twice_sum", json));
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![Trial::test("page/model", model)];
    trials.push(browser_trial("page/browser", || {
        let page = out_dir().join("sum_scaled.html");
        let args = ["examples/sum.wat", "--func", "sum_scaled", "--passes", "O2", "--egraph-dump"];
        write_page(&[&args[..], &["--target", "x86_64", "--target", "aarch64"]].concat(), &page)?;
        check_in_browser(&page, &["x86_64", "aarch64"])
    }));
    match wlab_tests::bench::bench_dir() {
        Err(why) => trials.push(Trial::test("page/bench_largest", || Ok(())).with_ignored_flag(true).with_kind(why)),
        Ok(dir) => trials.push(browser_trial("page/bench_largest", move || {
            let page = out_dir().join("bz2_BZ2_decompress.html");
            let module = dir.join("bz2/benchmark.wasm");
            let module = module.to_str().ok_or("non-UTF-8 bench path")?;
            let args = ["--func", "BZ2_decompress", "--passes", "O2", "--target", "x86_64", "--target", "aarch64"];
            write_page(&[&[module][..], &args[..]].concat(), &page)?;
            check_in_browser(&page, &["x86_64", "aarch64"])
        })),
    }
    libtest_mimic::run(&args, trials).exit();
}
