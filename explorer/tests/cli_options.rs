//! The `wlab` command line's shared options and rough edges, as a user meets them:
//! usage errors are one line with exit status 1; a reader of stdout that goes away ends
//! the command quietly; an option with no effect is a one-line warning; a register count
//! the target cannot allocate and an ambiguous function name are errors; the e-graph's
//! cost model follows the target; `--format` and `--json` mean the same everywhere.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab")).args(args).current_dir(root()).output().expect("wlab runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn tmp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-cli-options-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status 1 and exactly one line on stderr, `wlab: error: ...` containing `needle`.
fn assert_one_line_error(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "expected one line on stderr, got:\n{err}");
    assert!(err.starts_with("wlab: error: "), "{err}");
    assert!(err.contains(needle), "stderr `{err}` does not mention `{needle}`");
}

/// Success, with exactly the `wlab: warning: ` lines `needles` on stderr (one each).
fn assert_warnings(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert!(out.status.success(), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), needles.len(), "{err}");
    for (line, needle) in lines.iter().zip(needles) {
        assert!(line.starts_with("wlab: warning: ") && line.contains(needle), "`{line}` does not mention `{needle}`");
    }
}

#[test]
fn usage_errors_are_one_line_with_exit_status_1() {
    let out = wlab(&["explore", "--foo", "examples/sum.wat"]);
    assert_one_line_error(&out, "unexpected argument '--foo'");
    assert!(stderr(&out).trim_end().ends_with("(see 'wlab explore --help')"), "{}", stderr(&out));
    assert_one_line_error(&wlab(&["explore", "examples/sum.wat"]), "--func <FUNC>");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--format", "xml"]), "possible values: text, json");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regs", "many"]), "'--regs <REGS>'");
    assert_one_line_error(&wlab(&["frobnicate"]), "unrecognized subcommand 'frobnicate'");
    assert_one_line_error(&wlab(&[]), "no command given; commands: explore, stats");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--json", "--format", "text"]), "cannot be used with");
}

#[test]
fn help_and_version_print_normally_with_exit_status_0() {
    for args in [&["--help"][..], &["explore", "--help"], &["run", "-h"], &["--version"]] {
        let out = wlab(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).is_empty(), "{args:?}");
    }
    // Defaults that differ by subcommand come from one option group.
    assert!(stdout(&wlab(&["run", "--help"])).contains("[default: O2]"));
    assert!(!stdout(&wlab(&["wast", "--help"])).contains("[default: O2]"));
    assert!(stdout(&wlab(&["wast", "--help"])).contains("[default: interp]"));
    assert!(stdout(&wlab(&["stats", "--help"])).contains("[default: x86_64]"));
}

/// Runs wlab with stdout a pipe whose reader is already closed, so its first write
/// fails with EPIPE whatever the timing.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(args)
        .current_dir(root())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("wlab runs")
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    let commands: [&[&str]; 5] = [
        &["stats", "examples/sum.wat", "--passes", "O2"],
        &["stats", "examples/sum.wat", "--json"],
        &["explore", "examples/sum.wat", "--func", "sum_scaled", "--passes", "O2"],
        &["passes"],
        &["explore", "--help"],
    ];
    for args in commands {
        let out = with_closed_stdout(args);
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
        let code = out.status.code();
        assert!(code == Some(141) || code == Some(0), "{args:?}: exit status {:?}", out.status);
    }
}

#[test]
fn regs_above_what_the_target_can_allocate_is_an_error_naming_the_maximum() {
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regs", "16"]), "at most 11");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regs", "100"]), "11 integer and 15 float");
    assert_one_line_error(&wlab(&["stats", "examples/sum.wat", "--regs", "25", "--target", "aarch64"]), "at most 24");
    let explore = ["explore", "examples/sum.wat", "--func", "fac", "--target", "x86_64", "--regs", "12"];
    assert_one_line_error(&wlab(&explore), "x86_64");
    let wast = tmp_file("regs.wast", b"(module)");
    assert_one_line_error(&wlab(&["wast", wast.to_str().unwrap(), "--engine", "x86_64", "--regs", "12"]), "at most 11");
    assert_one_line_error(&wlab(&["run", "--regs", "12", "examples/sum.wat"]), "at most 11");
    assert_one_line_error(&wlab(&["difftest", "--engine", "x86_64", "--regs", "12", "--count", "1"]), "at most 11");
    let bench = ["bench", "--no-peers", "--runs", "1", "--regs", "12", "examples/sum.wat"];
    assert_one_line_error(&wlab(&bench), "at most 11");
    assert!(wlab(&["stats", "examples/sum.wat", "--regs", "11"]).status.success());
    assert!(wlab(&["stats", "examples/sum.wat", "--regs", "24", "--target", "aarch64"]).status.success());
}

#[test]
fn options_without_effect_are_one_line_warnings() {
    let rules = root().join("passes/src/egraph/rules/algebra.rules");
    let rules = rules.to_str().unwrap();
    let fac = ["explore", "examples/sum.wat", "--func", "fac"];
    let with = |extra: &[&str]| wlab(&[&fac[..], extra].concat());
    let plain = stdout(&with(&[]));
    let out = with(&["--regs", "4"]);
    assert_warnings(&out, &["--regs has no effect without --target"]);
    assert_eq!(stdout(&out), plain, "the warning changes nothing");
    assert_warnings(&with(&["--interleave", "--syntax", "att"]), &["--interleave, --syntax have no effect"]);
    assert_warnings(&with(&["--target", "aarch64", "--syntax", "att"]), &["--syntax has no effect on aarch64"]);
    assert_warnings(&with(&["--rules", rules]), &["--rules has no effect: no pipeline is run"]);
    assert_warnings(&with(&["--passes", "O1", "--rules", rules]), &["the pipeline `O1` has no `egraph` pass"]);
    assert_warnings(&with(&["--egraph-dump"]), &["--egraph-dump has no effect"]);
    assert_warnings(&with(&["--check"]), &["--check has no effect without --passes"]);
    assert_warnings(&with(&["--passes", "O2", "--rules", rules, "--egraph-dump", "--check"]), &[]);
    let stats = wlab(&["stats", "examples/sum.wat", "--passes", "dce", "--rules", rules]);
    assert_warnings(&stats, &["--rules has no effect"]);
    let run = wlab(&["run", "--passes", "O0", "--rules", rules, "--invoke", "fac", "examples/sum.wat", "5"]);
    assert_warnings(&run, &["the pipeline `O0` has no `egraph` pass"]);
    assert_eq!(stdout(&run), "i64:120\n");
}

#[test]
fn an_ambiguous_function_name_is_an_error_listing_the_indices() {
    // Function 0 is `a` in the name section; function 1 is exported as `a`.
    let m = tmp_file("ambiguous.wat", b"(module (func $a) (func (export \"a\")) (func $b (export \"b\")))");
    let out = wlab(&["explore", m.to_str().unwrap(), "--func", "a"]);
    assert_one_line_error(&out, "`a` names 2 functions: 0 (name section), 1 (export); select one by index");
    // An export and the name-section name of the same function are one function.
    assert!(wlab(&["explore", m.to_str().unwrap(), "--func", "b"]).status.success());
    assert!(wlab(&["explore", m.to_str().unwrap(), "--func", "1"]).status.success());
}

#[test]
fn the_egraph_cost_model_follows_the_target_unless_the_pipeline_names_one() {
    let explore = |extra: &[&str]| {
        let out = wlab(&[&["explore", "examples/sum.wat", "--func", "sum_scaled", "--no-wasm"][..], extra].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    assert!(explore(&["--passes", "egraph", "--target", "aarch64"]).contains(";; pass egraph(cost=aarch64):"));
    let named = explore(&["--passes", "egraph(cost=x86_64)", "--target", "aarch64"]);
    assert!(named.contains(";; pass egraph(cost=x86_64):"), "{named}");
    // x86-64 is the pass's default: nothing is written out.
    assert!(explore(&["--passes", "egraph", "--target", "x86_64"]).contains(";; pass egraph:"));
    assert!(explore(&["--passes", "egraph"]).contains(";; pass egraph:"));
    let out = wlab(&["stats", "examples/sum.wat", "--passes", "O2", "--target", "aarch64", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["passes"]["pipeline"].as_str().unwrap().contains("egraph(cost=aarch64)"), "{v}");
}

#[test]
fn format_json_and_its_json_alias_agree() {
    let strip = |out: Output| -> serde_json::Value {
        assert!(out.status.success(), "{}", stderr(&out));
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v.as_object_mut().unwrap().remove("throughput");
        for f in v["functions"].as_array_mut().into_iter().flatten() {
            f.as_object_mut().unwrap().remove("pipeline_us");
            f["stats"] = serde_json::Value::Null;
        }
        v["totals"] = serde_json::Value::Null;
        v
    };
    let a = strip(wlab(&["stats", "examples/sum.wat", "--json"]));
    let b = strip(wlab(&["stats", "examples/sum.wat", "--format", "json"]));
    assert_eq!(a, b);
    for args in [
        &["difftest", "--count", "2", "--json"][..],
        &["difftest", "--count", "2", "--format", "json"],
        &["explore", "examples/sum.wat", "--func", "fac", "--json"],
    ] {
        let out = wlab(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json");
    }
}

#[test]
fn difftest_builds_its_engine_like_the_other_commands() {
    assert_one_line_error(&wlab(&["difftest", "--regs", "4", "--count", "1"]), "native engines, not interp");
    assert_one_line_error(&wlab(&["difftest", "--engine", "x86_64", "--regalloc", "greedy"]), "ion, fastalloc");
    let out = wlab(&["difftest", "--engine", "x86_64", "--regs", "4", "--regalloc", "fastalloc", "--count", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn wast_reports_json_too() {
    let p = tmp_file(
        "json.wast",
        b"(module (func (export \"f\") (result i32) i32.const 1))\n(assert_return (invoke \"f\") (i32.const 1))\n(assert_return (invoke \"f\") (i32.const 2))\n",
    );
    let out = wlab(&["wast", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "a failure still fails: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64(), v["skipped"].as_u64()),
        (Some(2), Some(1), Some(0)),
        "the module counts as passed"
    );
    assert_eq!(v["failures"].as_array().unwrap().len(), 1, "{v}");
}

/// `--ion-max-live N` is the live-value count above which Ion gives way to fastalloc: the
/// same function is allocated by Ion under a high bound and by fastalloc under a low one,
/// and the output says which.
#[test]
fn ion_max_live_chooses_the_allocator_and_says_so() {
    let (text, _) = wlab_explorer::shapes::generate(wlab_explorer::shapes::Shape::LiveLocals, 300);
    let module = tmp_file("live-locals-300.wat", text.as_bytes());
    let m = module.to_str().unwrap();
    let low = wlab(&["stats", m, "--ion-max-live", "50"]);
    assert_eq!(low.status.code(), Some(0), "{}", stderr(&low));
    assert!(stdout(&low).contains("fastalloc instead of ion"), "{}", stdout(&low));
    let high = wlab(&["stats", m, "--ion-max-live", "100000"]);
    assert_eq!(high.status.code(), Some(0), "{}", stderr(&high));
    assert!(!stdout(&high).contains("fastalloc instead of ion"), "{}", stdout(&high));
    assert_one_line_error(
        &wlab(&["wast", "x.wast", "--engine", "interp", "--ion-max-live", "5"]),
        "apply to native engines",
    );
}

/// `--ion-merge-max-ranges N` is how large Ion lets a merged bundle grow: a `br_table` of
/// 300 cases that each pass a constant to one block parameter gets moves on some edges
/// under regalloc2's own rule (0), which gives up after comparing 200 ranges, and none
/// under the default, which merges every case's constant with the parameter. The code
/// computes the same either way.
#[test]
fn ion_merge_max_ranges_merges_far_apart_block_parameter_inputs() {
    let n = 300;
    let mut w =
        String::from("(module (func (export \"f\") (param i32) (result i32) (local i32)\nblock $exit\nblock $d\n");
    for i in (0..n).rev() {
        w += &format!("block $c{i}\n");
    }
    w += "local.get 0\nbr_table";
    for i in 0..n {
        w += &format!(" $c{i}");
    }
    w += " $d\n";
    for i in 0..n {
        w += &format!("end\ni32.const {}\nlocal.set 1\nbr $exit\n", i * 7 + 1);
    }
    w += "end\ni32.const -1\nlocal.set 1\nend\nlocal.get 1))\n";
    let module = tmp_file("merge-cases-300.wat", w.as_bytes());
    let m = module.to_str().unwrap();
    let moves = |limit: &[&str]| {
        let out = wlab(&[&["stats", m, "--passes", "O0", "--json"], limit].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["totals"]["moves"].as_u64().expect("totals.moves")
    };
    assert!(moves(&["--ion-merge-max-ranges", "0"]) > 0, "regalloc2's own rule leaves moves");
    assert_eq!(moves(&[]), 0, "the default merges every case's constant with the parameter");
    for limit in ["0", "4096"] {
        for (arg, want) in [("5", "i32:36"), ("299", "i32:2094"), ("1000", "i32:-1")] {
            let out = wlab(&["run", m, "--passes", "O0", "--ion-merge-max-ranges", limit, "--invoke", "f", arg]);
            assert_eq!(stdout(&out).trim(), want, "limit {limit}, f({arg}): {}", stderr(&out));
        }
    }
}

/// `--ion-max-conflicts N`: Ion stops collecting the bundles a value conflicts with in a
/// register after N of them and only splits the value there (0: regalloc2's own rule, all
/// of them). On `wlab scaling`'s generated function, whose values live across long
/// stretches, the default (64) gives the same code as 0; 1 (split wherever two bundles
/// conflict) gives other code that computes the same. `stats --json` reports the limit.
#[test]
fn ion_max_conflicts_bounds_the_conflict_scan() {
    let module = tmp_file("conflicts.wat", wlab_explorer::scaling::generate_module(5_000, 200).as_bytes());
    let m = module.to_str().unwrap();
    let stats = |limit: &[&str]| {
        let out = wlab(&[&["stats", m, "--passes", "O2", "--json"], limit].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let default = stats(&[]);
    assert_eq!(default["ion_max_conflicts"], 64);
    assert_eq!(stats(&["--ion-max-conflicts", "0"])["totals"]["insts"], default["totals"]["insts"]);
    assert_ne!(stats(&["--ion-max-conflicts", "1"])["totals"]["insts"], default["totals"]["insts"]);
    let run = |limit: &str| {
        let out = wlab(&["run", m, "--passes", "O2", "--ion-max-conflicts", limit, "--invoke", "big", "5", "7"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(run("1"), run("0"));
}

/// `wlab explore` reads `.ir` files: a function by name or position; a name the file does
/// not have is one error listing the names it has.
#[test]
fn explore_reads_ir_files_by_name_or_position() {
    let ir = "tests/filetests/dce/keeps-effects.ir";
    let by_name = wlab(&["explore", ir, "--func", "effects"]);
    assert_eq!(by_name.status.code(), Some(0), "{}", stderr(&by_name));
    assert!(stdout(&by_name).starts_with(";; function 0 \"effects\""), "{}", stdout(&by_name));
    let by_position = wlab(&["explore", ir, "--func", "0"]);
    assert_eq!(stdout(&by_position), stdout(&by_name));
    assert_one_line_error(&wlab(&["explore", ir, "--func", "nope"]), "no function named `nope`; the file has: effects");
}

/// `wlab passes --format json` lists the same passes as the text listing.
#[test]
fn passes_list_as_json_too() {
    let text = stdout(&wlab(&["passes"]));
    let out = wlab(&["passes", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let passes = v["passes"].as_array().expect("a passes array");
    assert!(passes.len() >= 8, "{v}");
    for p in passes {
        let name = p["name"].as_str().unwrap();
        assert!(text.contains(&format!("  {name} ")), "`{name}` is not in the text listing");
    }
    assert!(v["presets"].as_array().unwrap().iter().any(|p| p["name"] == "O2"));
}

/// A module with a scalar and a SIMD function is explored and compiled function by function:
/// the scalar function compiles, the SIMD one translates, runs through the passes and prints
/// its IR, and compiles for x86-64 and for AArch64 (every one of the 236 operators is lowered
/// there once parts A and B are merged; a refused one is a one-line error naming it, see
/// `aarch64_encoders`), and `wlab stats` compiles every function.
#[test]
fn scalar_functions_of_a_module_with_simd_are_explorable() {
    let wat = r#"(module
        (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
        (func (export "dot") (param v128) (result i32)
          local.get 0 local.get 0 i32x4.dot_i16x8_s i32x4.extract_lane 0))"#;
    let module = tmp_file("mixed-simd.wat", wat.as_bytes());
    let m = module.to_str().unwrap();
    let add = wlab(&["explore", m, "--func", "add", "--passes", "O2", "--target", "x86_64"]);
    assert_eq!(add.status.code(), Some(0), "{}", stderr(&add));
    assert!(stdout(&add).contains("iadd.i32"), "{}", stdout(&add));
    let dot = wlab(&["explore", m, "--func", "dot", "--passes", "O2"]);
    assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
    assert!(stdout(&dot).contains("dot_i16x8_s.i32x4"), "{}", stdout(&dot));
    let x64 = wlab(&["explore", m, "--func", "dot", "--target", "x86_64"]);
    assert_eq!(x64.status.code(), Some(0), "{}", stderr(&x64));
    let a64 = wlab(&["explore", m, "--func", "dot", "--target", "aarch64"]);
    assert_eq!(a64.status.code(), Some(0), "{}", stderr(&a64));
    assert!(stdout(&a64).contains("smull"), "{}", stdout(&a64));
    let stats = wlab(&["stats", m, "--target", "aarch64"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    let text = stdout(&stats);
    assert!(!text.contains("not compiled"), "{text}");
    assert!(text.contains(";; simd: 2 SIMD IR instructions"), "{text}");
}

/// `--cpu-features` is one shared option: `sse41` compiles v128 with legacy SSE
/// encodings (no VEX, no SSE4.2 `pcmpgtq`), `sse2` refuses v128 with one line naming the
/// reason, and `wlab run` / `wlab difftest` take it too (the difftest summary line
/// repeats it). An unknown set, an engine that runs no machine code and the AArch64
/// target are one-line errors.
#[test]
fn cpu_features_select_the_x86_64_instruction_sets() {
    let module = tmp_file(
        "cpu-features.wat",
        br#"(module (func (export "gt") (param v128 v128) (result v128)
              (i64x2.gt_s (i32x4.add (local.get 0) (local.get 1)) (local.get 1))))"#,
    );
    let m = module.to_str().unwrap();
    let sse41 = wlab(&["explore", m, "--func", "gt", "--target", "x86_64", "--cpu-features", "sse41"]);
    assert_eq!(sse41.status.code(), Some(0), "{}", stderr(&sse41));
    let text = stdout(&sse41);
    assert!(text.contains("paddd") && !text.contains("vpaddd") && !text.contains("pcmpgtq"), "{text}");
    assert_one_line_error(
        &wlab(&["explore", m, "--func", "gt", "--target", "x86_64", "--cpu-features", "sse2"]),
        "v128 needs SSE4.1",
    );
    let run = wlab(&[
        "run",
        m,
        "--cpu-features",
        "sse41",
        "--invoke",
        "gt",
        "--",
        "0x00000000000000000000000000000001",
        "0x00000000000000000000000000000000",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&run).trim(), "v128:0x0000000000000000ffffffffffffffff");
    let difftest = wlab(&["difftest", "--simd", "--engine", "x86_64", "--cpu-features", "sse41", "--count", "3"]);
    assert_eq!(difftest.status.code(), Some(0), "{}", stderr(&difftest));
    assert!(stdout(&difftest).starts_with("difftest --engine x86_64 --cpu-features sse41 "), "{}", stdout(&difftest));
    assert_one_line_error(
        &wlab(&["explore", m, "--func", "gt", "--target", "x86_64", "--cpu-features", "avx9"]),
        "unknown CPU feature set `avx9`; valid: native, x86-64-v3, sse41, sse2",
    );
    assert_one_line_error(
        &wlab(&["run", m, "--engine", "interp", "--cpu-features", "sse41"]),
        "apply to native engines",
    );
    assert_one_line_error(
        &wlab(&["explore", m, "--func", "gt", "--target", "aarch64", "--cpu-features", "sse41"]),
        "--cpu-features applies to x86_64, not aarch64",
    );
    // A rotate by a constant: BMI2's `rorx` (its own destination) in x86-64-v3, `rol`
    // (tied to its source) in plain x86-64.
    let rot = tmp_file(
        "cpu-features-rotate.wat",
        br#"(module (func (export "rot") (param i64) (result i64)
              (i64.xor (i64.rotl (local.get 0) (i64.const 7)) (local.get 0))))"#,
    );
    let r = rot.to_str().unwrap();
    let v3 = wlab(&["explore", r, "--func", "rot", "--target", "x86_64", "--cpu-features", "x86-64-v3"]);
    assert_eq!(v3.status.code(), Some(0), "{}", stderr(&v3));
    assert!(stdout(&v3).contains("rorx"), "{}", stdout(&v3));
    let sse2 = wlab(&["explore", r, "--func", "rot", "--target", "x86_64", "--cpu-features", "sse2"]);
    assert!(stdout(&sse2).contains("rol ") && !stdout(&sse2).contains("rorx"), "{}", stdout(&sse2));
}
