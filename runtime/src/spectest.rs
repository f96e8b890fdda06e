//! The `spectest` host module the spec test suite imports: print functions, four
//! globals, a table and a memory, as the reference interpreter defines them.
//!
//! The print functions write to stdout only when asked (`print = true`); otherwise they
//! do nothing, so test output stays quiet. This module never traps.

use crate::linker::Linker;
use crate::store::{Extern, Global, Store};
use wlab_ir::interp::Val;
use wlab_ir::{Signature, Type};

/// Creates the `spectest` entities in `store` and defines them in `linker` under
/// module name `spectest`.
pub fn define_spectest(store: &mut Store, linker: &mut Linker, print: bool) {
    use Type::*;
    let funcs: [(&str, Vec<Type>); 7] = [
        ("print", vec![]),
        ("print_i32", vec![I32]),
        ("print_i64", vec![I64]),
        ("print_f32", vec![F32]),
        ("print_f64", vec![F64]),
        ("print_i32_f32", vec![I32, F32]),
        ("print_f64_f64", vec![F64, F64]),
    ];
    for (name, params) in funcs {
        let f = store.add_host_func(Signature::new(params, vec![]), move |_store, args| {
            if print {
                let text: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                // A reader that went away is the embedder's business, not a trap.
                use std::io::Write;
                let _ = writeln!(std::io::stdout().lock(), "{}", text.join(" "));
            }
            Ok(vec![])
        });
        linker.define("spectest", name, Extern::Func(f));
    }
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let g = store.add_global(Global::new(value.ty(), false, value));
        linker.define("spectest", name, Extern::Global(g));
    }
    let table = store.add_table(FuncRef, 10, Some(20), Val::FuncRef(None)).expect("10 elements fit any limit");
    linker.define("spectest", "table", Extern::Table(table));
    let memory = store.add_memory(1, Some(2)).expect("1 page fits any limit");
    linker.define("spectest", "memory", Extern::Memory(memory));
}
