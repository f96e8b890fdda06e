//! x86-64 vector code per CPU feature level: SSE2-only refuses a function with `v128`
//! values by a one-line error (and still compiles the module's scalar functions), the
//! SSE4.1 baseline uses legacy encodings, AVX the VEX (three-operand) ones. What the code
//! computes is the spec suite's job (`spec.rs`, every x86-64 configuration).

use wlab_backends::compile::disassemble;
use wlab_backends::machinst::Syntax;
use wlab_backends::x64::CpuFeatures;
use wlab_backends::{compile_function, CompileOptions, Target};

const WAT: &str = r#"(module
    (func (export "scalar") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func (export "vec") (param v128 v128) (result v128)
        (i32x4.add (local.get 0) (local.get 1))))"#;

fn compile(features: CpuFeatures, func: usize) -> Result<String, String> {
    let module = wlab_ir::translate::translate_module(&wat::parse_str(WAT).unwrap()).expect("translates");
    let mut opts = CompileOptions::new(0);
    opts.features = features;
    let c = compile_function(&module.functions[func], &opts).map_err(|e| e.to_string())?;
    let lines = disassemble(Target::X86_64, &c.code, c.data_start, Syntax::Intel);
    Ok(lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>().join("\n"))
}

#[test]
fn sse2_only_refuses_v128_functions_with_one_line_and_compiles_the_rest() {
    let err = compile(CpuFeatures::baseline(), 1).unwrap_err();
    assert!(err.ends_with("v128 needs SSE4.1"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    assert!(compile(CpuFeatures::baseline(), 0).is_ok());
}

#[test]
fn sse41_uses_legacy_encodings_and_avx_the_vex_ones() {
    let sse = compile(CpuFeatures::sse41_only(), 1).unwrap();
    assert!(sse.contains("paddd "), "{sse}");
    assert!(!sse.contains("vpaddd"), "{sse}");
    let avx = compile(CpuFeatures { avx: true, ..CpuFeatures::sse41_only() }, 1).unwrap();
    assert!(avx.contains("vpaddd "), "{avx}");
}
