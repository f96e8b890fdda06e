//! What wlab writes out and how it profiles, checked with the tools a user would use:
//! `wlab compile`'s ELF objects through binutils' `readelf` and `objdump` (installed with
//! gcc on every machine), `wlab opt`'s IR read back by `wlab explore` and the parser and
//! run against the original by the IR interpreter, `wlab run --profile`'s perf map and
//! sampler, and `wlab bench --profile`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn wlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wlab")).args(args).current_dir(repo()).output().expect("wlab runs")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} (binutils) runs: {e}"));
    assert!(o.status.success(), "{name} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wlab-artifacts-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const CALLS: &str = "examples/calls.wat";

/// `wlab compile CALLS` for `target` into a scratch folder; the object's path.
fn compile(target: &str) -> PathBuf {
    let out = scratch(&format!("obj-{target}")).join("calls.o");
    ok(&wlab(&["compile", CALLS, "-o", out.to_str().unwrap(), "--passes", "O2", "--target", target]));
    out
}

/// `readelf -r`'s relocation lines as (offset, type, symbol).
fn relocations(obj: &Path) -> Vec<(u64, String, String)> {
    let text = tool("readelf", &["-r", "-W", obj.to_str().unwrap()]);
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let off = u64::from_str_radix(w.first()?, 16).ok()?;
            Some((off, w.get(2)?.to_string(), w.get(4)?.to_string()))
        })
        .collect()
}

/// `readelf -s`'s defined functions as name → (value, size).
fn functions(obj: &Path) -> std::collections::BTreeMap<String, (u64, u64)> {
    let text = tool("readelf", &["-s", "-W", obj.to_str().unwrap()]);
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() == 8 && w[3] == "FUNC" && w[4] == "GLOBAL")
                .then(|| (w[7].to_string(), (u64::from_str_radix(w[1], 16).unwrap(), w[2].parse().unwrap())))
        })
        .collect()
}

#[test]
fn an_x86_64_object_has_a_symbol_per_function_and_relocations_at_every_call() {
    let obj = compile("x86_64");
    let funcs = functions(&obj);
    assert_eq!(funcs.keys().collect::<Vec<_>>(), ["double", "fac_i32", "run"]);
    let relocs = relocations(&obj);
    let kinds: Vec<(&str, &str)> = relocs.iter().map(|(_, t, s)| (t.as_str(), s.as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("R_X86_64_PLT32", "fac_i32"),
            ("R_X86_64_PLT32", "double"),
            ("R_X86_64_NONE", "wlab_libcall_call_func"),
            ("R_X86_64_NONE", "wlab_libcall_memory_grow"),
            // The runtime's path of the inline call_indirect, out of line after the blocks.
            ("R_X86_64_NONE", "wlab_libcall_call_indirect"),
        ]
    );
    // Each relocation sits on its call: objdump shows `call` at the PLT32 offset - 1
    // (the rel32 after the opcode byte) and at the NONE marker's offset.
    let dis = tool("objdump", &["-d", "-M", "intel", obj.to_str().unwrap()]);
    let insn_at = |off: u64| {
        dis.lines()
            .find(|l| l.trim_start().starts_with(&format!("{off:x}:\t")))
            .unwrap_or_else(|| panic!("no instruction at {off:#x}"))
            .to_string()
    };
    for (off, ty, sym) in &relocs {
        let line = if ty == "R_X86_64_PLT32" { insn_at(off - 1) } else { insn_at(*off) };
        assert!(line.contains("call"), "{ty} {sym} at {off:#x} is not on a call: {line}");
    }
    let undefined = tool("readelf", &["-s", "-W", obj.to_str().unwrap()]);
    assert!(undefined.lines().any(|l| l.contains(" UND wlab_libcall_memory_grow")), "{undefined}");
}

#[test]
fn objdump_of_each_x86_64_function_is_the_instruction_stream_explore_shows() {
    let obj = compile("x86_64");
    let dis = tool("objdump", &["-d", "--insn-width=16", obj.to_str().unwrap()]);
    for (name, (start, size)) in functions(&obj) {
        let j = ok(&wlab(&[
            "explore",
            CALLS,
            "--func",
            &name,
            "--no-wasm",
            "--passes",
            "O2",
            "--target",
            "x86_64",
            "--json",
        ]));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        let want: Vec<(u64, String)> = v["machine"]["disasm"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["offset"].as_u64().unwrap(), l["bytes"].as_str().unwrap().to_string()))
            .collect();
        // objdump's lines `  off:\tbytes \tmnemonic` inside the function's range.
        let got: Vec<(u64, String)> = dis
            .lines()
            .filter_map(|l| {
                let mut parts = l.split('\t');
                let off = u64::from_str_radix(parts.next()?.trim().strip_suffix(':')?, 16).ok()?;
                let bytes: String = parts.next()?.split_whitespace().collect();
                (off >= start && off < start + size).then(|| (off - start, bytes))
            })
            .collect();
        assert_eq!(got, want, "{name}: objdump and explore disagree");
    }
}

#[test]
fn an_aarch64_object_has_call26_and_libcall_relocations() {
    let obj = compile("aarch64");
    let header = tool("readelf", &["-h", obj.to_str().unwrap()]);
    assert!(header.contains("AArch64") && header.contains("REL (Relocatable file)"), "{header}");
    assert_eq!(functions(&obj).keys().collect::<Vec<_>>(), ["double", "fac_i32", "run"]);
    let relocs = relocations(&obj);
    let kinds: Vec<(&str, &str)> = relocs.iter().map(|(_, t, s)| (t.as_str(), s.as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("R_AARCH64_CALL26", "fac_i32"),
            ("R_AARCH64_CALL26", "double"),
            ("R_AARCH64_NONE", "wlab_libcall_call_func"),
            ("R_AARCH64_NONE", "wlab_libcall_memory_grow"),
            // The runtime's path of the inline call_indirect, out of line after the blocks.
            ("R_AARCH64_NONE", "wlab_libcall_call_indirect"),
        ]
    );
    // A `bl` (0b100101 in the top six bits) at every CALL26, a `blr` at every marker.
    let data = std::fs::read(&obj).unwrap();
    let text = object_text(&data);
    for (off, ty, _) in relocs {
        let w = u32::from_le_bytes(text[off as usize..off as usize + 4].try_into().unwrap());
        match ty.as_str() {
            "R_AARCH64_CALL26" => assert_eq!(w >> 26, 0b100101, "{w:#x} at {off:#x}"),
            _ => assert_eq!(w & 0xffff_fc1f, 0xd63f_0000, "{w:#x} at {off:#x} is not blr"),
        }
    }
}

/// The `.text` section's bytes, found through `readelf -S`'s offset and size.
fn object_text(data: &[u8]) -> Vec<u8> {
    let path = scratch("text").join("o.o");
    std::fs::write(&path, data).unwrap();
    let s = tool("readelf", &["-S", "-W", path.to_str().unwrap()]);
    let line = s.lines().find(|l| l.contains(" .text ")).expect(".text listed");
    let w: Vec<&str> = line.split(']').nth(1).unwrap().split_whitespace().collect();
    let (off, size) = (usize::from_str_radix(w[3], 16).unwrap(), usize::from_str_radix(w[4], 16).unwrap());
    data[off..off + size].to_vec()
}

#[test]
fn compile_errors_are_one_line() {
    let o = wlab(&["compile", CALLS, "-o", "/nonexistent-dir/x.o"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("wlab: error: cannot write /nonexistent-dir/x.o") && err.lines().count() == 1, "{err}");
    let o = wlab(&["compile", CALLS, "-o", "x.o", "--target", "mips"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown target `mips`; valid targets: x86_64, aarch64"));
    let ir = scratch("compile-ir").join("f.ir");
    std::fs::write(&ir, ok(&wlab(&["opt", "examples/sum.wat"]))).unwrap();
    let o = wlab(&["compile", ir.to_str().unwrap(), "-o", "x.o"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("wlab compile reads .wasm and .wat modules") && err.lines().count() == 1, "{err}");
}

/// The functions of `wlab opt`'s text, each as printed.
fn split_functions(text: &str) -> Vec<String> {
    let funcs = wlab_ir::parse::parse_functions(text).expect("wlab opt's output parses");
    funcs.iter().map(wlab_ir::print_function).collect()
}

#[test]
fn opt_output_reads_back_through_explore_and_runs_like_the_original() {
    let out = scratch("opt").join("sum.ir");
    ok(&wlab(&["opt", "examples/sum.wat", "--passes", "O2", "-o", out.to_str().unwrap()]));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("; wlab opt examples/sum.wat --passes O2\n"), "{text}");
    let printed = split_functions(&text);
    assert_eq!(printed.len(), 2);
    // The file is exactly the printed functions: print(parse(text)) == text.
    assert_eq!(text.split_once('\n').unwrap().1, printed.iter().map(|f| format!("\n{f}")).collect::<String>());
    // explore reads it and shows the same IR; stdout without -o is the same text.
    for (k, name) in ["sum_scaled", "fac"].iter().enumerate() {
        let j = ok(&wlab(&["explore", out.to_str().unwrap(), "--func", name, "--json"]));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["ir"].as_str().unwrap(), printed[k]);
    }
    assert_eq!(ok(&wlab(&["opt", "examples/sum.wat", "--passes", "O2"])), text);
    // The optimised functions compute what the translated ones do (the IR interpreter on
    // edge and random inputs, memory and calls included).
    let bytes = wat::parse_file(repo().join("examples/sum.wat")).unwrap();
    let original = wlab_ir::translate::translate_module(&bytes).unwrap();
    let optimized = wlab_ir::parse::parse_functions(&text).unwrap();
    for (a, b) in original.functions.iter().zip(&optimized) {
        wlab_passes::validate::check_equivalent(a, b, 64).unwrap_or_else(|m| panic!("{}: {m}", a.name));
    }
}

#[test]
fn opt_one_function_and_an_ir_input() {
    let one = ok(&wlab(&["opt", "examples/sum.wat", "--func", "fac"]));
    assert_eq!(split_functions(&one).len(), 1);
    let path = scratch("opt-ir").join("fac.ir");
    std::fs::write(&path, &one).unwrap();
    let again = ok(&wlab(&["opt", path.to_str().unwrap(), "--passes", "dce"]));
    assert_eq!(split_functions(&again), split_functions(&one));
    let o = wlab(&["opt", "examples/sum.wat", "--func", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stderr).lines().count(), 1);
}

/// A WASI command whose time goes into `spin` (a fixed number of iterations).
const SPIN: &str = r#"(module
  (memory (export "memory") 1)
  (func $spin (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
  (func $main (export "_start")
    (i32.store (i32.const 0) (call $spin (i32.const 300000000)))))"#;

#[test]
fn run_profile_perfmap_writes_a_line_per_function_and_the_trampoline() {
    let dir = scratch("perfmap");
    let m = dir.join("spin.wat");
    std::fs::write(&m, SPIN.replace("300000000", "10")).unwrap();
    let o = wlab(&["run", "--profile", "perfmap", m.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    let path = err.strip_prefix("wlab: perf map: ").and_then(|r| r.split(' ').next()).expect("the map's path");
    let map = std::fs::read_to_string(path).unwrap();
    let _ = std::fs::remove_file(path);
    let lines: Vec<(u64, u64, &str)> = map
        .lines()
        .map(|l| {
            let mut w = l.splitn(3, ' ');
            let mut hex = || u64::from_str_radix(w.next().unwrap(), 16).unwrap();
            (hex(), hex(), w.next().unwrap())
        })
        .collect();
    let names: Vec<&str> = lines.iter().map(|l| l.2).collect();
    assert_eq!(names, ["wlab_entry_trampoline", "spin", "main"]);
    for w in lines.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0 && w[0].1 > 0, "overlapping or empty: {map}");
    }
}

#[test]
fn run_profile_jitdump_writes_a_load_record_with_the_code_of_every_function() {
    let dir = scratch("jitdump");
    let m = dir.join("spin.wat");
    std::fs::write(&m, SPIN.replace("300000000", "10")).unwrap();
    let o = wlab(&["run", "--profile", "jitdump", m.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    let path = err.strip_prefix("wlab: jitdump: ").and_then(|r| r.split(' ').next()).expect("the dump's path");
    let b = std::fs::read(path).unwrap();
    let _ = std::fs::remove_file(path);
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    assert_eq!((u32_at(0), u32_at(4), u32_at(8), u32_at(12)), (0x4A69_5444, 1, 40, 62), "magic, version, size, x86-64");
    let (mut at, mut names) = (40, Vec::new());
    while at < b.len() {
        assert_eq!(u32_at(at), 0, "JIT_CODE_LOAD");
        let size = u32_at(at + 4) as usize;
        let code_size = u64_at(at + 40) as usize;
        let name_end = at + 56 + b[at + 56..].iter().position(|&c| c == 0).unwrap();
        names.push(String::from_utf8(b[at + 56..name_end].to_vec()).unwrap());
        assert_eq!(size, name_end + 1 + code_size - at, "a record is its header, name and code");
        // Every compiled function starts with `push rbp` (0x55).
        if names.last().unwrap() != "wlab_entry_trampoline" {
            assert_eq!(b[name_end + 1], 0x55);
        }
        at += size;
    }
    assert_eq!(names, ["wlab_entry_trampoline", "spin", "main"]);
}

#[test]
fn run_profile_sample_finds_the_hot_function() {
    let dir = scratch("sample");
    let m = dir.join("spin.wat");
    std::fs::write(&m, SPIN).unwrap();
    let out = dir.join("profile.json");
    ok(&wlab(&["run", "--profile", "sample", "--profile-out", out.to_str().unwrap(), m.to_str().unwrap()]));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(v["samples"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["functions"][0]["name"], "spin", "{v}");
    // Without --profile-out the report is text on stderr.
    std::fs::write(&m, SPIN.replace("300000000", "1000")).unwrap();
    let o = wlab(&["run", "--profile", "sample", m.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("wlab: profile: "), "{o:?}");
}

#[test]
fn profiling_other_engines_is_a_one_line_error() {
    for (engine, why) in [("interp", "the interpreter runs no machine code"), ("aarch64", "Unicorn")] {
        let o = wlab(&["run", "--engine", engine, "--profile", "perfmap", CALLS]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.starts_with(&format!("wlab: error: --profile is not supported on engine {engine}")), "{err}");
        assert!(err.contains(why) && err.lines().count() == 1, "{err}");
    }
    let o = wlab(&["run", "--profile", "perf", CALLS]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown profile mode `perf`; valid: perfmap, jitdump, sample"));
}

#[test]
fn bench_profile_reports_the_hottest_functions_per_module() {
    let dir = scratch("bench");
    let m = dir.join("spin.wat");
    std::fs::write(&m, SPIN.replace("300000000", "100000000")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(["bench", "--runs", "1", "--no-peers", "--profile", "--json", m.to_str().unwrap()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&o)).unwrap();
    let p = &v["profiles"][0];
    assert_eq!(p["runner"], "x86_64");
    assert_eq!(p["profile"]["functions"][0]["name"], "spin", "{p}");
    let o = Command::new(env!("CARGO_BIN_EXE_wlab"))
        .args(["bench", "--runs", "1", "--no-peers", "--profile", "--engine", "interp", m.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "wlab: error: --profile samples an `--engine x86_64` configuration; none is given"
    );
}
