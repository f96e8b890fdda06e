//! Per-function effect summaries, computed once when the module is read: which of the
//! module's functions provably never write linear memory, so that a pass may keep what it
//! knows about memory across a call to one (`load-elim`).
//!
//! ```text
//!  each body, while module_env reads it:   local write?  direct callees
//!      f0 (import)                          yes           -
//!      f1: i32.load, i32.add                no            -
//!      f2: call f1, call f2                 no            f1, f2
//!      f3: call f2, i32.store               yes           f2
//!      f4: call f1, call f0                 no            f1, f0
//!  propagate "writes" from callee to caller (reverse call graph, one visit per edge):
//!      writes = {f0, f3, f4}; f1 and f2 never write memory
//! ```
//!
//! A function writes memory when its body has a store of any width (SIMD included),
//! `memory.grow`, `memory.fill`, `memory.copy` or `memory.init`, or a `call_indirect`
//! (the table may hold anything), or when it calls an import (the host may write memory)
//! or a function that writes memory. Any operator outside the proposals wlab translates
//! (MVP, sign extension, saturating conversions, bulk memory, reference types, SIMD) is
//! taken to write: atomics, tail calls and the rest are assumed the worst.
//!
//! Only linear memory is summarized: `load-elim` forwards memory loads and nothing else
//! (a `global_get` or `table_get` is never reused across anything that writes state), so a
//! callee that only sets globals or tables counts as not writing.
//!
//! Recursion: "writes" is the least fixpoint — every write a run makes happens at the end
//! of a finite chain of calls, each an edge of the call graph, from a function that writes
//! by itself. So a cycle of functions none of which writes by itself, nor calls out of
//! the cycle to a writer, never writes. Linear in the number of call edges.

use super::simd::simd_operator;
use crate::module::ModuleInfo;
use crate::opcode::Opcode;
use wasmparser::Operator as O;

/// What a function may do that a caller's optimizations care about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FuncEffects {
    /// May write linear memory (directly, through a callee, or through the host).
    pub writes_memory: bool,
}

/// What one body does by itself, gathered operator by operator.
#[derive(Clone, Debug, Default)]
pub(crate) struct LocalEffects {
    writes_memory: bool,
    /// Functions called directly (`call`), each once.
    calls: Vec<u32>,
}

impl LocalEffects {
    /// Takes one operator of the body into account.
    pub(crate) fn add(&mut self, op: &O<'_>) {
        match *op {
            O::Call { function_index } => self.calls.push(function_index),
            _ => self.writes_memory |= may_write_memory(op),
        }
    }

    fn finish(&mut self) {
        self.calls.sort_unstable();
        self.calls.dedup();
    }
}

/// Whether `op` (anything but a direct `call`) may write linear memory.
fn may_write_memory(op: &O<'_>) -> bool {
    match *op {
        O::I32Store { .. }
        | O::I64Store { .. }
        | O::F32Store { .. }
        | O::F64Store { .. }
        | O::I32Store8 { .. }
        | O::I32Store16 { .. }
        | O::I64Store8 { .. }
        | O::I64Store16 { .. }
        | O::I64Store32 { .. }
        | O::MemoryGrow { .. }
        | O::MemoryFill { .. }
        | O::MemoryCopy { .. }
        | O::MemoryInit { .. }
        | O::CallIndirect { .. } => true,
        _ => match proposal(op) {
            Proposal::Translated => false,
            // A SIMD operator writes when its IR row does (the stores and lane stores);
            // one the translator does not know is assumed to write.
            Proposal::Simd => match simd_operator(op) {
                Ok(Some((s, _))) => Opcode::Simd(s).effects().writes_memory,
                Ok(None) | Err(_) => true,
            },
            Proposal::Other => true,
        },
    }
}

/// Where an operator comes from, as far as summaries care.
enum Proposal {
    /// MVP, sign extension, saturating conversions, bulk memory, reference types: the
    /// writes among them are listed in [`may_write_memory`].
    Translated,
    /// Fixed-width SIMD: its IR row says.
    Simd,
    /// Anything else (threads, tail calls, relaxed SIMD, GC, ...): assumed to write.
    Other,
}

macro_rules! define_proposal {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The proposal group of `op`, from wasmparser's own operator list.
        fn proposal(op: &O<'_>) -> Proposal {
            match op {
                $( O::$op { .. } => define_proposal!(@group $proposal), )*
                // `Operator` is non-exhaustive: an operator added later is assumed to write.
                #[allow(unreachable_patterns)]
                _ => Proposal::Other,
            }
        }
    };
    (@group mvp) => { Proposal::Translated };
    (@group sign_extension) => { Proposal::Translated };
    (@group saturating_float_to_int) => { Proposal::Translated };
    (@group bulk_memory) => { Proposal::Translated };
    (@group reference_types) => { Proposal::Translated };
    (@group simd) => { Proposal::Simd };
    (@group $other:ident) => { Proposal::Other };
}
wasmparser::for_each_operator!(define_proposal);

/// The summary of every function of the module (imports first), from what each defined
/// body does by itself (`locals[i]` is defined function `i`).
pub(crate) fn summarize(info: &ModuleInfo, mut locals: Vec<LocalEffects>) -> Vec<FuncEffects> {
    let imported = info.num_imported_funcs() as usize;
    let n = info.funcs.len();
    let mut writes = vec![false; n];
    // callers[callee]: who calls it directly, as a flat adjacency list.
    let mut count = vec![0u32; n + 1];
    for l in &mut locals {
        l.finish();
        for &c in &l.calls {
            if (c as usize) < n {
                count[c as usize + 1] += 1;
            }
        }
    }
    for k in 0..n {
        count[k + 1] += count[k];
    }
    let mut fill = count.clone();
    let mut callers = vec![0u32; count[n] as usize];
    let mut work: Vec<u32> = Vec::new();
    for (k, w) in writes.iter_mut().enumerate().take(imported) {
        *w = true;
        work.push(k as u32);
    }
    for (i, l) in locals.iter().enumerate() {
        let f = imported + i;
        for &c in &l.calls {
            if (c as usize) < n {
                callers[fill[c as usize] as usize] = f as u32;
                fill[c as usize] += 1;
            } else if !writes[f] {
                // A call the validator would refuse: assume the worst.
                writes[f] = true;
                work.push(f as u32);
            }
        }
        if l.writes_memory && f < n && !writes[f] {
            writes[f] = true;
            work.push(f as u32);
        }
    }
    while let Some(f) = work.pop() {
        let f = f as usize;
        for &caller in &callers[count[f] as usize..count[f + 1] as usize] {
            if !writes[caller as usize] {
                writes[caller as usize] = true;
                work.push(caller);
            }
        }
    }
    writes.into_iter().map(|writes_memory| FuncEffects { writes_memory }).collect()
}

#[cfg(test)]
mod tests {

    fn summary(wat: &str) -> Vec<bool> {
        let bytes = wat::parse_str(wat).expect("valid wat");
        let reader = crate::translate::read_module(&bytes).expect("reads");
        reader.effects().iter().map(|e| e.writes_memory).collect()
    }

    #[test]
    fn the_module_doc_example() {
        let w = summary(
            r#"(module
                (import "env" "f0" (func $f0))
                (memory 1)
                (func $f1 (result i32) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
                (func $f2 (drop (call $f1)) (call $f2))
                (func $f3 (call $f2) (i32.store (i32.const 0) (i32.const 1)))
                (func $f4 (drop (call $f1)) (call $f0)))"#,
        );
        assert_eq!(w, [true, false, false, true, true]);
    }

    #[test]
    fn indirect_calls_bulk_memory_and_simd_stores_write_globals_do_not() {
        let w = summary(
            r#"(module
                (type $t (func))
                (table 1 funcref)
                (memory 1)
                (global $g (mut i32) (i32.const 0))
                (func $indirect (call_indirect (type $t) (i32.const 0)))
                (func $fill (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))
                (func $grow (drop (memory.grow (i32.const 0))))
                (func $v128 (v128.store (i32.const 0) (v128.const i64x2 0 0)))
                (func $lane (v128.store8_lane 0 (i32.const 0) (v128.const i64x2 0 0)))
                (func $vload (result i32) (i32x4.extract_lane 0 (v128.load (i32.const 0))))
                (func $global (global.set $g (i32.add (global.get $g) (memory.size))))
                (func $table (table.set (i32.const 0) (ref.null func)))
                (func $mutual_a (call $mutual_b))
                (func $mutual_b (call $mutual_a) (call $fill)))"#,
        );
        assert_eq!(w, [true, true, true, true, true, false, false, false, true, true]);
    }
}
