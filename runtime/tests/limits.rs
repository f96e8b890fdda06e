//! Every resource limit of a run, through the library: fuel (its unit, the same on every
//! engine), the timeout, memory pages and the interpreter's stack in bytes. Each test
//! asserts the named trap or value, never a time. The AArch64 engine's share is in
//! `tests/tests/aarch64_limits.rs` (it needs the `unicorn` feature).

use std::sync::Arc;
use std::time::Duration;
use wlab_ir::interp::Val;
use wlab_ir::{Module, TrapCode};
use wlab_runtime::fuel::instrument;
use wlab_runtime::native::NativeEngine;
use wlab_runtime::wast::{run_wast_text_with, WastConfig};
use wlab_runtime::{
    instantiate_module, invoke, run_with_big_stack, Engine, InterpEngine, InvokeError, Linker, MeteredEngine, Store,
    StoreLimits,
};

fn translate(wat: &str) -> Module {
    let buf = wast::parser::ParseBuffer::new(wat).unwrap();
    let mut m = wast::parser::parse::<wast::Wat>(&buf).unwrap();
    wlab_ir::translate::translate_module(&m.encode().unwrap()).unwrap()
}

/// The engines every test runs on (metered when asked).
fn engines(metered: bool) -> Vec<Box<dyn Engine>> {
    let base: Vec<Box<dyn Engine>> = vec![Box::new(InterpEngine), Box::new(NativeEngine::default())];
    if !metered {
        return base;
    }
    base.into_iter().map(|inner| Box::new(MeteredEngine { inner }) as Box<dyn Engine>).collect()
}

const COUNTER: &str = r#"(module
  (func $leaf (export "leaf"))
  (func (export "loop") (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "calls") (param $n i32)
    (loop $l
      (call $leaf)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "spin") (loop $l (br $l))))"#;

/// Fuel used by one call of `name` on `args`, on `engine`.
fn fuel_used(engine: &dyn Engine, name: &str, args: &[Val]) -> u64 {
    run_with_big_stack(|| {
        let mut store = Store::new();
        let m = instantiate_module(&mut store, engine, translate(COUNTER), &Linker::new()).unwrap();
        store.set_fuel(Some(1_000_000));
        invoke(&mut store, m, name, args).unwrap();
        1_000_000 - store.fuel_remaining().unwrap()
    })
}

#[test]
fn one_unit_per_function_entry_and_per_arrival_at_a_loop_header_on_every_engine() {
    for e in engines(true) {
        let e = e.as_ref();
        assert_eq!(fuel_used(e, "leaf", &[]), 1, "{}", e.name());
        // Entry, then the header 10 times (entered once, 9 back edges).
        assert_eq!(fuel_used(e, "loop", &[Val::I32(10)]), 11, "{}", e.name());
        // ... and one more per call of `leaf`.
        assert_eq!(fuel_used(e, "calls", &[Val::I32(10)]), 21, "{}", e.name());
    }
}

#[test]
fn an_endless_loop_runs_out_of_fuel_on_every_engine() {
    for e in engines(true) {
        run_with_big_stack(|| {
            let mut store = Store::new();
            let m = instantiate_module(&mut store, e.as_ref(), translate(COUNTER), &Linker::new()).unwrap();
            store.set_fuel(Some(100_000));
            let err = invoke(&mut store, m, "spin", &[]).unwrap_err();
            assert!(matches!(&err, InvokeError::Trap(t) if t.code == TrapCode::OutOfFuel), "{}: {err}", e.name());
            assert_eq!(err.to_string(), "out of fuel in function 3", "{}", e.name());
            assert_eq!(store.fuel_remaining(), Some(0));
            // More fuel, and the store runs again.
            store.set_fuel(Some(100));
            invoke(&mut store, m, "leaf", &[]).unwrap();
        });
    }
}

#[test]
fn an_endless_loop_ends_with_a_timeout_trap_on_every_engine() {
    for e in engines(true) {
        run_with_big_stack(|| {
            let mut store = Store::new();
            let m = instantiate_module(&mut store, e.as_ref(), translate(COUNTER), &Linker::new()).unwrap();
            store.set_timeout(Duration::from_millis(200));
            let err = invoke(&mut store, m, "spin", &[]).unwrap_err();
            assert!(matches!(&err, InvokeError::Trap(t) if t.code == TrapCode::Timeout), "{}: {err}", e.name());
        });
    }
}

#[test]
fn a_timeout_set_before_instantiation_reaches_the_counter() {
    run_with_big_stack(|| {
        let mut store = Store::new();
        store.set_timeout(Duration::from_millis(100));
        let engine = MeteredEngine { inner: Box::new(NativeEngine::default()) };
        let m = instantiate_module(&mut store, &engine, translate(COUNTER), &Linker::new()).unwrap();
        let err = invoke(&mut store, m, "spin", &[]).unwrap_err();
        assert!(matches!(&err, InvokeError::Trap(t) if t.code == TrapCode::Timeout), "{err}");
    });
}

#[test]
fn metering_adds_a_global_and_keeps_every_function_valid() {
    let m = translate(COUNTER);
    let metered = instrument(&m);
    assert_eq!(m.info.fuel_global, None);
    assert_eq!(metered.info.fuel_global, Some(m.info.globals.len() as u32));
    for f in &metered.functions {
        wlab_ir::verify::verify_function(f).unwrap_or_else(|e| panic!("{}: {e}", f.name));
    }
    // Metering twice changes nothing more.
    assert_eq!(instrument(&metered).functions, metered.functions);
}

#[test]
fn unmetered_engines_ignore_fuel() {
    for e in engines(false) {
        run_with_big_stack(|| {
            let mut store = Store::new();
            let m = instantiate_module(&mut store, e.as_ref(), translate(COUNTER), &Linker::new()).unwrap();
            store.set_fuel(Some(1));
            invoke(&mut store, m, "loop", &[Val::I32(1000)]).unwrap();
        });
    }
}

const MEMORY: &str = r#"(module
  (memory (export "memory") 65536)
  (func (export "size") (result i32) (memory.size))
  (func (export "last") (result i32) (i32.load8_u (i32.const -1))))"#;

#[test]
fn a_memory_of_65536_pages_instantiates_by_default() {
    for e in engines(false) {
        run_with_big_stack(|| {
            let mut store = Store::new();
            let m = instantiate_module(&mut store, e.as_ref(), translate(MEMORY), &Linker::new()).unwrap();
            assert_eq!(invoke(&mut store, m, "size", &[]), Ok(vec![Val::I32(65536)]), "{}", e.name());
            assert_eq!(invoke(&mut store, m, "last", &[]), Ok(vec![Val::I32(0)]), "{}", e.name());
        });
    }
}

#[test]
fn a_lower_page_limit_refuses_instantiation_and_growth() {
    let mut store = Store::with_limits(StoreLimits { memory_pages: 100, ..StoreLimits::default() });
    let err = instantiate_module(&mut store, &InterpEngine, translate(MEMORY), &Linker::new()).unwrap_err();
    assert_eq!(err.to_string(), "resource limit exceeded: memory of 65536 pages, more than the limit of 100 pages");
    let script = r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
        (assert_return (invoke "grow" (i32.const 9)) (i32.const 1))
        (assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
        (assert_return (invoke "grow" (i32.const 0)) (i32.const 10))"#;
    let config =
        WastConfig { limits: StoreLimits { memory_pages: 10, ..StoreLimits::default() }, ..WastConfig::default() };
    for e in engines(false) {
        let report = run_wast_text_with("grow.wast", script, e.as_ref(), config).unwrap();
        assert_eq!((report.passed, report.failed), (4, 0), "{}: {:?}", e.name(), report.failures);
    }
}

/// Recursion forever through a function with 200 i64 locals live across the call.
fn big_frames() -> Module {
    let n = 200;
    let mut wat = String::from("(module (func $rec (export \"rec\") (param $n i32) (result i64)");
    for i in 0..n {
        wat += &format!(" (local $l{i} i64)");
    }
    for i in 0..n {
        wat += &format!(" (local.set $l{i} (i64.add (i64.extend_i32_u (local.get $n)) (i64.const {i})))");
    }
    wat += " (call $rec (i32.add (local.get $n) (i32.const 1)))";
    for i in 0..n {
        wat += &format!(" (local.get $l{i}) (i64.add)");
    }
    wat += "))";
    translate(&wat)
}

#[test]
fn interpreter_recursion_is_bounded_in_bytes() {
    run_with_big_stack(|| {
        let mut store = Store::new();
        let m = instantiate_module(&mut store, &InterpEngine, big_frames(), &Linker::new()).unwrap();
        let err = invoke(&mut store, m, "rec", &[Val::I32(0)]).unwrap_err();
        assert!(matches!(&err, InvokeError::Trap(t) if t.code == TrapCode::StackOverflow), "{err}");
        // Far fewer calls than the call-depth backstop: the bytes ran out.
        assert_eq!(store.call_depth(), 0);

        // A smaller limit: a deep recursion of small frames that fits the default no longer fits.
        let deep = r#"(module (func $d (export "d") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))"#;
        let mut store = Store::new();
        let m = instantiate_module(&mut store, &InterpEngine, translate(deep), &Linker::new()).unwrap();
        assert_eq!(invoke(&mut store, m, "d", &[Val::I32(50_000)]), Ok(vec![Val::I32(50_000)]));
        let mut store = Store::with_limits(StoreLimits { interp_stack_bytes: 1 << 20, ..StoreLimits::default() });
        let m = instantiate_module(&mut store, &InterpEngine, translate(deep), &Linker::new()).unwrap();
        let err = invoke(&mut store, m, "d", &[Val::I32(50_000)]).unwrap_err();
        assert!(matches!(&err, InvokeError::Trap(t) if t.code == TrapCode::StackOverflow), "{err}");
        assert_eq!(invoke(&mut store, m, "d", &[Val::I32(10)]), Ok(vec![Val::I32(10)]));
    });
}

#[test]
fn prepared_modules_are_shared_between_metered_stores() {
    // The fuel counter belongs to the store: two stores, two budgets.
    let engine = MeteredEngine { inner: Box::new(InterpEngine) };
    let prepared = engine.prepare(Arc::new(translate(COUNTER))).unwrap();
    let mut a = Store::new();
    let mut b = Store::new();
    let ia = wlab_runtime::instantiate(&mut a, prepared.clone(), &Linker::new()).unwrap();
    let ib = wlab_runtime::instantiate(&mut b, prepared, &Linker::new()).unwrap();
    a.set_fuel(Some(5));
    b.set_fuel(Some(50));
    assert!(invoke(&mut a, ia, "loop", &[Val::I32(10)]).is_err());
    invoke(&mut b, ib, "loop", &[Val::I32(10)]).unwrap();
    assert_eq!(b.fuel_remaining(), Some(39));
}
