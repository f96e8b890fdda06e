//! Fuel and the timeout on the `aarch64` engine (Unicorn): the same unit as the other
//! engines (one per function entry and loop-header arrival), `out of fuel` and `timeout`
//! traps on an endless loop, including through a nested entry. The other engines are
//! covered in `runtime/tests/limits.rs`. Needs the `unicorn` feature.

use std::time::Duration;
use wlab_ir::interp::Val;
use wlab_ir::TrapCode;
use wlab_runtime::native_aarch64::Aarch64Engine;
use wlab_runtime::{
    instantiate_module, invoke, run_with_big_stack, InstanceId, InvokeError, Linker, MeteredEngine, Store,
};

const MODULE: &str = r#"(module
  (func $leaf (export "leaf"))
  (func (export "loop") (param $n i32)
    (loop $l
      (call $leaf)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func $spin (export "spin") (loop $l (br $l)))
  (table 1 funcref)
  (elem (i32.const 0) $spin)
  (func (export "nested") (call_indirect (i32.const 0))))"#;

fn instance(store: &mut Store) -> InstanceId {
    let bytes = wat::parse_str(MODULE).unwrap();
    let module = wlab_ir::translate::translate_module(&bytes).unwrap();
    let engine = MeteredEngine { inner: Box::new(Aarch64Engine::default()) };
    instantiate_module(store, &engine, module, &Linker::new()).unwrap()
}

fn trap_code(err: InvokeError) -> TrapCode {
    match err {
        InvokeError::Trap(t) => t.code,
        other => panic!("not a trap: {other}"),
    }
}

#[test]
fn fuel_counts_the_same_units_as_on_the_other_engines() {
    run_with_big_stack(|| {
        let mut store = Store::new();
        let m = instance(&mut store);
        store.set_fuel(Some(1000));
        invoke(&mut store, m, "loop", &[Val::I32(10)]).unwrap();
        assert_eq!(store.fuel_remaining(), Some(1000 - 21));
    });
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    run_with_big_stack(|| {
        let mut store = Store::new();
        let m = instance(&mut store);
        for f in ["spin", "nested"] {
            store.set_fuel(Some(100_000));
            assert_eq!(trap_code(invoke(&mut store, m, f, &[]).unwrap_err()), TrapCode::OutOfFuel, "{f}");
        }
    });
}

#[test]
fn an_endless_loop_ends_with_a_timeout() {
    run_with_big_stack(|| {
        for f in ["spin", "nested"] {
            let mut store = Store::new();
            let m = instance(&mut store);
            store.set_timeout(Duration::from_millis(200));
            assert_eq!(trap_code(invoke(&mut store, m, f, &[]).unwrap_err()), TrapCode::Timeout, "{f}");
            // The core is left in order: the next entry on it runs normally.
            store.set_fuel(Some(1000));
        }
        let mut store = Store::new();
        let m = instance(&mut store);
        invoke(&mut store, m, "loop", &[Val::I32(3)]).unwrap();
    });
}
