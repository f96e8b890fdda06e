//! The runtime on hand-built modules (module data + IR text, no translator): linking
//! between instances, wasm 2.0 segment semantics at instantiation, import type checks,
//! `call_indirect` checks, call-depth exhaustion, growth limits and the invoke API.

use wlab_ir::interp::{FuncRef, Val};
use wlab_ir::module::{
    ConstExpr, DataMode, DataSegment, ElemMode, ElemSegment, Export, ExportKind, FuncInfo, GlobalInfo, Import,
    MemoryInfo, TableInfo,
};
use wlab_ir::parse::parse_functions;
use wlab_ir::{Module, ModuleInfo, Signature, TrapCode, Type};
use wlab_runtime::{
    define_spectest, engine_by_name, get_global, instantiate_module, invoke, run_with_big_stack, Extern, InstanceId,
    InstantiateError, InterpEngine, InvokeError, Linker, Store,
};

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature::new(params.to_vec(), results.to_vec())
}

fn defined(type_index: u32) -> FuncInfo {
    FuncInfo { type_index, import: None, name: None }
}

fn imported(type_index: u32, module: &str, name: &str) -> FuncInfo {
    FuncInfo { type_index, import: Some(import(module, name)), name: None }
}

fn import(module: &str, name: &str) -> Import {
    Import { module: module.to_string(), name: name.to_string() }
}

fn export(name: &str, kind: ExportKind, index: u32) -> Export {
    Export { name: name.to_string(), kind, index }
}

fn module(info: ModuleInfo, ir: &str) -> Module {
    let functions = if ir.is_empty() { vec![] } else { parse_functions(ir).expect("test IR parses") };
    Module { info, functions }
}

fn load(store: &mut Store, linker: &Linker, m: Module) -> Result<InstanceId, InstantiateError> {
    instantiate_module(store, &InterpEngine, m, linker)
}

/// Exports memory "mem" (1 page, max 2) and "store"(addr, value) / "load"(addr).
fn memory_module() -> Module {
    let info = ModuleInfo {
        types: vec![sig(&[Type::I32, Type::I32], &[]), sig(&[Type::I32], &[Type::I32])],
        funcs: vec![defined(0), defined(1)],
        memories: vec![MemoryInfo { min: 1, max: Some(2), import: None }],
        exports: vec![
            export("mem", ExportKind::Memory, 0),
            export("store", ExportKind::Func, 0),
            export("load", ExportKind::Func, 1),
        ],
        datas: vec![DataSegment { mode: DataMode::Active { memory: 0, offset: ConstExpr::I32(8) }, bytes: vec![42] }],
        ..ModuleInfo::default()
    };
    module(
        info,
        "function fn0 \"store\"(i32, i32) -> () {\nblock0(v0: i32, v1: i32):\n    store.i32 v0, v1\n    return\n}\n\
         function fn1 \"load\"(i32) -> i32 {\nblock0(v0: i32):\n    v1 = load.i32 v0\n    return v1\n}\n",
    )
}

#[test]
fn memory_is_shared_through_imports_and_calls_cross_instances() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    let a = load(&mut store, &linker, memory_module()).unwrap();
    linker.register(&store, "A", a);
    // B imports A's memory and A's store function, and exports a function that calls it.
    let info = ModuleInfo {
        types: vec![sig(&[Type::I32, Type::I32], &[]), sig(&[Type::I32], &[Type::I32])],
        funcs: vec![imported(0, "A", "store"), defined(1)],
        memories: vec![MemoryInfo { min: 1, max: None, import: Some(import("A", "mem")) }],
        exports: vec![export("poke_and_read", ExportKind::Func, 1)],
        ..ModuleInfo::default()
    };
    let ir = "function fn1 \"poke_and_read\"(i32) -> i32 {\n    fn0 = (i32, i32) -> ()\n\n\
              block0(v0: i32):\n    v1 = iconst.i32 77\n    call fn0(v0, v1)\n    v2 = load.i32 v0\n    return v2\n}\n";
    let b = load(&mut store, &linker, module(info, ir)).unwrap();
    assert_eq!(invoke(&mut store, b, "poke_and_read", &[Val::I32(16)]), Ok(vec![Val::I32(77)]));
    // The data segment of A is visible, and B's write is visible to A.
    assert_eq!(invoke(&mut store, a, "load", &[Val::I32(8)]), Ok(vec![Val::I32(42)]));
    assert_eq!(invoke(&mut store, a, "load", &[Val::I32(16)]), Ok(vec![Val::I32(77)]));
}

#[test]
fn imports_are_checked_by_kind_type_and_limits() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    define_spectest(&mut store, &mut linker, false);
    let with_import = |f: FuncInfo, mem: Option<MemoryInfo>, glob: Option<GlobalInfo>| ModuleInfo {
        types: vec![sig(&[Type::I32], &[]), sig(&[Type::I64], &[])],
        funcs: vec![f],
        memories: mem.into_iter().collect(),
        globals: glob.into_iter().collect(),
        ..ModuleInfo::default()
    };
    // Unknown name.
    let e =
        load(&mut store, &linker, module(with_import(imported(0, "spectest", "nope"), None, None), "")).unwrap_err();
    assert!(e.is_unlinkable());
    assert_eq!(e.to_string(), "unknown import \"spectest\".\"nope\"");
    // Wrong signature.
    let e = load(&mut store, &linker, module(with_import(imported(1, "spectest", "print_i32"), None, None), ""))
        .unwrap_err();
    assert!(
        matches!(&e, InstantiateError::IncompatibleImport { module, name, .. } if module == "spectest" && name == "print_i32")
    );
    // Right signature.
    assert!(
        load(&mut store, &linker, module(with_import(imported(0, "spectest", "print_i32"), None, None), "")).is_ok()
    );
    // Memory limits: spectest's memory is 1..2 pages; importing with max 1 is too tight, max 3 fits.
    let mem = |min, max| Some(MemoryInfo { min, max, import: Some(import("spectest", "memory")) });
    let f = || imported(0, "spectest", "print_i32");
    assert!(load(&mut store, &linker, module(with_import(f(), mem(1, Some(1)), None), ""))
        .unwrap_err()
        .is_unlinkable());
    assert!(load(&mut store, &linker, module(with_import(f(), mem(2, None), None), "")).unwrap_err().is_unlinkable());
    assert!(load(&mut store, &linker, module(with_import(f(), mem(1, Some(3)), None), "")).is_ok());
    // Global type and mutability.
    let glob =
        |ty, mutable| Some(GlobalInfo { ty, mutable, init: None, import: Some(import("spectest", "global_i32")) });
    assert!(load(&mut store, &linker, module(with_import(f(), None, glob(Type::I64, false)), ""))
        .unwrap_err()
        .is_unlinkable());
    assert!(load(&mut store, &linker, module(with_import(f(), None, glob(Type::I32, true)), ""))
        .unwrap_err()
        .is_unlinkable());
    assert!(load(&mut store, &linker, module(with_import(f(), None, glob(Type::I32, false)), "")).is_ok());
    // Kind mismatch: a function where a memory is expected.
    let wrong_kind = Some(MemoryInfo { min: 0, max: None, import: Some(import("spectest", "print")) });
    let e = load(&mut store, &linker, module(with_import(f(), wrong_kind, None), "")).unwrap_err();
    assert!(e.to_string().contains("expected memory, found func"), "{e}");
}

/// A module importing spectest's table, with `call`(i) doing call_indirect type 0
/// (() -> i32) and two functions: "one" () -> i32 and "two" (i32) -> i32.
fn table_module(elems: Vec<ElemSegment>) -> Module {
    let info = ModuleInfo {
        types: vec![sig(&[], &[Type::I32]), sig(&[Type::I32], &[Type::I32])],
        funcs: vec![defined(1), defined(0), defined(1)],
        tables: vec![TableInfo { elem: Type::FuncRef, min: 10, max: None, import: Some(import("spectest", "table")) }],
        exports: vec![export("call", ExportKind::Func, 0)],
        elems,
        ..ModuleInfo::default()
    };
    let ir = "function fn0 \"call\"(i32) -> i32 {\n    type0 = () -> i32\n\n\
              block0(v0: i32):\n    v1 = call_indirect type0, table0, v0()\n    return v1\n}\n\
              function fn1 \"one\"() -> i32 {\nblock0:\n    v0 = iconst.i32 1\n    return v0\n}\n\
              function fn2 \"two\"(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n";
    module(info, ir)
}

fn active(offset: i32, funcs: &[u32]) -> ElemSegment {
    ElemSegment {
        ty: Type::FuncRef,
        mode: ElemMode::Active { table: 0, offset: ConstExpr::I32(offset) },
        items: funcs.iter().map(|&f| ConstExpr::RefFunc(f)).collect(),
    }
}

#[test]
fn call_indirect_checks_bounds_null_and_signature() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    define_spectest(&mut store, &mut linker, false);
    let m = load(&mut store, &linker, table_module(vec![active(0, &[1, 2])])).unwrap();
    let call = |store: &mut Store, i: i32| invoke(store, m, "call", &[Val::I32(i)]);
    assert_eq!(call(&mut store, 0), Ok(vec![Val::I32(1)]));
    let trap = |r: Result<Vec<Val>, InvokeError>| match r {
        Err(InvokeError::Trap(t)) => t.code,
        other => panic!("expected a trap, got {other:?}"),
    };
    assert_eq!(trap(call(&mut store, 1)), TrapCode::IndirectCallBadSig);
    assert_eq!(trap(call(&mut store, 2)), TrapCode::IndirectCallNull);
    assert_eq!(trap(call(&mut store, 10)), TrapCode::UndefinedElement);
}

#[test]
fn out_of_bounds_segment_traps_and_earlier_segments_stay() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    define_spectest(&mut store, &mut linker, false);
    // Segment 0 lands at 3; segment 1 runs past the end of the 10-entry table.
    let e = load(&mut store, &linker, table_module(vec![active(3, &[1]), active(9, &[1, 1])])).unwrap_err();
    assert!(matches!(e, InstantiateError::Trap(t) if t.code == TrapCode::TableOutOfBounds), "{e}");
    // The failed instance's function is in the shared table and still callable.
    let ok = load(&mut store, &linker, table_module(vec![])).unwrap();
    assert_eq!(invoke(&mut store, ok, "call", &[Val::I32(3)]), Ok(vec![Val::I32(1)]));
    // Nothing of the out-of-bounds segment was written.
    let err = invoke(&mut store, ok, "call", &[Val::I32(9)]).unwrap_err();
    assert!(matches!(err, InvokeError::Trap(t) if t.code == TrapCode::IndirectCallNull));
}

#[test]
fn runaway_recursion_traps_and_the_store_keeps_working() {
    run_with_big_stack(|| {
        let info = ModuleInfo {
            types: vec![sig(&[Type::I32], &[Type::I32])],
            funcs: vec![defined(0)],
            exports: vec![export("rec", ExportKind::Func, 0)],
            ..ModuleInfo::default()
        };
        let ir = "function fn0 \"rec\"(i32) -> i32 {\n    fn0 = (i32) -> i32\n\n\
                  block0(v0: i32):\n    brif v0, block1, block2\n\n\
                  block1:\n    v1 = iconst.i32 1\n    v2 = isub.i32 v0, v1\n    v3 = call fn0(v2)\n    return v3\n\n\
                  block2:\n    return v0\n}\n";
        let mut store = Store::new();
        let m = load(&mut store, &Linker::new(), module(info, ir)).unwrap();
        let err = invoke(&mut store, m, "rec", &[Val::I32(-1)]).unwrap_err();
        assert!(matches!(err, InvokeError::Trap(t) if t.code == TrapCode::StackOverflow), "{err}");
        assert_eq!(store.call_depth(), 0);
        assert_eq!(invoke(&mut store, m, "rec", &[Val::I32(1000)]), Ok(vec![Val::I32(0)]));
    });
}

#[test]
fn memory_growth_stops_at_the_declared_maximum() {
    let info = ModuleInfo {
        types: vec![sig(&[Type::I32], &[Type::I32])],
        funcs: vec![defined(0)],
        memories: vec![MemoryInfo { min: 0, max: Some(2), import: None }],
        exports: vec![export("grow", ExportKind::Func, 0)],
        ..ModuleInfo::default()
    };
    let ir = "function fn0 \"grow\"(i32) -> i32 {\nblock0(v0: i32):\n    v1 = memory_grow mem0, v0\n    return v1\n}\n";
    let mut store = Store::new();
    let m = load(&mut store, &Linker::new(), module(info, ir)).unwrap();
    let grow = |store: &mut Store, n: i32| invoke(store, m, "grow", &[Val::I32(n)]).unwrap();
    assert_eq!(grow(&mut store, 1), vec![Val::I32(0)]);
    assert_eq!(grow(&mut store, 2), vec![Val::I32(-1)]);
    assert_eq!(grow(&mut store, 1), vec![Val::I32(1)]);
    assert_eq!(grow(&mut store, 0x10000), vec![Val::I32(-1)]);
    assert_eq!(grow(&mut store, 0), vec![Val::I32(2)]);
}

#[test]
fn globals_are_initialised_from_imports_and_ref_func_gives_store_handles() {
    let mut store = Store::new();
    let mut linker = Linker::new();
    define_spectest(&mut store, &mut linker, false);
    let info = ModuleInfo {
        types: vec![sig(&[], &[])],
        funcs: vec![imported(0, "spectest", "print"), defined(0)],
        globals: vec![
            GlobalInfo { ty: Type::I32, mutable: false, init: None, import: Some(import("spectest", "global_i32")) },
            GlobalInfo { ty: Type::I32, mutable: true, init: Some(ConstExpr::GlobalGet(0)), import: None },
            GlobalInfo { ty: Type::FuncRef, mutable: false, init: Some(ConstExpr::RefFunc(0)), import: None },
        ],
        exports: vec![
            export("g", ExportKind::Global, 1),
            export("f", ExportKind::Global, 2),
            export("nop", ExportKind::Func, 1),
        ],
        ..ModuleInfo::default()
    };
    let ir = "function fn1 \"nop\"() -> () {\nblock0:\n    return\n}\n";
    let m = load(&mut store, &linker, module(info, ir)).unwrap();
    assert_eq!(get_global(&store, m, "g"), Ok(Val::I32(666)));
    let Some(Extern::Func(print)) = wlab_runtime::Resolver::resolve(&linker, "spectest", "print") else { panic!() };
    assert_eq!(get_global(&store, m, "f"), Ok(Val::FuncRef(Some(print))));
    assert_ne!(print, FuncRef(u32::MAX));
}

#[test]
fn invoke_rejects_unknown_exports_and_wrong_arguments() {
    let mut store = Store::new();
    let m = load(&mut store, &Linker::new(), memory_module()).unwrap();
    assert_eq!(invoke(&mut store, m, "nope", &[]), Err(InvokeError::UnknownExport("nope".to_string())));
    let e = invoke(&mut store, m, "load", &[Val::I64(0)]).unwrap_err();
    assert_eq!(e.to_string(), "\"load\" takes (i32), given (i64)");
    let e = invoke(&mut store, m, "mem", &[]).unwrap_err();
    assert_eq!(e.to_string(), "export \"mem\" is a memory, not a func");
    let e = invoke(&mut store, m, "load", &[Val::I32(65535)]).unwrap_err();
    assert!(matches!(e, InvokeError::Trap(t) if t.code == TrapCode::MemoryOutOfBounds));
}

#[test]
fn unknown_engine_names_list_the_valid_ones() {
    assert_eq!(engine_by_name("interp").unwrap().name(), "interp");
    let err = engine_by_name("jit").err().unwrap();
    assert_eq!(err.to_string(), "unknown engine `jit`; valid engines: interp, x86_64, aarch64");
    assert_eq!(engine_by_name("x86_64").unwrap().name(), "x86_64");
}

#[cfg(not(feature = "unicorn"))]
#[test]
fn aarch64_without_the_emulator_says_how_to_get_it() {
    let err = engine_by_name("aarch64").err().unwrap();
    assert!(err.to_string().contains("--features unicorn"), "{err}");
}
