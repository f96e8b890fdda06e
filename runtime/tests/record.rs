//! The recorder of `wlab run --record` through the library: which calls are sampled, what
//! a state holds (arguments, the memory the function touched at entry, globals, the calls
//! it made with their outcomes and writes), and that recording does not change what the
//! program computes.

use wlab_ir::interp::state::{Bytes, CallTarget, Outcome, StateVal};
use wlab_ir::interp::Val;
use wlab_ir::Module;
use wlab_runtime::record::{RecordOptions, RecordingEngine};
use wlab_runtime::{instantiate_module, invoke, run_with_big_stack, InterpEngine, Linker, Store};

fn translate(wat: &str) -> Module {
    let buf = wast::parser::ParseBuffer::new(wat).unwrap();
    let mut m = wast::parser::parse::<wast::Wat>(&buf).unwrap();
    wlab_ir::translate::translate_module(&m.encode().unwrap()).unwrap()
}

/// `sum(p)`: [p] + set(p + 8, [p + 4]) where `set` stores its argument at 512 and
/// returns it doubled; g0 counts calls of `set`.
const PROGRAM: &str = r#"(module
  (memory 1)
  (global $n (mut i32) (i32.const 0))
  (func $set (param $v i32) (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.const 512) (local.get $v))
    (i32.add (local.get $v) (local.get $v)))
  (func (export "sum") (param $p i32) (result i32)
    (i32.add (i32.load (local.get $p)) (call $set (i32.load offset=4 (local.get $p)))))
  (func (export "init")
    (i32.store (i32.const 64) (i32.const 5))
    (i32.store (i32.const 68) (i32.const 7))))"#;

#[test]
fn a_sampled_call_records_its_entry_state_and_its_calls() {
    run_with_big_stack(|| {
        let engine = RecordingEngine::new(RecordOptions { calls_per_func: 2, ..Default::default() });
        let mut store = Store::new();
        let m = instantiate_module(&mut store, &engine, translate(PROGRAM), &Linker::new()).unwrap();
        invoke(&mut store, m, "init", &[]).unwrap();
        let mut results = Vec::new();
        for _ in 0..5 {
            results.push(invoke(&mut store, m, "sum", &[Val::I32(64)]).unwrap());
        }
        // The same as without recording.
        let mut plain = Store::new();
        let p = instantiate_module(&mut plain, &InterpEngine, translate(PROGRAM), &Linker::new()).unwrap();
        invoke(&mut plain, p, "init", &[]).unwrap();
        assert_eq!(results[0], invoke(&mut plain, p, "sum", &[Val::I32(64)]).unwrap());
        assert_eq!(results[0], vec![Val::I32(19)]);

        let rec = engine.recorder.lock().unwrap().finish();
        let sum = rec.functions.iter().find(|f| f.func == 1).expect("sum was called");
        assert_eq!(sum.calls_seen, 5);
        // Calls 1 and 2 (`calls_per_func: 2`).
        assert_eq!(sum.states.iter().map(|s| s.call).collect::<Vec<_>>(), [1, 2]);
        let s = &sum.states[0];
        assert_eq!(s.args, [StateVal::I32(64)]);
        assert_eq!(s.globals, [StateVal::I32(0)]);
        // The chunk holding [64] and [68], as it was at entry; not the one `set` wrote.
        let mut chunk = vec![0u8; 256];
        chunk[64..68].copy_from_slice(&5u32.to_le_bytes());
        chunk[68..72].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(s.memory, [Bytes::new(0, &chunk)]);
        assert_eq!(s.calls.len(), 1);
        let c = &s.calls[0];
        assert_eq!(c.target, CallTarget::Direct(0));
        assert_eq!(c.args, [StateVal::I32(7)]);
        assert_eq!(c.outcome, Outcome::Results(vec![StateVal::I32(14)]));
        assert_eq!(c.globals, [(0, StateVal::I32(1))]);
        let mut written = vec![0u8; 256];
        written[0..4].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(c.writes, [Bytes::new(512, &written)]);
        assert_eq!(s.outcome, Outcome::Results(vec![StateVal::I32(19)]));
        // The second call sees the global `set` left behind.
        assert_eq!(sum.states[1].globals, [StateVal::I32(1)]);
    });
}

#[test]
fn a_state_over_the_byte_limit_is_dropped_and_said_so() {
    run_with_big_stack(|| {
        let engine = RecordingEngine::new(RecordOptions { calls_per_func: 8, state_bytes: 100, total_bytes: 1 << 20 });
        let mut store = Store::new();
        let m = instantiate_module(&mut store, &engine, translate(PROGRAM), &Linker::new()).unwrap();
        invoke(&mut store, m, "sum", &[Val::I32(64)]).unwrap();
        let rec = engine.recorder.lock().unwrap().finish();
        let sum = rec.functions.iter().find(|f| f.func == 1).unwrap();
        assert!(sum.states.is_empty());
        assert_eq!(sum.dropped, ["call 1: larger than --record-state-bytes (100)"]);
    });
}
